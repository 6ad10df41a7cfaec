import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { GamepipeError } from '../../src/errors.js';
import { createEventLogReader } from '../../src/eventlog/create-event-log.js';
import type { EventLogReader, Positions } from '../../src/eventlog/event-log.js';
import { writeFileSync } from 'node:fs';
import { LakeCommitter } from '../../src/lake/commit/lake-committer.js';
import { OwnerLeases } from '../../src/lake/commit/owner-lease.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import type { StreamWriterOptions } from '../../src/streaming/stream-writer.js';
import {
  assertHiveLakeHoldsEachRowOnce,
  informational,
  LAKE_CHANGES,
  logOfSampleEvents,
  streamAllOnce,
} from '../helpers/each-row-once.js';
import { tempDir } from '../helpers/temp-dir.js';

const EVENTS = 200;

/** The log's acknowledgement, seen (and failed, when a test says so) before the real reader's. */
const ackedThrough =
  (dataDir: string, ackLog: (positions: Positions) => void) =>
  async (group: string): Promise<EventLogReader> => {
    const reader = await createEventLogReader(loadConfig({ flags: { dataDir }, env: {} }), { group });
    return Object.assign(Object.create(reader) as EventLogReader, {
      commit: async (positions: Positions) => {
        ackLog(positions);
        await reader.commit(positions);
      },
      close: () => reader.close(),
    });
  };

const stream = (dataDir: string, storage: MemoryLakeStorage, options: Partial<StreamWriterOptions> = {}) =>
  streamAllOnce(dataDir, storage, {
    compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 3, graceMs: 0 },
    ...options,
  });

const assertEachRowOnce = (storage: MemoryLakeStorage) => assertHiveLakeHoldsEachRowOnce(storage, EVENTS);

describe('the lake commit protocol, on the in-memory store with faults injected', () => {
  it('a writer stopped at any step of any commit (or merge) leaves each row exactly once after the next writer recovers', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: true });
    const clean = new MemoryLakeStorage();
    await stream(dataDir, clean);
    await assertEachRowOnce(clean);
    const isStep = (call: string) =>
      (LAKE_CHANGES as readonly string[]).includes(call.split(' ')[0]!) && !informational(call.split(' ')[1]!);
    const steps = clean.calls.filter(isStep).length;
    assert.ok(steps > 50, `a run makes ${steps} changes to the lake`);

    for (let step = 1; step <= steps; step += 3) {
      const storage = new MemoryLakeStorage();
      let seen = 0;
      storage.failNext([...LAKE_CHANGES], {
        when: (path) => !informational(path) && ++seen === step,
        error: () => new GamepipeError('LAKE_ERROR', `crash at change ${step}`),
      });
      await assert.rejects(stream(dataDir, storage), /crash at change/);
      await stream(dataDir, storage);
      await assertEachRowOnce(storage);
    }
  });

  it('a lake that stops answering mid-commit is retried with backoff, and nothing is doubled or lost', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: true });
    const storage = new MemoryLakeStorage();
    let renames = 0;
    storage.failNext(['rename', 'replace', 'upload'], {
      times: 3,
      when: (path) => path.startsWith('_tmp') && ++renames > 4,
    });
    const retries = { count: 0 };
    await stream(dataDir, storage, { onRetry: () => retries.count++ });
    // A fault met while resyncing is not reported: the retry after it is.
    assert.ok(retries.count >= 2, `failures were reported and retried (${retries.count})`);
    await assertEachRowOnce(storage);
  });

  it('a retry after a failed offset commit re-uploads nothing: the batch resumes at the step that failed', async () => {
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: true });
    const uploads = (storage: MemoryLakeStorage) => storage.calls.filter((c) => c.startsWith('upload ')).length;
    const clean = new MemoryLakeStorage();
    await stream(dataDir, clean);
    assert.ok(uploads(clean) > 10, `a clean run uploads ${uploads(clean)} files`);

    // The log's acknowledgement (the Kafka group's offsets) fails twice, on the third batch and the last.
    const logDown = new MemoryLakeStorage();
    const retries = { count: 0 };
    let acks = 0;
    await stream(dataDir, logDown, {
      onRetry: () => retries.count++,
      openReader: ackedThrough(dataDir, () => {
        acks++;
        if (acks === 3 || acks === 5)
          throw new GamepipeError('LOG_UNAVAILABLE', 'injected fault: the log does not answer');
      }),
    });
    assert.equal(retries.count, 2, 'each failed acknowledgement was reported and retried');
    assert.equal(uploads(logDown), uploads(clean), 'no file was encoded and uploaded again');
    await assertEachRowOnce(logDown);

    // The lake's own offset commit (a position's replace, the commit's last step) fails once mid-run.
    const positionsDown = new MemoryLakeStorage();
    let positionWrites = 0;
    positionsDown.failNext(['replace'], { when: (path) => path.startsWith('_positions/') && ++positionWrites === 12 });
    const lakeRetries = { count: 0 };
    await stream(dataDir, positionsDown, { onRetry: () => lakeRetries.count++ });
    assert.equal(lakeRetries.count, 1, 'the failed position write was reported and retried');
    assert.equal(
      uploads(positionsDown),
      uploads(clean),
      'the staged files were kept and committed, not uploaded again',
    );
    await assertEachRowOnce(positionsDown);
  });

  it('two writers committing the same file: the no-overwrite rename decides and the loser adds nothing', async () => {
    const storage = new MemoryLakeStorage();
    const scratch = new ScratchDir(tempDir(), 'buy');
    const stageAndCommit = async (committer: LakeCommitter, rows: string) => {
      const local = scratch.newPath();
      writeFileSync(local, rows);
      await committer.commit(
        0,
        [{ from: await committer.stage(local, 0), to: 'events_buy/dt=2026-11-29/events+0+0+9.parquet' }],
        new Map(),
      );
    };
    await stageAndCommit(new LakeCommitter(storage, 'buy', scratch), 'rows 0 to 9, first writer');
    await stageAndCommit(new LakeCommitter(storage, 'buy', scratch), 'rows 0 to 9, second writer');
    assert.equal(
      (await storage.read('events_buy/dt=2026-11-29/events+0+0+9.parquet'))!.toString(),
      'rows 0 to 9, first writer',
    );
    assert.deepEqual(await storage.list('_tmp'), [], 'the loser discarded its staged file');
    assert.equal((await storage.list('events_buy/dt=2026-11-29')).length, 1);
  });

  it('a writer whose lease was taken over is fenced at its next commit', async () => {
    const storage = new MemoryLakeStorage();
    const first = await OwnerLeases.acquire(storage, ['buy+0'], 'writer one', 50);
    await new Promise((r) => setTimeout(r, 120));
    // writer one was paused past its lease (its renewal timer did not run): another host takes over
    await storage.replace(
      '_locks/buy+0.lock',
      Buffer.from(JSON.stringify({ host: 'elsewhere', pid: 1, token: 'other', what: 'writer two' })),
    );
    await assert.rejects(first.verify(), { code: 'LAKE_FENCED' });
    await first.release();
    assert.ok(await storage.read('_locks/buy+0.lock'), 'the new owner keeps its lease');
  });
});
