import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import {
  HIVE_METASTORE_URL,
  KAFKA_BROKERS,
  REDIS_URL,
  requireHiveMetastore,
  requireKafka,
  requireRedis,
  requireTrinoOnHiveMetastore,
  TRINO_ON_HIVE_METASTORE_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { trinoCli } from '../helpers/trino-cli.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT } from '../lake/s3-test-server.js';
import { assertSeedEvents, runSeedWalkthrough } from './seed-walkthrough.js';

const TRINO_URL = TRINO_ON_HIVE_METASTORE_URL ?? 'http://127.0.0.1:8081';
const schema = uniqueName('gp_s3').replace(/[^A-Za-z0-9]/g, '_');

after(() => {
  gamepipe(['query', `drop schema if exists hive.${schema} cascade`, '--trino-url', TRINO_URL]);
});

it("the seed's walkthrough on Redis, Kafka, S3, the Hive metastore and Trino: Trino reads the bucket and counts the swords bought; status, verify and trace work on the S3 lake", async (t) => {
  for (const ready of [requireRedis, requireKafka, requireS3, requireHiveMetastore, requireTrinoOnHiveMetastore])
    if (!(await ready(t))) return;
  const cwd = tempDir();
  const topic = uniqueName('gp-s3');
  const username = uniqueName('player').replace(/[^A-Za-z0-9_.-]/g, '');
  const lake = `s3://${S3_BUCKET}/gamepipe-tests/${uniqueName('walkthrough')}`;
  const backends = ['--redis-url', REDIS_URL, '--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', topic];
  const lakeFlags = ['--lake', lake, '--s3-endpoint', S3_ENDPOINT];
  const sql = ['--trino-url', TRINO_URL, '--metastore-url', HIVE_METASTORE_URL, '--schema', schema];
  const flags = [...backends, ...lakeFlags, ...sql];
  const { events } = await runSeedWalkthrough(cwd, backends, username);
  assertSeedEvents(events, username);
  const run = (args: string[]) => {
    const result = gamepipe([...args, ...flags], { cwd });
    assert.equal(result.status, 0, `gamepipe ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };

  assert.match(
    run(['tables', 'create', 'all']),
    new RegExp(`Created events_buy[\\s\\S]*Tables are in hive\\.${schema} over ${lake.replace(/[/.]/g, '\\$&')}`),
  );
  run(['stream', 'all', '--once']); // the writer declares the date partitions it creates in the metastore
  const swords = events.filter((e) => e.event_type === 'buy_item' && e.item_type === 'sword').length;
  const buys = events.filter((e) => e.event_type === 'buy_item').length;
  assert.equal(
    run(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv']),
    `_col0\n${swords}\n`,
  );
  assert.equal(run(['query', 'select count(*) from events_buy', '--format', 'csv']), `_col0\n${buys}\n`);

  const fromBucket = trinoCli(
    TRINO_URL,
    { catalog: 'hive', schema },
    `select count(*) from events_buy where item_type = 'sword' and "$path" like 's3://${S3_BUCKET}/%'`,
  );
  assert.equal(fromBucket.status, 0, fromBucket.stderr);
  assert.equal(fromBucket.stdout, `"${swords}"\n`, 'the Trino CLI reads the same rows from the bucket');

  const verify = gamepipe(['verify', '--json', ...flags], { cwd });
  const report = JSON.parse(verify.stdout) as {
    clean: boolean;
    lake: string;
    tallies: { eventType: string; lake: number }[];
  };
  assert.equal(verify.status, 0, verify.stdout);
  assert.equal(report.lake, lake);
  assert.equal(report.tallies.find((tally) => tally.eventType === 'buy_item')!.lake, buys);

  const sword = events.find((e) => e.event_type === 'buy_item' && e.item_type === 'sword')!;
  const traced = JSON.parse(run(['trace', String(sword.event_id), '--json'])) as {
    stage: string;
    file?: { path: string };
  };
  assert.equal(traced.stage, 'lake');
  assert.match(traced.file!.path, /^events_buy\/dt=.*\/events\+\d+\+\d+\+\d+\.parquet$/);

  assert.match(run(['status']), /events_buy/);
  const duckdb = gamepipe(['query', 'select 1', '--engine', 'duckdb', ...lakeFlags], { cwd });
  assert.notEqual(duckdb.status, 0);
  assert.match(
    duckdb.stderr,
    /^gamepipe: DuckDB reads a lake in a local directory; this lake is s3:\/\/.*--trino-url.*\n$/,
  );
});
