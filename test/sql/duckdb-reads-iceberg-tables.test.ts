import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import type { LakeRow } from '../../src/lake/parquet/parquet-writer.js';
import type { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { openQueryEngine } from '../../src/sql/open-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleEvent, sampleRecords } from '../helpers/events.js';
import { localLake } from '../helpers/lake-query.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir } from '../helpers/temp-dir.js';
import { testConfig } from '../report/simulated-lake.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const login = tableSpecs.find((t) => t.name === 'user')!;
let writer: DuckdbParquetWriter;
after(() => writer?.close());

/** A Parquet file of `rows` (as gamepipe's writer makes them), put in the table's data directory, and its DataFile. */
async function parquetFile(storage: LocalLakeStorage, dt: string, rows: LakeRow[], spec = buy): Promise<DataFile> {
  writer ??= await DuckdbParquetWriter.create();
  const first = rows[0]!.offset;
  const last = rows[rows.length - 1]!.offset;
  const path = `${spec.table}/data/dt=${dt}/events+0+${first}+${last}.${Math.random().toString(16).slice(2, 10)}.parquet`;
  mkdirSync(join(storage.localPath(path), '..'), { recursive: true });
  await writer.writeEvents(storage.localPath(path), spec, rows);
  return { path, sizeBytes: (await storage.stat(path))!.size, recordCount: rows.length, partition: { dt } };
}

const buyRows = (offsets: number[]): LakeRow[] =>
  offsets.map((offset) => ({
    raw: JSON.stringify(sampleEvent(offset * 5)), // i % 5 == 0: a buy
    timestamp: Date.now(),
    partition: 0,
    offset,
  }));

function lakeTable(storage: LocalLakeStorage, now?: () => number): IcebergTableOptions {
  const catalog = new LakeIcebergCatalog({ storage });
  return { storage, catalog, ident: { database: 'default', table: 'events_buy' }, dir: 'events_buy', now };
}

async function answer(engine: DuckdbQueryEngine, sql: string): Promise<unknown[][]> {
  return (await queryAll(engine, sql)).rows;
}

describe('DuckDB reads Iceberg tables from their manifests', () => {
  it('answers with the current snapshot: dt from the partition values, counts through a replace, an empty table with its columns', async () => {
    const storage = localLake(tempDir());
    const options = lakeTable(storage);
    const table = await IcebergTable.create(options, buy);
    await IcebergTable.create(
      { ...options, ident: { database: 'default', table: login.table }, dir: login.table },
      login,
    );
    const a = await parquetFile(storage, '2026-12-06', buyRows([0, 1, 2]));
    const b = await parquetFile(storage, '2026-12-07', buyRows([3, 4]));
    await table.append([a, b], { positions: { 'buy+0': 5 } });
    const c = await parquetFile(storage, '2026-12-07', buyRows([5, 6, 7, 8]));
    await table.append([c], { positions: { 'buy+0': 9 } });
    // A file the table does not name (an orphan of a crashed commit) is never read.
    await parquetFile(storage, '2026-12-07', buyRows([100, 101]));

    const read = async () => {
      const engine = await DuckdbQueryEngine.open(storage, {
        iceberg: { catalog: options.catalog, database: 'default' },
      });
      try {
        return {
          byDay: await answer(
            engine,
            'select cast(dt as varchar), count(*), count(distinct event_id) from events_buy group by 1 order by 1',
          ),
          login: await answer(engine, 'select count(*) from events_user'),
          columns: (await answer(engine, 'describe events_user')).map((r) => r[0]),
        };
      } finally {
        await engine.close();
      }
    };
    const before = await read();
    assert.deepEqual(before.byDay, [
      ['2026-12-06', 3, 3],
      ['2026-12-07', 6, 6],
    ]);
    assert.deepEqual(before.login, [[0]]);
    assert.deepEqual(before.columns, [...login.columns.map((c) => c.name), 'dt']);

    // Compaction of the open day: one replace snapshot; the old files stay on disk, unread.
    const merged = await parquetFile(storage, '2026-12-07', buyRows([3, 4, 5, 6, 7, 8]));
    await table.replace([b.path, c.path], [merged]);
    assert.deepEqual((await read()).byDay, before.byDay);
  });

  it('reads the table as of a time: the snapshot current then, and says so when the time precedes the first', async () => {
    const storage = localLake(tempDir());
    let clock = Date.parse('2026-12-07T10:00:00Z');
    const options = lakeTable(storage, () => clock);
    const table = await IcebergTable.create(options, buy);
    clock += 60_000; // 10:01
    await table.append([await parquetFile(storage, '2026-12-07', buyRows([0, 1]))]);
    clock += 60_000; // 10:02
    await table.append([await parquetFile(storage, '2026-12-07', buyRows([2, 3, 4]))]);
    const countAsOf = async (iso: string) => {
      const engine = await DuckdbQueryEngine.open(storage, {
        iceberg: { catalog: options.catalog, database: 'default', asOfMs: Date.parse(iso) },
      });
      try {
        return (await answer(engine, 'select count(*) from events_buy'))[0]![0];
      } finally {
        await engine.close();
      }
    };
    assert.equal(await countAsOf('2026-12-07T10:01:30Z'), 2);
    assert.equal(await countAsOf('2026-12-07T10:02:00Z'), 5);
    assert.equal(await countAsOf('2026-12-08T00:00:00Z'), 5);
    const error = await rejection(countAsOf('2026-12-07T10:00:30Z'));
    assert.equal(error.code, 'BAD_REQUEST');
    assert.match(error.message, /before the lake's first snapshot \(2026-12-07T10:01:00\.000Z\)/);
  });

  it("counts each row once with the embedded log's tail, bounded by the positions of the snapshot the files come from", async () => {
    const dataDir = tempDir();
    const config = { ...testConfig(dataDir), tableFormat: 'iceberg' as const };
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(sampleRecords(50)); // offsets 0..49; i % 5 in {0, 1, 2} are buys: 30 of them
    await log.close();
    const storage = localLake(dataDir);
    const options = lakeTable(storage);
    const table = await IcebergTable.create(options, buy);
    // The writer landed offsets 0..19 (its buys: 12 rows) and recorded where it stopped.
    const landed = Array.from({ length: 20 }, (_, i) => i).filter((i) => i % 5 < 3);
    const rows = landed.map((offset) => ({
      raw: sampleRecords(1, offset)[0]!.value,
      timestamp: Date.now(),
      partition: 0,
      offset,
    }));
    await table.append([await parquetFile(storage, new Date().toISOString().slice(0, 10), rows)], {
      positions: { 'buy+0': 20 },
    });
    const count = async (logTail: boolean) => {
      const engine = await openQueryEngine(config, storage, { logTail });
      try {
        return (await queryAll(engine, 'select count(*), count(distinct log_offset) from events_buy')).rows[0];
      } finally {
        await engine.close();
      }
    };
    assert.deepEqual(await count(true), [30, 30]);
    assert.deepEqual(await count(false), [12, 12]);
  });

  it('`gamepipe query --as-of` answers as of the time, and refuses a time before the first snapshot in one line, exit 2', async () => {
    const dataDir = tempDir();
    const storage = localLake(dataDir);
    const table = await IcebergTable.create(lakeTable(storage), buy);
    await table.append([await parquetFile(storage, '2026-12-07', buyRows([0, 1, 2]))]);
    const query = (...flags: string[]) =>
      gamepipe(['query', '--data-dir', dataDir, '--format', 'csv', ...flags, 'select count(*) from events_buy']);
    const now = query('--table-format', 'iceberg', '--as-of', '2099-01-01');
    assert.equal(now.status, 0, now.stderr);
    assert.match(now.stdout, /^3$/m);
    const early = query('--table-format', 'iceberg', '--as-of', '2000-01-01');
    assert.equal(early.status, 2);
    assert.equal(early.stderr.trim().split('\n').length, 1, early.stderr);
    assert.match(early.stderr, /before the lake's first snapshot/);
    const hive = query('--as-of', '1h');
    assert.equal(hive.status, 2);
    assert.match(hive.stderr, /--as-of needs Iceberg tables/);
  });
});
