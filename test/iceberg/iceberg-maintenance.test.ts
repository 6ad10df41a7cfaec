import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { describeMaintenance, maintainIcebergTable } from '../../src/iceberg/maintenance/maintain-iceberg-table.js';
import { readSnapshotManifestList } from '../../src/iceberg/manifest-io.js';
import { TableLocation } from '../../src/iceberg/table-location.js';
import { MANIFEST_MIN_MERGE_COUNT } from '../../src/iceberg/table-properties.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import type { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent } from '../helpers/events.js';
import { localLake } from '../helpers/lake-query.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir } from '../helpers/temp-dir.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const DAY = 24 * 3_600_000;
let writer: DuckdbParquetWriter;
after(() => writer?.close());

let offset = 0;
async function parquetFile(storage: LocalLakeStorage, rows: number): Promise<DataFile> {
  writer ??= await DuckdbParquetWriter.create();
  const first = offset;
  offset += rows;
  const path = `events_buy/data/dt=2026-12-07/events+0+${first}+${offset - 1}.${Math.random().toString(16).slice(2, 10)}.parquet`;
  mkdirSync(join(storage.localPath(path), '..'), { recursive: true });
  const lakeRows = Array.from({ length: rows }, (_, i) => ({
    raw: JSON.stringify(sampleEvent((first + i) * 5)),
    timestamp: Date.now(),
    partition: 0,
    offset: first + i,
  }));
  await writer.writeEvents(storage.localPath(path), buy, lakeRows);
  return { path, sizeBytes: (await storage.stat(path))!.size, recordCount: rows, partition: { dt: '2026-12-07' } };
}

function setup(clock: { ms: number }) {
  const storage = localLake(tempDir());
  const options: IcebergTableOptions = {
    storage,
    catalog: new LakeIcebergCatalog({ storage }),
    ident: { database: 'default', table: 'events_buy' },
    dir: 'events_buy',
    now: () => clock.ms,
  };
  return { storage, options };
}

async function duckdbCount(storage: LocalLakeStorage, options: IcebergTableOptions): Promise<unknown> {
  const engine = await DuckdbQueryEngine.open(storage, { iceberg: { catalog: options.catalog, database: 'default' } });
  try {
    return (await queryAll(engine, 'select count(*), count(distinct event_id) from events_buy')).rows[0];
  } finally {
    await engine.close();
  }
}

