import type { Config } from '../config/config-fields.js';
import type { Deployment } from '../config/deployment.js';
import type { GamepipeError } from '../errors.js';
import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { EventLogReader, Positions } from '../eventlog/event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import type { LandedBatch } from '../lake/batch/batch-commit.js';
import type { BatchProgress } from '../lake/batch/batch-progress.js';
import type { CompactionPolicy } from '../lake/commit/compactor.js';
import { deleteReplaceLeftovers } from '../lake/commit/lake-committer.js';
import { LakeWriter } from '../lake/lake-writer.js';
import type { WriterTarget } from '../lake/owners.js';
import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage, scratchDirFor } from '../lake/storage/open-lake-storage.js';
import { logger } from '../logger.js';
import { STATUS_DIR, WriterStatusRecorder } from '../metrics/writer-status.js';
import { PartitionAnnouncer } from '../sql/partition-announcer.js';
import type { TableRegistry } from '../sql/table-registry.js';
import { withRetries } from '../util/retry.js';
import { BatchInput } from './batch-input.js';
import { eventTimeStats, freshness } from './freshness.js';
import { PartitionShare } from './partition-share.js';
import {
  announcingPartitions,
  recordingStatus,
  type WriterEvent,
  type WriterSubscriber,
} from './writer-subscribers.js';
import { keepWriterHeapSmall } from './writer-heap.js';

export interface StreamWriterOptions {
  target: WriterTarget;
  /** What the pipeline is (decided once by the command, see `deploymentOf`): the log's kind, which compaction is allowed. */
  deployment: Deployment;
  /** How long a batch collects records before it is written. */
  triggerMs: number;
  /** Process what the log holds now, then stop. */
  once: boolean;
  maxBatchRecords: number;
  /**
   * Where queries read the log's tail: a batch closes at this many records before its trigger,
   * unless the log is backlogged (a backlog fills batches to maxBatchRecords). None: the trigger alone.
   */
  tailBatchRecords?: number;
  maxFileRows: number;
  parquetWriter: ParquetWriterChoice;
  /** When small files are merged; the defaults (see `defaultCompaction`) are sized for the default 250 ms trigger under a trickle. */
  compaction?: CompactionPolicy;
  /** A lake store to use instead of the configured one (tests inject faults with it). */
  storage?: LakeStorage;
  /** Where new date partitions are declared (the Hive metastore behind Trino; DuckDB's catalog needs none, its views list them). */
  registry?: TableRegistry;
  onProgress(progress: BatchProgress): void;
  /** A retriable failure (the lake or the log does not answer): the batch is tried again, from the step that failed, after `delayMs`. */
  onRetry?(error: GamepipeError, attempt: number, delayMs: number): void;
}

/** Backoff of a batch's retries: 0.5 s doubling up to 30 s, with jitter (see `withRetries`). */
const RETRY_BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * Records asked of the log at a time: a batch is read in pieces this size, so memory holds one
 * piece, not the batch. Small pieces die young: at 5,000 a piece outlived the young generation's
 * collections and filled the old one (writer peak RSS 30 to 60 MB higher, no faster).
 */
const POLL_RECORDS = 1_000;
/** How long a poll waits for records while the batch before is still landing. */
const LANDING_WAIT_MS = 20;
/** The longest a poll waits for records: a stop is noticed within it, whatever the trigger. */
const MAX_POLL_WAIT_MS = 250;

/** Where to start reading: per partition, the lowest position among the owners (all must know it). */
function startPositions(committed: Map<string, Positions>): Positions {
  const all = [...committed.values()];
  const partitions = new Set(all.flatMap((p) => [...p.keys()]));
  const start: Positions = new Map();
  for (const partition of partitions) {
    if (all.every((p) => p.has(partition))) start.set(partition, Math.min(...all.map((p) => p.get(partition)!)));
  }
  return start;
}

/**
 * The registry that switches a compacted closed day atomically: DuckDB's views, or a Hive metastore
 * named by --metastore-url. Trino or Presto over another metastore cannot: nothing is compacted
 * then, and the writer says so once.
 */
function closedDaysRegistry(deployment: Deployment, registry: TableRegistry | undefined): TableRegistry | undefined {
  if (deployment.compaction.closedDays) return registry;
  logger.warn(
    { engine: deployment.engine },
    'small files are not merged: give --metastore-url (the Hive metastore behind the engine) to compact closed days without readers ever counting a row twice',
  );
  return undefined;
}

/**
 * Reads the event log in batches, routes each record as it is read (BatchInput), and hands each
 * batch to the lake (`LakeWriter.begin`: a BatchCommit taking it through STAGED, COMMITTED,
 * LOG_ACKED and ANNOUNCED). A batch that fails on a retriable error (the lake or the log does not
 * answer) is resumed with backoff at the step that failed, once the lake has been resynced, so
 * nothing partial stays behind, no record is skipped and nothing is uploaded twice. What a landed
 * batch did is published to subscribers (partitions announced, status record, progress line).
 */
