import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { createEventLog } from '../../src/eventlog/create-event-log.js';
import { sealPersonalFields } from '../../src/events/personal-fields.js';
import { createStateStore } from '../../src/state/create-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import {
  HIVE_METASTORE_URL,
  KAFKA_BROKERS,
  REDIS_URL,
  requireHdfs,
  requireKafka,
  requireRedis,
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

const DAY_MS = 86_400_000;

/**
 * Seals 40 sample events' personal fields (each player's key in Redis), lands them in the format's
 * tables on HDFS, erases user3, and checks what Trino and `verify --erased` then say.
 */
async function eraseOnTheCluster(t: TestContext, format: 'hive' | 'iceberg') {
  if (
    !(await requireRedis(t)) ||
    !(await requireKafka(t)) ||
    !(await requireHdfs(t)) ||
    !(await requireTrinoOnHiveMetastore(t))
  )
    return;
  const dataDir = tempDir();
  const lake = hdfsLake('erase');
  const topic = uniqueName('erase');
  const schema = uniqueName('gp_erase').replace(/[^A-Za-z0-9]/g, '_');
  const flags = {
    redisUrl: REDIS_URL,
    redisPrefix: `${uniqueName('erase')}:`,
    kafkaBrokers: KAFKA_BROKERS.join(','),
    topic,
    lake: lake.uri,
    webhdfsUrl: WEBHDFS_URL,
    hdfsUser: 'gamepipe',
    trinoUrl: TRINO_ON_HIVE_METASTORE_URL ?? 'http://127.0.0.1:8080',
    metastoreUrl: HIVE_METASTORE_URL,
    schema,
    logPersonalFields: 'encrypted',
    tableFormat: format,
  };
  const cliFlags = Object.entries(flags).flatMap(([k, v]) => [
    `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
    v,
  ]);
  const cli = (args: string[]) => gamepipe([...args, '--data-dir', dataDir, ...cliFlags], { timeoutMs: 180_000 });
  cleanups.push(() => void cli(['query', `drop schema if exists hive.${schema} cascade`]));
  const created = cli(['topic', 'create', '--partitions', '2']);
  assert.equal(created.status, 0, created.stderr);
  // Iceberg tables exist before a writer commits to them; Hive tables are declared after, with their partitions.
  if (format === 'iceberg') assert.equal(cli(['tables', 'create']).status, 0);

  // Personal fields sealed, as servers seal them with --log-personal-fields encrypted: each
  // player's key in Redis, records keyed by the key's id; the writer opens them with Redis's keys.
  const config = testConfig(dataDir, flags);
  const state = await createStateStore(config);
  try {
    const records = [];
    for (let i = 0; i < 40; i++) {
      const event: Record<string, unknown> = { ...sampleEvent(i) };
      if (i % 2 === 0) event.event_ts = Date.now() - 3 * DAY_MS;
      const username = String(event.username);
      await state.createUser(username, 'hash', { tokenHash: `t-${username}`, ttlMs: 60_000 });
      const key = (await state.playerKey(username))!;
      records.push({ key: key.id, value: JSON.stringify(sealPersonalFields(event, key)) });
    }
    const log = await createEventLog(config);
    await log.append(records);
    await log.close();
    await streamOnce(dataDir, flags, { playerKeys: state });
  } finally {
    await state.close();
  }
  if (format === 'hive') await createTables(config);

  const query = (sql: string) => {
    const r = cli(['query', '--format', 'csv', sql]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').slice(1).join('|');
  };
  const figures = `select (select count(*) from events_buy), (select sum(total_price) from events_buy),
      (select count(distinct username) from events_buy), (select count(*) from events_user), (select count(*) from events_guild)`;
  const user3 = `select (select count(*) from events_buy where username = 'user3')
      + (select count(*) from events_user where username = 'user3') + (select count(*) from events_guild where username = 'user3')`;
  const before = query(figures);
  assert.notEqual(query(user3), '0');

  const erased = cli(['erase', '--player', 'user3', '--yes', '--json']);
  assert.equal(erased.status, 0, erased.stderr);
  const outcome = JSON.parse(erased.stdout) as {
    account: boolean;
    partitions: { how: string }[];
    tables: { table: string; rows: number }[];
  };
  assert.equal(outcome.account, true, 'deleted from Redis');
  if (format === 'hive')
    assert.deepEqual(
      [...new Set(outcome.partitions.map((p) => p.how))].sort(),
      ['generation', 'in place'],
      'the closed day through a new generation, the open day in place',
    );
  else
    assert.ok(
      outcome.tables.some((table) => table.table === 'events_buy' && table.rows > 0),
      'events_buy got a replace snapshot',
    );
  assert.equal(query(user3), '0', 'Trino reads no row of user3');
  assert.equal(query(figures), before, 'the figures Trino computes are the same');

  // Kafka still holds user3's records, sealed with a key that is gone: nothing of user3 is readable.
  const proof = cli(['verify', '--erased', 'user3']);
  assert.equal(proof.status, 0, proof.stdout + proof.stderr);
  assert.match(
    proof.stdout,
    /^Certified: nothing of user3 is readable in state store, lake files, replay ledgers, event log/,
  );
}

describe('gamepipe erase on Redis, Kafka, HDFS and Trino', () => {
  it('erases a player from Redis, the Hive tables Trino reads (closed day switched, open day in place) and, by their key, from Kafka', (t) =>
    eraseOnTheCluster(t, 'hive'));

  it('erases a player from the Iceberg tables in the metastore (a replace snapshot Trino reads), keeping the figures', (t) =>
    eraseOnTheCluster(t, 'iceberg'));
});
