import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { readWriterStatuses, WriterStatusRecorder, writerStatusPath } from '../../src/metrics/writer-status.js';
import type { BatchProgress } from '../../src/lake/batch/batch-progress.js';

function progress(batchId: number, at: number, rows: number, extra: Partial<BatchProgress> = {}): BatchProgress {
  return {
    writer: 'all',
    batchId,
    timestamp: new Date(at).toISOString(),
    numInputRows: rows,
    rowsWritten: rows,
    deadLetters: 0,
    inputRowsPerSecond: rows,
    processedRowsPerSecond: rows,
    durationMs: { poll: 1000, write: 20, commit: 5, total: 1025 },
    startOffset: { '0': batchId * rows },
    endOffset: { '0': (batchId + 1) * rows },
    files: [`events_buy/dt=2026-01-01/events+0+${batchId * rows}+${(batchId + 1) * rows - 1}.parquet`],
    mergedFiles: 0,
    ...extra,
  };
}

const statusIn = async (storage: MemoryLakeStorage, writer = 'all') =>
  JSON.parse((await storage.read(writerStatusPath(writer)))!.toString()) as Record<string, any>;

test('the first batch is written at once with totals, positions, lag and freshness', async () => {
  const storage = new MemoryLakeStorage();
  let now = 1_000_000;
  const recorder = new WriterStatusRecorder(storage, 'all', { now: () => now });
  now += 2000;
  await recorder.record(progress(0, now, 100, { deadLetters: 2, freshnessMs: { p50: 800, p95: 1000, max: 1200 } }), 0);
  const status = await statusIn(storage);
  assert.equal(status.writer, 'all');
  assert.equal(status.batches, 1);
  assert.deepEqual(status.totals, { inputRows: 100, rowsWritten: 100, deadLetters: 2, files: 1, mergedFiles: 0 });
  assert.equal(status.lag, 0);
  assert.deepEqual(status.positions, { '0': 100 });
  assert.deepEqual(status.freshness, [{ at: now, p50: 800, p95: 1000, max: 1200 }]);
  assert.equal(status.lastBatch.durationMs.total, 1025);
  assert.equal(status.rowsPerSecond, 50, '100 rows over the 2 s the writer has run');
  await recorder.close();
});

test('batches within a second are written once, by the timer, and the last one is never lost', async () => {
  const storage = new MemoryLakeStorage();
  const recorder = new WriterStatusRecorder(storage, 'buy', { minIntervalMs: 200 });
  await recorder.record(progress(0, Date.now(), 10), 5);
  await recorder.record(progress(1, Date.now(), 10), 3);
  await recorder.record(progress(2, Date.now(), 10), 0);
  const writes = () => storage.calls.filter((c) => c === `replace ${writerStatusPath('buy')}`).length;
  assert.equal(writes(), 1, 'only the first batch is written at once');
  assert.equal((await statusIn(storage, 'buy')).lag, 5);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(writes(), 2, 'the timer wrote the two later batches in one write');
  const status = await statusIn(storage, 'buy');
  assert.equal(status.batches, 3);
  assert.equal(status.lag, 0);
  await recorder.close();
  assert.equal(writes(), 2, 'nothing left to write at close');
});

test('close writes a change made within the interval', async () => {
  const storage = new MemoryLakeStorage();
  const recorder = new WriterStatusRecorder(storage, 'guild', { minIntervalMs: 60_000 });
  await recorder.record(progress(0, Date.now(), 1), 1);
  await recorder.noteLag(0);
  assert.equal((await statusIn(storage, 'guild')).lag, 1);
  await recorder.close();
  assert.equal((await statusIn(storage, 'guild')).lag, 0);
});

test('a refused write rejects the batch that made it, and the next write still happens', async () => {
  const storage = new MemoryLakeStorage();
  const recorder = new WriterStatusRecorder(storage, 'all', { minIntervalMs: 0 });
  storage.failNext(['replace']);
  await assert.rejects(recorder.record(progress(0, Date.now(), 1), 0), { code: 'LAKE_UNAVAILABLE' });
  await recorder.record(progress(1, Date.now(), 1), 0);
  assert.equal((await statusIn(storage)).batches, 2);
});

test('readWriterStatuses returns every writer by name and skips what does not parse', async () => {
  const storage = new MemoryLakeStorage();
  for (const writer of ['user', 'buy']) {
    const recorder = new WriterStatusRecorder(storage, writer);
    await recorder.record(progress(0, Date.now(), 3), 0);
  }
  await storage.replace('_status/broken.json', Buffer.from('{"writer":'));
  await storage.replace('_status/other.json', Buffer.from('{"writer":"x"}'));
  const statuses = await readWriterStatuses(storage);
  assert.deepEqual(
    statuses.map((s) => s.writer),
    ['buy', 'user'],
  );
  assert.equal(statuses[0]!.totals.inputRows, 3);
  assert.deepEqual(await readWriterStatuses(new MemoryLakeStorage()), []);
});