export class StreamWriter {
  private stopping = false;
  private batchId = 0;
  private lastBatchEnd = Date.now();
  private readonly subscribers: WriterSubscriber[] = [];

  private constructor(
    private readonly options: StreamWriterOptions,
    private readonly reader: EventLogReader,
    private readonly lake: LakeWriter,
    private readonly share: PartitionShare,
    private readonly status: WriterStatusRecorder,
    /** Where closed days are switched to their compacted generation; none when no engine can switch atomically. */
    private readonly closedDays: TableRegistry | undefined,
  ) {}

  /** Opens the lake (`options.storage`, else the configured one) and the log the config names; the rest comes from `options`. */
  static async open(config: Config, options: StreamWriterOptions): Promise<StreamWriter> {
    keepWriterHeapSmall();
    const { deployment, target } = options;
    const lake = await LakeWriter.open({
      storage: options.storage ?? (await openLakeStorage(config)),
      scratch: scratchDirFor(config, target),
      target,
      parquetWriter: options.parquetWriter,
      compaction: options.compaction,
      swapCompact: deployment.compaction.openDaysBySwap,
    });
    let reader: EventLogReader | undefined;
    try {
      BatchInput.clearLeftovers(lake.scratch.dir, target);
      reader = await createEventLogReader(config, { group: `gamepipe-stream-${target}` });
      const share = await PartitionShare.open(lake, reader, target, deployment.log === 'kafka' && !options.once);
      await deleteReplaceLeftovers(lake.storage, STATUS_DIR, `${target}.json`);
      const status = new WriterStatusRecorder(lake.storage, share.statusName);
      const closedDays = closedDaysRegistry(deployment, options.registry);
      const writer = new StreamWriter(options, reader, lake, share, status, closedDays);
      // Partitions are declared before the progress line says the batch landed: a query it prompts finds them.
      if (options.registry)
        writer.subscribe(
          announcingPartitions(new PartitionAnnouncer(options.registry), options.onRetry, options.triggerMs),
        );
      writer.subscribe((event) => (event.kind === 'landed' ? options.onProgress(event.progress) : undefined));
      writer.subscribe(recordingStatus(status, (consumed) => writer.lagAt(consumed), target));
      return writer;
    } catch (error) {
      await reader?.close();
      await lake.close();
      throw error;
    }
  }

