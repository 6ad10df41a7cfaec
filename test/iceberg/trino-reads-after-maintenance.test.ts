import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import { HiveIcebergCatalog } from '../../src/iceberg/hive-iceberg-catalog.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { maintainIcebergTable } from '../../src/iceberg/maintenance/maintain-iceberg-table.js';
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

describe('Trino reads the same counts after gamepipe maintains an Iceberg table', () => {
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
  async function parquetFile(rows: number): Promise<DataFile> {
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
    const path = `events_buy/data/dt=2026-12-07/${name}`;
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
});
