import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { deploymentOf } from '../../src/config/deployment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { assertHiveLakeHoldsEachRowOnce, logOfSampleEvents, streamAllOnce } from '../helpers/each-row-once.js';

const EVENTS = 200;

/**
 * A lake whose first commit waits, at its first rename into a table, until a file of a later batch
 * is staged (or 10 s pass), then fails once as an outage would: the batch is retried after a resync
 * while the next batch is already staged.
 */
class FirstCommitHeld extends MemoryLakeStorage {
  /** Whether a later batch staged a file while the first commit waited. */
  overlapped = false;
  private held = false;
  private release: (() => void) | undefined;

  override async rename(from: string, to: string): Promise<void> {
    if (!this.held && to.startsWith('events_')) {
      this.held = true;
      await new Promise<void>((resolve) => {
        this.release = resolve;
        setTimeout(resolve, 10_000).unref();
      });
      this.release = undefined;
      throw new GamepipeError('LAKE_UNAVAILABLE', 'injected: the lake stops answering as the first commit starts');
    }
    return super.rename(from, to);
  }

  override async upload(localFile: string, path: string): Promise<void> {
    await super.upload(localFile, path);
    if (this.release && path.startsWith('_tmp/')) {
      this.overlapped = true;
      this.release();
    }
  }
}

const uploads = (storage: MemoryLakeStorage) => storage.calls.filter((c) => c.startsWith('upload ')).length;

describe('a stream writer on a backlog', () => {
  it('stages the next batch while the one before commits, and a retry of that commit keeps the next batch staged', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: false });
    const clean = new MemoryLakeStorage();
    await streamAllOnce(dataDir, clean);

    const storage = new FirstCommitHeld();
    const retries = { count: 0 };
    await streamAllOnce(dataDir, storage, { onRetry: () => retries.count++ });
    assert.ok(storage.overlapped, 'a file of the next batch was staged while the first batch was committing');
    assert.equal(retries.count, 1, 'the failed commit was reported and retried');
    assert.equal(uploads(storage), uploads(clean), 'no staged file was uploaded again: the resync kept both batches');

    await assertHiveLakeHoldsEachRowOnce(storage, EVENTS);
  });
});

describe('a stream writer asked to stop while the lake does not answer', () => {
  it('stops within its wait, lands nothing half, and the next start lands each row once', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: false });
    const storage = new MemoryLakeStorage();
    const config = loadConfig({ flags: { dataDir }, env: {} });
    let longWait = false;
    const writer = await StreamWriter.open(config, {
      deployment: deploymentOf(config),
      target: 'all',
      triggerMs: 50,
      once: true,
      maxBatchRecords: 1000, // one batch: one retry loop, whose waits double
      maxFileRows: 4,
      parquetWriter: 'duckdb',
      storage,
      onProgress: () => undefined,
      onRetry: (_error, _attempt, delayMs) => (longWait ||= delayMs >= 4000),
    });
    // From now on every change to the lake fails as an outage would, until it is back.
    let down = true;
    storage.failNext(['upload', 'rename', 'replace', 'create'], { times: Number.POSITIVE_INFINITY, when: () => down });
    const running = writer.run();
    while (!longWait) await new Promise((resolve) => setTimeout(resolve, 20)); // it now waits 4 s or more
    const asked = Date.now();
    writer.stop();
    await running;
    const tookMs = Date.now() - asked;
    await writer.close();
    assert.ok(tookMs < 3000, `stopped ${tookMs} ms after it was asked, not after its retry's wait`);

    down = false;
    const healthy = storage;
    await streamAllOnce(dataDir, healthy);
    await assertHiveLakeHoldsEachRowOnce(healthy, EVENTS);
  });
});