  /** Adds a subscriber to what the writer publishes (see WriterEvent). */
  subscribe(subscriber: WriterSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Where the lake is, as engines name it. */
  get lakeUri(): string {
    return this.lake.uri;
  }

  /** Finishes the batch in hand (written and committed), then returns from `run`. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Reads and lands batches in turn, one ahead: while a batch is written and committed, the next
   * is read (into a text file, not memory). Batches are still committed one at a time, in order.
   */
  async run(): Promise<void> {
    let consumed = await this.startReading();
    // The dashboard and `gamepipe status` show the writer from its start, not from its first batch (up to a trigger later).
    await this.publish({ kind: 'idle', consumed });
    const end = this.options.once ? await this.reader.endOffsets() : undefined;
    const caughtUp = () => end !== undefined && [...end].every(([p, o]) => o === 0 || (consumed.get(p) ?? -1) >= o);
    let landing: { done: boolean; promise: Promise<void> } | undefined;
    try {
      while (!this.stopping && !caughtUp()) {
        const pollStart = Date.now();
        const batch = await this.collect(consumed, pollStart, caughtUp, () => landing?.done ?? true);
        await landing?.promise;
        landing = undefined;
        if (await this.share.rebalance()) {
          // Shares change only between commits; the batch read from the old share is read again from the new one.
          batch.discard();
          consumed = await this.startReading();
          continue;
        }
        if (batch.count === 0) {
          batch.discard();
          await this.publish({ kind: 'idle', consumed });
          continue;
        }
        const current = { done: false, promise: this.land(batch, pollStart, new Map(consumed)) };
        current.promise = current.promise.finally(() => (current.done = true));
        current.promise.catch(() => undefined); // awaited (and thrown) before the next batch lands
        landing = current;
      }
    } finally {
      await landing?.promise;
    }
  }

  /** Reads the partitions held from where their owners resume. */
  private async startReading(): Promise<Positions> {
    const positions = startPositions(this.lake.committed);
    await this.reader.seek(positions, this.lake.partitions);
    return positions;
  }

  /**
   * Polls until the trigger has passed, the batch before has landed and the log has nothing more
   * waiting; or the batch is full (or holds tailBatchRecords with nothing more waiting), the log is
   * caught up (`--once`) or the writer stops. So a backlog makes full batches (files sized right at
   * first write, never merged), and a trickle one batch per trigger.
   */
  private async collect(
    consumed: Positions,
    pollStart: number,
    caughtUp: () => boolean,
    landed: () => boolean,
  ): Promise<BatchInput> {
    const batch = new BatchInput({
      committed: this.lake.committed,
      maxFileRows: this.options.maxFileRows,
      textDir: this.lake.parquet.writeEventsFromText ? this.lake.scratch.dir : undefined,
      writer: this.options.target,
    });
    let backlogged = false;
    try {
      while (!this.stopping && batch.count < this.options.maxBatchRecords && !caughtUp()) {
        const left = pollStart + this.options.triggerMs - Date.now();
        if (left <= 0 && landed() && !backlogged) break;
        if (batch.count >= (this.options.tailBatchRecords ?? Infinity) && !backlogged) break;
        const asked = Math.min(POLL_RECORDS, this.options.maxBatchRecords - batch.count);
        const polled = await this.reader.poll(asked, Math.max(Math.min(left, MAX_POLL_WAIT_MS), LANDING_WAIT_MS));
        const records = polled.filter((r) => this.share.holds(r.partition));
        for (const record of records) consumed.set(record.partition, record.offset + 1);
        batch.add(records);
        backlogged = polled.length === asked;
      }
    } catch (error) {
      batch.discard();
      throw error;
    }
    batch.seal();
    return batch;
  }

  async close(): Promise<void> {
    await this.status.close().catch(() => undefined);
    await this.share.leave().catch(() => undefined);
    await this.reader.close();
    await this.lake.close();
  }

  /** Events in the log held by this writer that it has not read past `consumed`. */
  private async lagAt(consumed: Positions): Promise<number> {
    const end = await this.reader.endOffsets();
    return [...end]
      .filter(([p]) => this.share.holds(p))
      .reduce((sum, [p, o]) => sum + Math.max(0, o - (consumed.get(p) ?? 0)), 0);
  }

  private async publish(event: WriterEvent): Promise<void> {
    for (const subscriber of this.subscribers) await subscriber(event);
  }

  /**
   * Lands one batch: its BatchCommit runs, and on a retriable failure runs again from the step that
   * failed. Before a retry the lake is resynced (what the failure left is finished or undone, the
   * batch's staged files kept) unless the lake's part was done (the log's acknowledgement or the
   * announcement failed). Closed days are compacted after the batch, under the same retries.
   */
  private async land(batch: BatchInput, pollStart: number, consumed: Positions): Promise<void> {
    const commit = this.lake.begin(batch, consumed, {
      ackLog: (positions) => this.reader.commit(positions),
      announce: (landed) => this.publish({ kind: 'landed', consumed, progress: this.progressOf(landed, pollStart) }),
    });
    try {
      await withRetries(
        async () => {
          await commit.run();
          if (this.closedDays) await this.lake.compactClosedDays(this.closedDays);
        },
        {
          backoff: RETRY_BACKOFF,
          onRetry: this.options.onRetry,
          stopped: () => this.stopping,
          beforeRetry: async () => {
            if (commit.failedAt === 'LOG_ACKED' || commit.failedAt === 'ANNOUNCED') return;
            await this.lake.resync(undefined, commit.stagedPaths).catch(() => undefined); // still down: the next attempt says so
          },
        },
      );
    } finally {
      batch.discard();
    }
  }

  /** What one landed batch did, in the spirit of Spark's StreamingQueryProgress. */
  private progressOf(landed: LandedBatch, pollStart: number): BatchProgress {
    const { batch, stagedFrom, committedFrom } = landed;
    const done = Date.now();
    const seconds = (ms: number) => Math.max(ms, 1) / 1000;
    const progress: BatchProgress = {
      writer: this.options.target,
      batchId: this.batchId++,
      timestamp: new Date(done).toISOString(),
      numInputRows: batch.count,
      rowsWritten: landed.rowsWritten,
      deadLetters: landed.deadLetters,
      inputRowsPerSecond: batch.count / seconds(done - this.lastBatchEnd),
      processedRowsPerSecond: batch.count / seconds(done - stagedFrom),
      durationMs: {
        poll: stagedFrom - pollStart,
        write: committedFrom - stagedFrom,
        commit: done - committedFrom,
        total: done - pollStart,
      },
      startOffset: positionsRecord(batch.startOffset),
      endOffset: positionsRecord(landed.consumed),
      files: landed.files,
      mergedFiles: landed.mergedFiles,
      freshnessMs: freshness(eventTimeStats([...batch.eventTimes]), done),
    };
    this.lastBatchEnd = done;
    return progress;
  }
}
