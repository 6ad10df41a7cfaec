import assert from 'node:assert/strict';
import { it } from 'node:test';
import { deadLetterSpec, tableSpecs } from '../../src/events/tables.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { openTableFileLister } from '../../src/sql/table-file-lister.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testConfig } from '../report/simulated-lake.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const user = tableSpecs.find((t) => t.name === 'user')!;

it("lists an Iceberg table's live files from its current snapshot (a replaced or orphan file is not one), exact row counts", async () => {
  const dataDir = tempDir();
  const storage = localLake(dataDir);
  const catalog = new LakeIcebergCatalog({ storage });
  const table = await IcebergTable.create(
    { storage, catalog, ident: { database: 'default', table: buy.table }, dir: buy.table },
    buy,
  );
  const file = async (name: string, rows: number) => {
    const path = `events_buy/data/dt=2026-12-07/${name}.parquet`;
    await storage.create(path, Buffer.alloc(rows));
    return { path, sizeBytes: rows, recordCount: rows, partition: { dt: '2026-12-07' } };
  };
  const [a, b, c] = [await file('a', 10), await file('b', 20), await file('c', 5)];
  await table.append([a, b, c]);
  await table.replace([a.path, b.path], [await file('ab', 30)]);
  await file('orphan', 7);

  const iceberg = await openTableFileLister({ ...testConfig(dataDir), tableFormat: 'iceberg' }, storage);
  try {
    const files = await iceberg.files(buy);
    assert.deepEqual(files.map((f) => [f.path.replace(/.*\//, ''), f.maxRows]).sort(), [
      ['ab.parquet', 30],
      ['c.parquet', 5],
    ]);
    assert.deepEqual(await iceberg.files(user), []); // no such table yet
  } finally {
    await iceberg.close();
  }
  // The Hive lister of the same lake sees directories only: Iceberg's data/ layout is not a Hive table's.
  const hive = await openTableFileLister(testConfig(dataDir), storage);
  assert.deepEqual(await hive.files(buy), []);
});

it("gives an owner's committed positions from its tables' snapshots on Iceberg: the highest any of them records", async () => {
  const dataDir = tempDir();
  const storage = localLake(dataDir);
  const catalog = new LakeIcebergCatalog({ storage });
  const open = (table: string, spec = buy) =>
    IcebergTable.create({ storage, catalog, ident: { database: 'default', table }, dir: table }, spec);
  await (await open(buy.table)).append([], { positions: { 'buy+0': 7, 'buy+1': 3, 'user+0': 4 } });
  await (await open(deadLetterSpec.table, deadLetterSpec)).append([], { positions: { 'buy+0': 9 } });
  const iceberg = await openTableFileLister({ ...testConfig(dataDir), tableFormat: 'iceberg' }, storage);
  try {
    assert.deepEqual([...(await iceberg.positions('buy'))].sort(), [
      [0, 9],
      [1, 3],
    ]);
    assert.deepEqual([...(await iceberg.positions('guild'))], []);
  } finally {
    await iceberg.close();
  }
});