describe('Iceberg table maintenance', () => {
  it('expires old snapshots but the current line back to the newest with positions, removes orphans, and the table reads the same', async () => {
    const clock = { ms: Date.now() };
    const { storage, options } = setup(clock);
    const table = await IcebergTable.create(options, buy);
    const a = await parquetFile(storage, 3);
    await table.append([a]);
    clock.ms += 3_600_000;
    const b = await parquetFile(storage, 4);
    await table.append([b], { positions: { 'buy+0': 7 } });
    clock.ms += 3_600_000;
    const c = await parquetFile(storage, 5); // a Trino INSERT: no positions
    await table.append([c]);
    clock.ms += 3_600_000;
    await table.replace([b.path, c.path], [await parquetFile(storage, 9)]);
    const orphan = await parquetFile(storage, 2); // a crashed writer's upload, never committed
    const before = await duckdbCount(storage, options);
    assert.deepEqual(before, [12, 12]);

    // A young orphan is kept (a commit may be about to name it); a run inside the retention expires nothing.
    const early = await maintainIcebergTable(options, { now: () => clock.ms });
    assert.equal(early.snapshotsExpired, 0);
    assert.equal(early.orphansRemoved, 0);
    assert.ok(await storage.stat(orphan.path));

    const later = () => clock.ms + 6 * DAY;
    const outcome = await maintainIcebergTable(options, { now: later });
    assert.equal(outcome.snapshotsExpired, 1); // the first; the Trino INSERT stays, between the current one and the positions
    assert.equal(outcome.snapshotsKept, 3);
    assert.ok(outcome.orphansRemoved >= 1);
    assert.equal(await storage.stat(orphan.path), null);
    assert.match(
      describeMaintenance(outcome),
      /^events_buy: 1 snapshots expired \(3 kept\), 1 files of expired snapshots deleted, \d+ orphan files removed/,
    );

    const reopened = (await IcebergTable.open(options))!;
    assert.deepEqual(await reopened.positions(), { 'buy+0': 7 });
    assert.deepEqual(await duckdbCount(storage, options), before);
    // Idempotent: a second run finds nothing to do.
    assert.equal(
      describeMaintenance(await maintainIcebergTable(options, { now: later })),
      'events_buy: nothing to do (3 snapshots)',
    );
  });

  it('refuses an orphan grace period under an hour, changing nothing', async () => {
    const { options } = setup({ ms: Date.now() });
    await IcebergTable.create(options, buy);
    const error = await rejection(maintainIcebergTable(options, { orphanGraceMs: 59 * 60_000 }));
    assert.equal(error.code, 'BAD_REQUEST');
  });

  it('merges a snapshot of many small manifests into one, rows unchanged', async () => {
    const clock = { ms: Date.now() };
    const { storage, options } = setup(clock);
    const table = await IcebergTable.create(options, buy);
    // Appends that do not merge (another engine's fast appends), then gamepipe's threshold back.
    const minCount = (value: string) =>
      table.update((base) => ({ ...base, properties: { ...base.properties, [MANIFEST_MIN_MERGE_COUNT]: value } }));
    await minCount('1000');
    for (let i = 0; i < 32; i++) {
      const path = `events_buy/data/dt=2026-12-07/f${i}.parquet`;
      await storage.create(path, Buffer.alloc(1));
      await table.append([{ path, sizeBytes: 1, recordCount: 1, partition: { dt: '2026-12-07' } }]);
    }
    await minCount('32');
    const outcome = await maintainIcebergTable(options, { now: () => clock.ms });
    assert.equal(outcome.manifestsMerged, 32);
    const reopened = (await IcebergTable.open(options))!;
    const list = await readSnapshotManifestList(new TableLocation(storage, 'events_buy'), reopened.currentSnapshot()!);
    assert.equal(list.length, 1);
    assert.equal((await reopened.liveDataFiles()).length, 32);
  });

  it('leaves a readable table when killed between its steps, and a second run finishes the work', async () => {
    const clock = { ms: Date.now() };
    const { storage, options } = setup(clock);
    const table = await IcebergTable.create(options, buy);
    await table.append([await parquetFile(storage, 3)], { positions: { 'buy+0': 3 } });
    clock.ms += 3_600_000;
    await table.append([await parquetFile(storage, 2)], { positions: { 'buy+0': 5 } });
    await parquetFile(storage, 4); // an orphan
    // Killed at its first delete: the expiry is committed, no orphan removed yet.
    const realDelete = storage.delete.bind(storage);
    storage.delete = async () => {
      throw new Error('killed');
    };
    await assert.rejects(maintainIcebergTable(options, { now: () => clock.ms + 6 * DAY }), /killed/);
    storage.delete = realDelete;
    assert.deepEqual(await duckdbCount(storage, options), [5, 5]);
    const outcome = await maintainIcebergTable(options, { now: () => clock.ms + 6 * DAY });
    assert.ok(outcome.orphansRemoved >= 1);
    assert.deepEqual(await duckdbCount(storage, options), [5, 5]);
  });

  it('`gamepipe tables maintain` says in one line per table what it did, and refuses a short grace or Hive tables with exit 2', async () => {
    const dataDir = tempDir();
    const storage = localLake(dataDir);
    const options: IcebergTableOptions = {
      storage,
      catalog: new LakeIcebergCatalog({ storage }),
      ident: { database: 'default', table: 'events_buy' },
      dir: 'events_buy',
    };
    const table = await IcebergTable.create(options, buy);
    await table.append([await parquetFile(storage, 2)], { positions: { 'buy+0': 2 } });
    const maintain = (...flags: string[]) => gamepipe(['tables', 'maintain', '--data-dir', dataDir, ...flags]);
    const run = maintain('--table-format', 'iceberg');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'events_buy: nothing to do (1 snapshots)\n');
    const short = maintain('--table-format', 'iceberg', '--orphan-grace', '30m');
    assert.equal(short.status, 2);
    assert.match(short.stderr, /--orphan-grace must be at least 1h/);
    const hive = maintain();
    assert.equal(hive.status, 2);
    assert.match(hive.stderr, /keeps Iceberg tables/);
  });
});
