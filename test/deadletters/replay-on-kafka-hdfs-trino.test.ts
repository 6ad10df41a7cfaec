import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createEventLog } from '../../src/eventlog/create-event-log.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent, sampleRecords } from '../helpers/events.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import {
  HIVE_METASTORE_URL,
  KAFKA_BROKERS,
  requireHdfs,
  requireKafka,
  requireTrinoOnHiveMetastore,
  TRINO_ON_HIVE_METASTORE_URL,
  WEBHDFS_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { createTables, streamOnce, testConfig } from '../report/simulated-lake.js';

const cleanups: (() => void)[] = [];
after(() => {
  for (const cleanup of cleanups) cleanup();
});

describe('gamepipe deadletters replay on Kafka, HDFS and Trino', () => {
  it('replays refused purchases once into the Hive table Trino reads, and a second run appends nothing', async (t) => {
    if (!(await requireKafka(t)) || !(await requireHdfs(t)) || !(await requireTrinoOnHiveMetastore(t))) return;
    const dataDir = tempDir();
    const lake = hdfsLake('deadletters');
    const topic = uniqueName('dead-letters');
    const schema = uniqueName('gp_dead').replace(/[^A-Za-z0-9]/g, '_');
    const flags = {
      kafkaBrokers: KAFKA_BROKERS.join(','),
      topic,
      lake: lake.uri,
      webhdfsUrl: WEBHDFS_URL,
      hdfsUser: 'gamepipe',
      trinoUrl: TRINO_ON_HIVE_METASTORE_URL ?? 'http://127.0.0.1:8080',
      metastoreUrl: HIVE_METASTORE_URL,
      schema,
    };
    const cliFlags = Object.entries(flags).flatMap(([k, v]) => [
      `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      v,
    ]);
    const cli = (args: string[]) => gamepipe([...args, '--data-dir', dataDir, ...cliFlags], { timeoutMs: 180_000 });
    cleanups.push(() => void cli(['query', `drop schema if exists hive.${schema} cascade`]));
    assert.equal(cli(['topic', 'create', '--partitions', '2']).status, 0);

    const badIds: string[] = [];
    const bad = [0, 1].map((i) => {
      const event: Record<string, unknown> = { ...sampleEvent(i * 5), quantity: 'lots' };
      badIds.push(String(event.event_id));
      return { key: String(event.username), value: JSON.stringify(event) };
    });
    const log = await createEventLog(testConfig(dataDir, flags));
    await log.append([...sampleRecords(20), ...bad]);
    await log.close();
    await streamOnce(dataDir, flags);
    await createTables(testConfig(dataDir, flags));

    const count = (sql: string) => {
      const r = cli(['query', '--format', 'csv', sql]);
      assert.equal(r.status, 0, r.stderr);
      return Number(r.stdout.trim().split('\n')[1]);
    };
    assert.equal(count('select count(*) from events_dead_letter'), 2, 'Trino sees the two refused purchases');
    const buys = count('select count(*) from events_buy');

    for (const run of [1, 2]) {
      const r = cli(['deadletters', 'replay', '--writer', 'buy', '--set', 'quantity=3', '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).replayed.length, run === 1 ? 2 : 0, `run ${run}`);
      await streamOnce(dataDir, flags);
    }
    assert.equal(count('select count(*) from events_buy'), buys + 2, 'each replayed purchase once');
    const ids = badIds.map((id) => `'${id}'`).join(', ');
    assert.equal(count(`select count(*) from events_buy where event_id in (${ids}) and quantity = 3`), 2);
  });
});
