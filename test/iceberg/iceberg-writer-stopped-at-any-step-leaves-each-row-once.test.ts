import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import type { IcebergCatalog } from '../../src/iceberg/iceberg-catalog.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { MemoryIcebergCatalog } from '../../src/iceberg/memory-iceberg-catalog.js';
import { IcebergTableFormat } from '../../src/iceberg/write/iceberg-table-format.js';
import type { TableFormatFactory } from '../../src/lake/batch/table-format.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import {
  eachRowOnce,
  informational,
  LAKE_CHANGES,
  logOffsetsIn,
  logOfSampleEvents,
  streamAllOnce,
} from '../helpers/each-row-once.js';

const EVENTS = 200;

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

const stream = (dataDir: string, storage: MemoryLakeStorage, catalog: MemoryIcebergCatalog) =>
  streamAllOnce(
    dataDir,
    storage,
    {
      tableFormat: icebergOn(catalog),
      // Merged after 3 files: the writer's replace snapshots are among the steps stopped at.
      compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 3, graceMs: 0 },
    },
    { tableFormat: 'iceberg' },
  );

/** The log offsets of every row the table's current snapshot holds. */
async function offsetsIn(storage: MemoryLakeStorage, catalog: IcebergCatalog, table: string): Promise<number[]> {
  const open = await IcebergTable.open({ storage, catalog, ident: { database: 'default', table }, dir: table });
  return logOffsetsIn(
    storage,
    ((await open?.liveDataFiles()) ?? []).map((file) => file.path),
  );
}

async function assertEachRowOnce(storage: MemoryLakeStorage, catalog: IcebergCatalog, label: string): Promise<void> {
  for (const [table, offsets] of Object.entries(eachRowOnce(EVENTS)))
    assert.deepEqual(await offsetsIn(storage, catalog, table), offsets, `${label}: ${table}`);
  assert.deepEqual(await storage.list('_iceberg_wal'), [], `${label}: no intent is left`);
}

describe('the Iceberg write path, on the in-memory lake and catalog with faults injected', () => {
  it('a writer stopped at any change to the lake, or whose swap is lost or unanswered, leaves each row exactly once after the next writer recovers', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: true });
    const clean = new MemoryLakeStorage();
    const cleanCatalog = new MemoryIcebergCatalog();
    await stream(dataDir, clean, cleanCatalog);
    await assertEachRowOnce(clean, cleanCatalog, 'clean run');
    const replaced = cleanCatalog.commits.length;
    assert.ok(replaced > 20, `a run makes ${replaced} commits`);

    const isStep = (call: string) =>
      (LAKE_CHANGES as readonly string[]).includes(call.split(' ')[0]!) && !informational(call.split(' ')[1]!);
    const steps = clean.calls.filter(isStep).length;
    for (let step = 1; step <= steps; step += 4) {
      const storage = new MemoryLakeStorage();
      const catalog = new MemoryIcebergCatalog();
      let seen = 0;
      storage.failNext([...LAKE_CHANGES], {
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
