import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { copyLakeToLocal, hdfsLake } from '../helpers/hdfs-lake.js';
import { queryLake } from '../helpers/lake-query.js';
import {
  KAFKA_BROKERS,
  REDIS_URL,
  requireHdfs,
  requireKafka,
  requireRedis,
  requireTrino,
  TRINO_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { trinoCli } from '../helpers/trino-cli.js';
import { assertSeedEvents, runSeedWalkthrough } from './seed-walkthrough.js';

const schema = uniqueName('gp').replace(/[^A-Za-z0-9]/g, '_');

after(() => {
  gamepipe(['query', `drop schema if exists hive.${schema} cascade`, '--trino-url', TRINO_URL]);
});

it("the seed's walkthrough on Redis, Kafka, HDFS and Trino: the sword count through gamepipe and through the Trino CLI equals the swords bought", async (t) => {
  for (const ready of [requireRedis, requireKafka, requireHdfs, requireTrino]) if (!(await ready(t))) return;
  const cwd = tempDir();
  const topic = uniqueName('gp-cluster');
  const username = uniqueName('player').replace(/[^A-Za-z0-9_.-]/g, '');
  const lake = hdfsLake('cluster');
  const backends = ['--redis-url', REDIS_URL, '--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', topic];
  const flags = [...backends, ...lake.flags, '--trino-url', TRINO_URL, '--schema', schema];
  const { events } = await runSeedWalkthrough(cwd, backends, username);
  assertSeedEvents(events, username);
  const run = (args: string[]) => {
    const result = gamepipe([...args, ...flags], { cwd });
    assert.equal(result.status, 0, `gamepipe ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  assert.match(
    run(['tables', 'create', 'all']),
    /Created events_buy[\s\S]*Created events_dead_letter[\s\S]*Tables are in hive\./,
  );
  run(['stream', 'all', '--once']); // the writer declares the date partitions it creates: no manual step
  const swords = events.filter((e) => e.event_type === 'buy_item' && e.item_type === 'sword').length;
  assert.equal(
    run(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv']),
    `_col0\n${swords}\n`,
  );
  assert.match(
    run(['query', 'show tables']),
    /events_buy[\s\S]*events_dead_letter[\s\S]*events_guild[\s\S]*events_user/,
  );
  const describe = run(['query', 'describe events_buy', '--format', 'csv']);
  for (const column of [
    'item_type,varchar',
    'quantity,integer',
    'price,double',
    'item_count,bigint',
    'event_ts,timestamp(3)',
    'dt,varchar',
  ]) {
    assert.ok(describe.includes(column), `describe events_buy on Trino shows ${column}: ${describe}`);
  }
  assert.match(run(['tables', 'create', 'all']), /Exists {2}events_buy/, 'creating again is safe');

  const presto = trinoCli(
    TRINO_URL,
    { catalog: 'hive', schema },
    "select count(*) from events_buy where item_type = 'sword'",
  );
  assert.equal(presto.status, 0, presto.stderr);
  assert.equal(presto.stdout, `"${swords}"\n`, 'the Trino CLI, run as the original ran presto, gives the same count');

  const local = tempDir();
  await copyLakeToLocal(await lake.open(), local);
  assert.deepEqual(
    await queryLake(local, "select count(*) from events_buy where item_type = 'sword'"),
    [[swords]],
    'DuckDB over a local copy agrees',
  );
});
