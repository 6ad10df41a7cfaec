import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { deploymentOf } from '../../src/config/deployment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { GamepipeError } from '../../src/errors.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import type { IcebergCatalog } from '../../src/iceberg/iceberg-catalog.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { MemoryIcebergCatalog } from '../../src/iceberg/memory-iceberg-catalog.js';
import { IcebergTableFormat } from '../../src/iceberg/write/iceberg-table-format.js';
import type { TableFormatFactory } from '../../src/lake/batch/table-format.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { sampleEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';

const EVENTS = 200;
const MUTATING = ['create', 'upload', 'rename', 'replace', 'delete'] as const;
const DAY_MS = 86_400_000;
/** Every 7th event happened yesterday (another date partition); every 11th buy is refused (a dead letter of the same owner). */
const yesterday = (i: number) => i % 7 === 0;
const refused = (i: number) => i % 11 === 0 && i % 5 < 3;

async function logWith(events: number): Promise<string> {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append(
    Array.from({ length: events }, (_, i) => {
      const event = sampleEvent(i);
      if (yesterday(i)) event.event_ts = (event.event_ts as number) - DAY_MS;
      if (refused(i)) event.quantity = 'many';
      return { key: event.username as string, value: JSON.stringify(event) };
    }),
  );
  await log.close();
  return dataDir;
}

/** The Iceberg format on a memory catalog the test keeps across writer runs (a writer's close must not end it). */
const icebergOn =
  (catalog: IcebergCatalog): TableFormatFactory =>
  ({ storage, scratch, target, parquet, compaction }) =>
    new IcebergTableFormat({
      storage,
      catalog: new Proxy(catalog, { get: (c, k) => (k === 'close' ? async () => {} : Reflect.get(c, k, c)) }),
      database: 'default',
      writer: target,
      scratch,
      compaction: { parquet, policy: compaction },
    });

async function stream(dataDir: string, storage: MemoryLakeStorage, catalog: MemoryIcebergCatalog): Promise<void> {
  const config = loadConfig({ flags: { dataDir, tableFormat: 'iceberg' }, env: {} });
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    target: 'all',
    triggerMs: 50,
    once: true,
    maxBatchRecords: 40,
    maxFileRows: 4,
    parquetWriter: 'duckdb',
    storage,
    tableFormat: icebergOn(catalog),
    // Merged after 3 files: the writer's replace snapshots are among the steps stopped at.
    compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 3, graceMs: 0 },
    onProgress: () => undefined,
  });
  try {
    await writer.run();
  } finally {
    await writer.close();
  }
}

/** The log offsets of every row the table's current snapshot holds. */
async function offsetsIn(storage: MemoryLakeStorage, catalog: IcebergCatalog, table: string): Promise<number[]> {
  const open = await IcebergTable.open({ storage, catalog, ident: { database: 'default', table }, dir: table });
  const offsets: number[] = [];
  for (const file of (await open?.liveDataFiles()) ?? []) {
    const bytes = (await storage.read(file.path))!;
    const rows = await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      columns: ['log_offset'],
    });
    offsets.push(...rows.map((r) => Number(r.log_offset)));
  }
  return offsets.sort((a, b) => a - b);
}

const expected = (kind: (i: number) => boolean) => Array.from({ length: EVENTS }, (_, i) => i).filter(kind);

async function assertEachRowOnce(storage: MemoryLakeStorage, catalog: IcebergCatalog, label: string): Promise<void> {
  const rows = (table: string) => offsetsIn(storage, catalog, table);
  assert.deepEqual(
    await rows('events_buy'),
    expected((i) => i % 5 < 3 && !refused(i)),
    label,
  );
  assert.deepEqual(await rows('events_dead_letter'), expected(refused), label);
  assert.deepEqual(
    await rows('events_guild'),
    expected((i) => i % 5 === 3),
    label,
  );
  assert.deepEqual(
    await rows('events_user'),
    expected((i) => i % 5 === 4),
    label,
  );
  assert.deepEqual(await storage.list('_iceberg_wal'), [], `${label}: no intent is left`);
}

describe('the Iceberg write path, on the in-memory lake and catalog with faults injected', () => {
  it('a writer stopped at any change to the lake, or whose swap is lost or unanswered, leaves each row exactly once after the next writer recovers', async () => {
    const dataDir = await logWith(EVENTS);
    const clean = new MemoryLakeStorage();
    const cleanCatalog = new MemoryIcebergCatalog();
    await stream(dataDir, clean, cleanCatalog);
    await assertEachRowOnce(clean, cleanCatalog, 'clean run');
    const replaced = cleanCatalog.commits.length;
    assert.ok(replaced > 20, `a run makes ${replaced} commits`);

    const informational = (path: string) => path.startsWith('_locks') || path.startsWith('_status');
    const isStep = (call: string) =>
      (MUTATING as readonly string[]).includes(call.split(' ')[0]!) && !informational(call.split(' ')[1]!);
    const steps = clean.calls.filter(isStep).length;
    for (let step = 1; step <= steps; step += 4) {
      const storage = new MemoryLakeStorage();
      const catalog = new MemoryIcebergCatalog();
      let seen = 0;
      storage.failNext([...MUTATING], {
        when: (path) => !informational(path) && ++seen === step,
        error: () => new GamepipeError('LAKE_ERROR', `crash at change ${step}`),
      });
      await assert.rejects(stream(dataDir, storage, catalog), /crash at change/);
      await stream(dataDir, storage, catalog);
      await assertEachRowOnce(storage, catalog, `stopped at change ${step} of ${steps}`);
    }

    // The swap itself: lost without an answer, or applied without one (ICEBERG_COMMIT_IN_DOUBT, not retriable here).
    for (const outcome of ['lost', 'applied'] as const) {
      for (let swap = 2; swap <= replaced; swap += 7) {
        const storage = new MemoryLakeStorage();
        const catalog = new MemoryIcebergCatalog();
        let swaps = 0;
        const commit = catalog.commit.bind(catalog);
        catalog.commit = async (...args) => {
          if (++swaps === swap) catalog.failNextCommit(outcome);
          return commit(...args);
        };
        await assert.rejects(stream(dataDir, storage, catalog), /no answer/);
        catalog.commit = commit;
        await stream(dataDir, storage, catalog);
        await assertEachRowOnce(storage, catalog, `swap ${swap} ${outcome} without an answer`);
      }
    }
  });
});
