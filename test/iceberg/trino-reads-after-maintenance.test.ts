import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import { HiveIcebergCatalog } from '../../src/iceberg/hive-iceberg-catalog.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { expireIcebergSnapshots, maintainIcebergTable } from '../../src/iceberg/maintenance/maintain-iceberg-table.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import type { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { sampleEvent } from '../helpers/events.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { HIVE_METASTORE_URL } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { trinoOnIceberg } from '../helpers/trino-iceberg.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const DAY = 24 * 3_600_000;

describe('Trino reads the same counts after gamepipe maintains an Iceberg table, or its writers bound it', () => {
  const schema = uniqueName('gp_maintain').replace(/\W/g, '_');
  const lake = hdfsLake('iceberg-maintain');
  const local = tempDir();
  let storage: LakeStorage;
  let metastore: HiveMetastoreClient;
  let catalog: HiveIcebergCatalog;
  let writer: DuckdbParquetWriter;
  let trino: PrestoQueryEngine;
  let ready = false;
  let skipReason = 'services absent';

  before(async () => {
    const opened = await trinoOnIceberg(schema);
    if ('skip' in opened) return void (skipReason = opened.skip);
    trino = opened.trino;
    storage = await lake.open();
    metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
    await metastore.createDatabase(schema, { location: `${lake.uri}/${schema}.db` });
    catalog = HiveIcebergCatalog.open(HIVE_METASTORE_URL);
    writer = await DuckdbParquetWriter.create();
    ready = true;
  });

  after(async () => {
    if (!ready) return;
    await metastore.dropDatabase(schema, { cascade: true }).catch(() => false);
    await metastore.close();
    await catalog.close();
    await writer.close();
    await storage.close();
  });

  let offset = 0;
  async function parquetFile(rows: number, dir = 'events_buy'): Promise<DataFile> {
    const first = offset;
    offset += rows;
    const name = `events+0+${first}+${offset - 1}.${Math.random().toString(16).slice(2, 10)}.parquet`;
    const file = join(local, name);
    mkdirSync(local, { recursive: true });
    await writer.writeEvents(
      file,
      buy,
      Array.from({ length: rows }, (_, i) => ({
        raw: JSON.stringify(sampleEvent((first + i) * 5)),
        timestamp: Date.now(),
        partition: 0,
        offset: first + i,
      })),
    );
    const path = `${dir}/data/dt=2026-12-07/${name}`;
    await storage.upload(file, path);
    return { path, sizeBytes: (await storage.stat(path))!.size, recordCount: rows, partition: { dt: '2026-12-07' } };
  }

  it('expires snapshots, removes orphans and merges nothing away: count(*) and count(distinct event_id) unchanged', async (t) => {
    if (!ready) return t.skip(skipReason);
    let clock = Date.now();
    const options: IcebergTableOptions = {
      storage,
      catalog,
      ident: { database: schema, table: 'events_buy' },
      dir: 'events_buy',
      now: () => clock,
    };
    const table = await IcebergTable.create(options, buy);
    const a = await parquetFile(5);
    await table.append([a], { positions: { 'buy+0': 5 } });
    clock += 3_600_000;
    const b = await parquetFile(7);
    await table.append([b], { positions: { 'buy+0': 12 } });
    clock += 3_600_000;
    await table.replace([a.path, b.path], [await parquetFile(12)]);
    const orphan = await parquetFile(3);
    const counts = async () =>
      (await queryAll(trino, 'SELECT count(*), count(DISTINCT event_id) FROM events_buy')).rows[0]!.map(Number);
    assert.deepEqual(await counts(), [12, 12]);

    const outcome = await maintainIcebergTable(options, { now: () => clock + 6 * DAY });
    assert.equal(outcome.snapshotsExpired, 1);
    assert.ok(outcome.orphansRemoved >= 1);
    assert.equal(await storage.stat(orphan.path), null);
    assert.deepEqual(await counts(), [12, 12]);
    const snapshots = (await queryAll(trino, 'SELECT count(*) FROM "events_buy$snapshots"')).rows[0]![0];
    assert.equal(Number(snapshots), 2);
  });

  it("reads a table whose old metadata files and expired snapshots' files the writers deleted as they went", async (t) => {
    if (!ready) return t.skip(skipReason);
    let clock = Date.now() - 3 * 3_600_000;
    const options: IcebergTableOptions = {
      storage,
      catalog,
      ident: { database: schema, table: 'events_bounded' },
      dir: 'events_bounded',
      now: () => clock,
    };
    const table = await IcebergTable.create(options, buy);
    await table.update((base) => ({
      ...base,
      properties: { ...base.properties, 'write.metadata.previous-versions-max': '2' },
    }));
    const a = await parquetFile(4, 'events_bounded');
    await table.append([a], { positions: { 'buy+0': 4 } });
    const b = await parquetFile(6, 'events_bounded');
    await table.append([b], { positions: { 'buy+0': 10 } });
    clock += 600_000;
    await table.replace([a.path, b.path], [await parquetFile(10, 'events_bounded')]);
    clock += 2 * 3_600_000;
    await table.append([await parquetFile(5, 'events_bounded')], { positions: { 'buy+0': 15 } });

    const expiry = await expireIcebergSnapshots(options, { retentionMs: 3_600_000, now: () => clock + 60_000 });
    assert.equal(expiry.expired, 3);
    assert.equal(expiry.files.dataFiles, 2);
    for (const gone of [a, b]) assert.equal(await storage.stat(gone.path), null);
    const metadata = (await storage.list('events_bounded/metadata')).filter((e) => e.name.endsWith('.metadata.json'));
    assert.equal(metadata.length, 3, 'the current metadata file and the two the log keeps');
    const rows = await queryAll(trino, 'SELECT count(*), count(DISTINCT event_id) FROM events_bounded');
    assert.deepEqual(rows.rows[0]!.map(Number), [15, 15]);
    const snapshots = await queryAll(trino, 'SELECT count(*) FROM "events_bounded$snapshots"');
    assert.equal(Number(snapshots.rows[0]![0]), 1);
    // Trino's own commit on the table honours the same property: the log keeps 2, the oldest file goes.
    const columns = table.metadata.schemas.at(-1)!.fields.map((f) => `"${f.name}"`);
    await queryAll(trino, `INSERT INTO events_bounded SELECT ${columns.join(', ')} FROM events_bounded LIMIT 1`);
    const afterTrino = (await storage.list('events_bounded/metadata')).filter((e) => e.name.endsWith('.metadata.json'));
    assert.equal(afterTrino.length, 3, afterTrino.map((e) => e.name).join());
  });
});
