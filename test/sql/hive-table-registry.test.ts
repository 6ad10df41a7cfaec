import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trinoType } from '../../src/events/field-types.js';
import { deadLetterSpec, tableSpecs } from '../../src/events/tables.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { HiveTableRegistry } from '../../src/sql/engines/hive-table-registry.js';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { trinoIdentifier } from '../../src/sql/engines/trino-sql.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { HDFS_URI, requireHdfs, requireTrino, TRINO_URL, WEBHDFS_URL } from '../helpers/services.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { trinoCli } from '../helpers/trino-cli.js';
import { writeParquet } from './lake-parquet-fixture.js';

const buySpec = tableSpecs.find((s) => s.name === 'buy')!;
const guildSpec = tableSpecs.find((s) => s.name === 'guild')!;
const allSpecs = [...tableSpecs, deadLetterSpec];

/** Sword buys among rows first..last, counted from the row numbers the files were written from. */
const swords = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, k) => first + k).filter((i) => i % 3 === 0).length;

async function count(engine: PrestoQueryEngine, sql: string): Promise<number> {
  return Number((await queryAll(engine, sql)).rows[0]![0]);
}

describe('HiveTableRegistry through Trino', () => {
  const lakeDir = tempDir('gamepipe-hive-lake-');
  const schema = uniqueName('gp-registry');
  const engine = new PrestoQueryEngine({ engine: 'trino', url: TRINO_URL, user: 'gamepipe-test', schema });
  const registry = new HiveTableRegistry({
    engine,
    catalog: 'hive',
    schema,
    lakeUri: new LocalLakeStorage(lakeDir).uri,
    storage: new LocalLakeStorage(lakeDir),
  });

  before(async () => {
    await writeParquet(lakeDir, 'events_buy/dt=2026-11-28', buySpec, 0, 9);
    await writeParquet(lakeDir, 'events_buy/dt=2026-11-29', buySpec, 10, 16);
    // Compaction's leftovers: hidden from every engine, so never counted twice.
    await writeParquet(lakeDir, 'events_buy/dt=2026-11-28/_merged', buySpec, 0, 4);
    await writeParquet(lakeDir, 'events_dead_letter/buy/dt=2026-11-28', deadLetterSpec, 3, 3, 'buy');
    await writeParquet(lakeDir, 'events_dead_letter/unrouted/dt=2026-11-29', deadLetterSpec, 5, 6, 'unrouted');
  });
  after(async () => {
    await engine.stream(`DROP SCHEMA IF EXISTS hive.${trinoIdentifier(schema)} CASCADE`).catch(() => undefined);
    await registry.close();
  });

  it('creates every table once; creating again changes nothing', async (t) => {
    if (!(await requireTrino(t))) return;
    const first = await registry.create(allSpecs);
    assert.deepEqual(
      first.map((r) => r.outcome),
      ['created', 'created', 'created', 'created'],
    );
    const again = await registry.create(allSpecs);
    assert.deepEqual(
      again,
      allSpecs.map((s) => ({ table: s.table, outcome: 'exists' })),
    );
    assert.deepEqual(
      (await registry.declared(allSpecs)).map((s) => s.table),
      allSpecs.map((s) => s.table),
    );
    const { rows } = await queryAll(
      engine,
      `SELECT data_type FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'events_buy' AND column_name IN ('timestamp', 'price', 'dt') ORDER BY column_name`,
    );
    assert.deepEqual(rows, [['varchar'], ['double'], ['timestamp(3)']]);
  });

  it('counts the swords the files hold, through the tables it declared', async (t) => {
    if (!(await requireTrino(t))) return;
    await registry.create([buySpec]);
    assert.equal(await count(engine, 'select count(*) from events_buy'), 0, 'no partition is declared yet');
    await registry.addPartitions(buySpec);
    assert.equal(await count(engine, 'select count(*) from events_buy'), 17);
    assert.equal(await count(engine, `select count(*) from events_buy where item_type = 'sword'`), swords(0, 16));
    const { rows } = await queryAll(engine, `select "timestamp", log_offset, dt from events_buy where log_offset = 11`);
    assert.deepEqual(rows, [['2026-11-28 10:00:11.000', 11, '2026-11-29']]);
  });

  it('declares named date partitions, and repeating it is harmless', async (t) => {
    if (!(await requireTrino(t))) return;
    await registry.create([buySpec]);
    await registry.addPartitions(buySpec);
    await writeParquet(lakeDir, 'events_buy/dt=2026-11-30', buySpec, 17, 19);
    await registry.addPartitions(buySpec, ['dt=2026-11-30']);
    await registry.addPartitions(buySpec, ['dt=2026-11-30', 'dt=2026-11-28']);
    assert.equal(await count(engine, `select count(*) from events_buy where dt = '2026-11-30'`), 3);
  });

  it('finds the dead letters under each writer directory', async (t) => {
    if (!(await requireTrino(t))) return;
    await registry.create([deadLetterSpec]);
    await registry.addPartitions(deadLetterSpec);
    const perWriter = `select writer, dt, count(*) from events_dead_letter group by writer, dt order by writer, dt`;
    assert.deepEqual((await queryAll(engine, perWriter)).rows, [
      ['buy', '2026-11-28', 1],
      ['unrouted', '2026-11-29', 2],
    ]);
    // With dates given, writers without dead letters that day are skipped; repeating is harmless.
    await writeParquet(lakeDir, 'events_dead_letter/guild/dt=2026-11-30', deadLetterSpec, 8, 8, 'guild');
    await registry.addPartitions(deadLetterSpec, ['dt=2026-11-30']);
    await registry.addPartitions(deadLetterSpec, ['dt=2026-11-30']);
    await registry.addPartitions(deadLetterSpec);
    assert.deepEqual((await queryAll(engine, perWriter)).rows, [
      ['buy', '2026-11-28', 1],
      ['guild', '2026-11-30', 1],
      ['unrouted', '2026-11-29', 2],
    ]);
  });

  it('refuses a table declared with other columns, and leaves it as it was', async (t) => {
    if (!(await requireTrino(t))) return;
    await registry.create([buySpec]);
    mkdirSync(join(lakeDir, 'events_guild'), { recursive: true });
    const otherColumns = guildSpec.columns
      .filter((c) => c.name !== 'previous_guild')
      .map((c) => `${trinoIdentifier(c.name)} ${c.name === 'guild_name' ? 'bigint' : trinoType[c.type]}`);
    await queryAll(engine, `DROP TABLE IF EXISTS events_guild`);
    await queryAll(
      engine,
      `CREATE TABLE events_guild (${otherColumns.join(', ')}, foo varchar, dt varchar) ` +
        `WITH (external_location = '${new LocalLakeStorage(lakeDir).uri}/events_guild', format = 'PARQUET', partitioned_by = ARRAY['dt'])`,
    );
    const error = await rejection(registry.create([buySpec, guildSpec]));
    assert.equal(error.code, 'TABLE_MISMATCH');
    assert.equal(
      error.message,
      'events_guild: column guild_name is bigint in the metastore, varchar in the schemas; column previous_guild missing; column foo is not in the schemas',
    );
    const { rows } = await queryAll(
      engine,
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'events_guild' AND column_name IN ('foo', 'guild_name') ORDER BY 1`,
    );
    assert.deepEqual(rows, [['foo'], ['guild_name']], 'the table is still there, unchanged');
    const elsewhere = new HiveTableRegistry({ engine, catalog: 'hive', schema, lakeUri: 'file:///elsewhere/lake/' });
    const moved = await rejection(elsewhere.create([buySpec]));
    assert.equal(moved.code, 'TABLE_MISMATCH');
    // A Thrift metastore keeps `file:///x` as `file:/x`; the file metastore keeps it as written.
    const declaredAt = `file:(//)?${lakeDir.replaceAll('/', '\\/')}\\/events_buy`;
    assert.match(
      moved.message,
      new RegExp(`^events_buy: location ${declaredAt} in the metastore, file:///elsewhere/lake/events_buy expected$`),
    );
  });

  it('gives the same sword count to the Trino CLI, run as the original ran presto', async (t) => {
    if (!(await requireTrino(t))) return;
    await registry.create([buySpec]);
    await registry.addPartitions(buySpec);
    const expected = await count(engine, `select count(*) from events_buy where item_type = 'sword'`);
    const cli = trinoCli(
      TRINO_URL,
      { catalog: 'hive', schema },
      "select count(*) from events_buy where item_type = 'sword'",
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(cli.stdout.trim(), `"${expected}"`);
    assert.equal(expected, swords(0, 19));
  });
});

/** One HTTP exchange with node:http (the DataNode's `100 Continue` trips fetch). */
function httpPut(url: string, body?: Uint8Array): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** WebHDFS, spoken directly: the test must not depend on the lake adapter tested elsewhere. */
async function hdfsPut(path: string, body: Uint8Array): Promise<void> {
  const redirect = await httpPut(`${WEBHDFS_URL}/webhdfs/v1${path}?op=CREATE&overwrite=true&user.name=root`);
  assert.ok(redirect.location, `no redirect to a DataNode: HTTP ${redirect.status}`);
  assert.equal((await httpPut(redirect.location, body)).status, 201);
}

describe('HiveTableRegistry over a lake on HDFS', () => {
  const schema = uniqueName('gp-hdfs');
  const root = `/${schema}`;
  const engine = new PrestoQueryEngine({ engine: 'trino', url: TRINO_URL, user: 'gamepipe-test', schema });
  const registry = new HiveTableRegistry({ engine, catalog: 'hive', schema, lakeUri: `${HDFS_URI}${root}` });

  after(async () => {
    await engine.stream(`DROP SCHEMA IF EXISTS hive.${trinoIdentifier(schema)} CASCADE`).catch(() => undefined);
    await fetch(`${WEBHDFS_URL}/webhdfs/v1${root}?op=DELETE&recursive=true&user.name=root`, { method: 'DELETE' }).catch(
      () => undefined,
    );
    await registry.close();
  });

  it('reads the Parquet files through hdfs:// locations', async (t) => {
    if (!(await requireTrino(t)) || !(await requireHdfs(t))) return;
    const local = tempDir('gamepipe-hdfs-fixture-');
    const file = await writeParquet(local, 'events_buy/dt=2026-11-28', buySpec, 0, 11);
    await hdfsPut(`${root}/events_buy/dt=2026-11-28/events+0+0+11.parquet`, readFileSync(file));
    await registry.create([buySpec]);
    await registry.addPartitions(buySpec);
    assert.equal(await count(engine, `select count(*) from events_buy where item_type = 'sword'`), swords(0, 11));
  });
});
