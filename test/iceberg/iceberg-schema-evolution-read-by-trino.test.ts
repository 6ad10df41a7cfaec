import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it, type TestContext } from 'node:test';
import { eventBuilders } from '../../src/events/event-builders.js';
import { type TableSpec, tableSpecs } from '../../src/events/tables.js';
import { HiveIcebergCatalog } from '../../src/iceberg/hive-iceberg-catalog.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { createIcebergTables } from '../../src/iceberg/write/create-iceberg-tables.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { rejection } from '../helpers/rejection.js';
import { HIVE_METASTORE_URL, requireHdfs, requireHiveMetastore, requireTrino, TRINO_URL } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
/** The purchases table as an older gamepipe declared it: without `inventory_count`. */
const olderBuy: TableSpec = { ...buy, columns: buy.columns.filter((c) => c.name !== 'inventory_count') };
const DAY = '2026-12-07';

const schema = uniqueName('gp_icevo').replace(/\W/g, '_');
const lake = hdfsLake('icevo');
let storage: LakeStorage;
let metastore: HiveMetastoreClient;
let catalog: HiveIcebergCatalog;
let ready = false;
let skipReason = 'services absent';

before(async () => {
  const t = { skip: (message: string) => void (skipReason = message) } as unknown as TestContext;
  if (!(await requireHdfs(t)) || !(await requireHiveMetastore(t)) || !(await requireTrino(t))) return;
  storage = await lake.open();
  metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
  await metastore.createDatabase(schema);
  catalog = new HiveIcebergCatalog(new HiveMetastoreClient({ url: HIVE_METASTORE_URL }));
  ready = true;
});

after(async () => {
  if (!ready) return;
  await metastore.dropDatabase(schema, { cascade: true }).catch(() => false);
  await metastore.close();
  await catalog.close();
  await storage.close();
});

it('a field added to an event schema becomes a column Trino reads (null in older rows); a type Iceberg cannot promote is refused naming the field', async (t) => {
  if (!ready) return t.skip(skipReason);
  const trino = new PrestoQueryEngine({
    engine: 'trino',
    url: TRINO_URL,
    user: 'gamepipe-test',
    catalog: 'iceberg',
    schema,
  });
  assert.deepEqual(await createIcebergTables({ storage, catalog, database: schema, specs: [olderBuy] }), [
    { table: 'events_buy', outcome: 'created' },
  ]);

  // Three purchases written by the older gamepipe.
  const writer = await DuckdbParquetWriter.create();
  const local = join(tempDir(), 'older.parquet');
  mkdirSync(join(local, '..'), { recursive: true });
  await writer.writeEvents(
    local,
    olderBuy,
    [0, 1, 2].map((i) => {
      const event = eventBuilders.buy_item({
        event_ts: Date.parse(`${DAY}T12:00:00Z`) + i,
        accept: '*/*',
        host: 'h',
        user_agent: 'test',
        username: `user${i}`,
        item_type: 'sword',
        item_category: 'weapon',
        item_quality: 'common',
        quantity: 1,
        price: 10,
        total_price: 10,
        item_count: 1,
        inventory_count: 1,
      });
      return { raw: JSON.stringify(event), timestamp: Date.parse(`${DAY}T12:00:00Z`), partition: 0, offset: i };
    }),
  );
  await writer.close();
  const path = `events_buy/data/dt=${DAY}/events+0+0+2.older.parquet`;
  await storage.upload(local, path);
  const ident = { database: schema, table: 'events_buy' };
  const table = (await IcebergTable.open({ storage, catalog, ident, dir: 'events_buy' }))!;
  await table.append([{ path, sizeBytes: (await storage.stat(path))!.size, recordCount: 3, partition: { dt: DAY } }]);

  assert.deepEqual(await createIcebergTables({ storage, catalog, database: schema, specs: [buy] }), [
    { table: 'events_buy', outcome: 'evolved' },
  ]);
  const [row] = (await queryAll(trino, 'SELECT count(*), count(inventory_count), count(item_count) FROM events_buy'))
    .rows;
  assert.deepEqual(row!.map(Number), [3, 0, 3], 'the new column reads null in the older rows');

  const before = await catalog.currentLocation(ident);
  const retyped: TableSpec = {
    ...buy,
    columns: buy.columns.map((c) => (c.name === 'price' ? { ...c, type: 'string' as const } : c)),
  };
  const refused = await rejection(createIcebergTables({ storage, catalog, database: schema, specs: [retyped] }));
  assert.equal(refused.code, 'ICEBERG_SCHEMA_INCOMPATIBLE');
  assert.match(refused.message, /events_buy\.price/);
  assert.equal(refused.message.split('\n').length, 1);
  assert.equal(await catalog.currentLocation(ident), before, 'nothing changed');
});
