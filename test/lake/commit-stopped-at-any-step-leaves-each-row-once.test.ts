import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parquetReadObjects } from 'hyparquet';
import { deploymentOf } from '../../src/config/deployment.js';
import { loadConfig } from '../../src/config/load-config.js';
import { GamepipeError } from '../../src/errors.js';
import { createEventLogReader } from '../../src/eventlog/create-event-log.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import type { EventLogReader, Positions } from '../../src/eventlog/event-log.js';
import { writeFileSync } from 'node:fs';
import { LakeCommitter } from '../../src/lake/commit/lake-committer.js';
import { OwnerLeases } from '../../src/lake/commit/owner-lease.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { committedFiles } from '../../src/lake/lake-files.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { StreamWriter } from '../../src/streaming/stream-writer.js';
import { sampleEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';

const EVENTS = 200;
const MUTATING = ['create', 'upload', 'rename', 'replace', 'delete'] as const;

const DAY_MS = 86_400_000;
/** Every 7th event happened yesterday (another date directory); every 11th buy is refused (a dead letter of the same owner). */
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

async function stream(
  dataDir: string,
  storage: MemoryLakeStorage,
  retries: { count: number } = { count: 0 },
  ackLog?: (positions: Positions) => void,
): Promise<void> {
  const config = loadConfig({ flags: { dataDir }, env: {} });
  // The log's acknowledgement, seen (and failed, when a test says so) before the real reader's.
  const openReader = async (group: string): Promise<EventLogReader> => {
    const reader = await createEventLogReader(config, { group });
    if (!ackLog) return reader;
    return Object.assign(Object.create(reader) as EventLogReader, {
      commit: async (positions: Positions) => {
        ackLog(positions);
        await reader.commit(positions);
      },
      close: () => reader.close(),
    });
  };
  const writer = await StreamWriter.open(config, {
    deployment: deploymentOf(config),
    target: 'all',
    triggerMs: 50,
    once: true,
    maxBatchRecords: 40,
    maxFileRows: 4,
    parquetWriter: 'duckdb',
    storage,
    compaction: { smallFileBytes: 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 3, graceMs: 0 },
    onProgress: () => undefined,
    onRetry: () => retries.count++,
    openReader,
  });
  try {
    await writer.run();
  } finally {
    await writer.close();
  }
}

/** The log offsets of every row a reader of the table directory would count. */
async function offsetsIn(storage: MemoryLakeStorage, table: string): Promise<number[]> {
  const offsets: number[] = [];
  const files =
    table === 'events_dead_letter'
      ? await committedFiles(storage, 'events_dead_letter/buy')
      : await committedFiles(storage, table);
  for (const file of files) {
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

async function assertEachRowOnce(storage: MemoryLakeStorage): Promise<void> {
  assert.deepEqual(
    await offsetsIn(storage, 'events_buy'),
    expected((i) => i % 5 < 3 && !refused(i)),
  );
  assert.deepEqual(await offsetsIn(storage, 'events_dead_letter'), expected(refused));
  assert.deepEqual(
    await offsetsIn(storage, 'events_guild'),
    expected((i) => i % 5 === 3),
  );
  assert.deepEqual(
    await offsetsIn(storage, 'events_user'),
    expected((i) => i % 5 === 4),
  );
  assert.deepEqual(await storage.list('_tmp'), [], 'no staged file is left');
  assert.deepEqual(await storage.list('_wal'), [], 'no intent is left');
}

describe('the lake commit protocol, on the in-memory store with faults injected', () => {
  it('a writer stopped at any step of any commit (or merge) leaves each row exactly once after the next writer recovers', async () => {
    const dataDir = await logWith(EVENTS);
    const clean = new MemoryLakeStorage();
    await stream(dataDir, clean);
    await assertEachRowOnce(clean);
    // Leases are left out (a crash while releasing one changes no data), and so is the writer's status
    // record: it is information, and failing to write it never stops the writer.
    const informational = (path: string) => path.startsWith('_locks') || path.startsWith('_status');
    const isStep = (call: string) =>
      (MUTATING as readonly string[]).includes(call.split(' ')[0]!) && !informational(call.split(' ')[1]!);
    const steps = clean.calls.filter(isStep).length;
    assert.ok(steps > 50, `a run makes ${steps} changes to the lake`);

    for (let step = 1; step <= steps; step += 3) {
      const storage = new MemoryLakeStorage();
      let seen = 0;
      storage.failNext([...MUTATING], {
        when: (path) => !informational(path) && ++seen === step,
        error: () => new GamepipeError('LAKE_ERROR', `crash at change ${step}`),
      });
      await assert.rejects(stream(dataDir, storage), /crash at change/);
      await stream(dataDir, storage);
      await assertEachRowOnce(storage);
    }
  });

  it('a lake that stops answering mid-commit is retried with backoff, and nothing is doubled or lost', async () => {
    const dataDir = await logWith(EVENTS);
    const storage = new MemoryLakeStorage();
    let renames = 0;
    storage.failNext(['rename', 'replace', 'upload'], {
      times: 3,
      when: (path) => path.startsWith('_tmp') && ++renames > 4,
    });
    const retries = { count: 0 };
    await stream(dataDir, storage, retries);
    // A fault met while resyncing is not reported: the retry after it is.
    assert.ok(retries.count >= 2, `failures were reported and retried (${retries.count})`);
    await assertEachRowOnce(storage);
  });

  it('a retry after a failed offset commit re-uploads nothing: the batch resumes at the step that failed', async () => {
    const dataDir = await logWith(EVENTS);
    const uploads = (storage: MemoryLakeStorage) => storage.calls.filter((c) => c.startsWith('upload ')).length;
    const clean = new MemoryLakeStorage();
    await stream(dataDir, clean);
    assert.ok(uploads(clean) > 10, `a clean run uploads ${uploads(clean)} files`);

    // The log's acknowledgement (the Kafka group's offsets) fails twice, on the third batch and the last.
    const logDown = new MemoryLakeStorage();
    const retries = { count: 0 };
    let acks = 0;
    await stream(dataDir, logDown, retries, () => {
      acks++;
      if (acks === 3 || acks === 5)
        throw new GamepipeError('LOG_UNAVAILABLE', 'injected fault: the log does not answer');
    });
    assert.equal(retries.count, 2, 'each failed acknowledgement was reported and retried');
    assert.equal(uploads(logDown), uploads(clean), 'no file was encoded and uploaded again');
    await assertEachRowOnce(logDown);

    // The lake's own offset commit (a position's replace, the commit's last step) fails once mid-run.
    const positionsDown = new MemoryLakeStorage();
    let positionWrites = 0;
    positionsDown.failNext(['replace'], { when: (path) => path.startsWith('_positions/') && ++positionWrites === 12 });
    const lakeRetries = { count: 0 };
    await stream(dataDir, positionsDown, lakeRetries);
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
