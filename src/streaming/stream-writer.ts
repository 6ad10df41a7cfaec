import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../config/config-fields.js';
import { isGamepipeError, type GamepipeError } from '../errors.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import type { EventLogReader, Positions } from '../eventlog/event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import type { CompactionPolicy } from '../lake/commit/compactor.js';
import { deleteReplaceLeftovers } from '../lake/commit/lake-committer.js';
import { LakeWriter } from '../lake/lake-writer.js';
import type { WriterTarget } from '../lake/owners.js';
import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { logger } from '../logger.js';
import { STATUS_DIR, WriterStatusRecorder } from '../metrics/writer-status.js';
import { PartitionAnnouncer } from '../sql/partition-announcer.js';
import { queriesReadLogTail } from '../sql/log-tail.js';
import { engineChoice, switchesPartitionsAtomically } from '../sql/open-query-engine.js';
import type { TableRegistry } from '../sql/table-registry.js';
import { BatchInput } from './batch-input.js';
import type { BatchProgress } from './batch-progress.js';
import { freshness } from './freshness.js';
import { PartitionShare } from './partition-share.js';
import { writeBatchFiles } from './write-batch-files.js';
import { keepWriterHeapSmall } from './writer-heap.js';

export interface StreamWriterOptions {
  target: WriterTarget;
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
  /** A retriable failure (the lake or the log does not answer): the batch is tried again after `delayMs`. */
  onRetry?(error: GamepipeError, attempt: number, delayMs: number): void;
}

/**
 * Defaults of `gamepipe stream` and `up`. A batch is read into text files, not memory, so a
 * backlog's batches can be large: 200,000 buy events make files of about 45 MB, never merged again,
 * and few commits.
 */
export const streamDefaults = { maxBatchRecords: 200_000, maxFileRows: 1_000_000 };

/**
 * How long a batch collects events when no trigger is given. Where queries read the log's tail
 * beside the lake (the embedded log under DuckDB, see LogTail), a row is visible before it lands,
 * so a trickle is landed in files of 30 s instead of a file every 250 ms. Where they read the lake alone
 * (Kafka, Trino, Presto), a trigger of 250 ms keeps a purchase's row visible within half a second,
 * and the compactor merges the small files it leaves.
 */
export const defaultTriggers = { withLogTail: 30_000, lakeOnly: 250 };

/**
 * Where queries read the log's tail, a batch the log keeps up with closes at 50,000 events if its
 * trigger has not closed it before: under a steady high rate a query's tail stays short (`query`
 * took 0.6 s with 50,000 events in it, 0.2 s with none), and the files (about 6 MB of buy events)
 * are not small, so never merged.
 */
const TAIL_BATCH_RECORDS = 50_000;

/** The trigger, and the tail's bound, of a writer under this config when none is given. */
export function defaultBatching(config: Config): Pick<StreamWriterOptions, 'triggerMs' | 'tailBatchRecords'> {
  return queriesReadLogTail(config)
    ? { triggerMs: defaultTriggers.withLogTail, tailBatchRecords: TAIL_BATCH_RECORDS }
    : { triggerMs: defaultTriggers.lakeOnly };
}

const MAX_RETRY_DELAY_MS = 30_000;
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
function closedDaysRegistry(config: Config, registry: TableRegistry | undefined): TableRegistry | undefined {
  if (switchesPartitionsAtomically(config)) return registry;
  logger.warn(
    { engine: engineChoice(config) },
    'small files are not merged: give --metastore-url (the Hive metastore behind the engine) to compact closed days without readers ever counting a row twice',
  );
  return undefined;
}

/**
 * Reads the event log in batches and lands each owner's events in the lake exactly once through
 * the LakeWriter (stage files, record intent, rename, advance). A batch that fails on a retriable
 * error (the lake does not answer) is tried again with backoff once the lake has been resynced, so
 * nothing partial stays behind and no record is skipped.
 */
export class StreamWriter {
  private stopping = false;
  private batchId = 0;
  private lastBatchEnd = Date.now();
  private readonly partitions: PartitionAnnouncer | undefined;
  private readonly status: WriterStatusRecorder;

  private constructor(
    private readonly options: StreamWriterOptions,
    private readonly reader: EventLogReader,
    private readonly lake: LakeWriter,
    private readonly share: PartitionShare,
    /** Where closed days are switched to their compacted generation; none when no engine can switch atomically. */
    private readonly closedDays: TableRegistry | undefined,
  ) {
    this.partitions = options.registry ? new PartitionAnnouncer(options.registry) : undefined;
    this.status = new WriterStatusRecorder(lake.storage, share.statusName);
  }

  static async open(config: Config, options: StreamWriterOptions): Promise<StreamWriter> {
    keepWriterHeapSmall();
    const lake = await LakeWriter.open(config, options);
    let reader: EventLogReader | undefined;
    try {
      BatchInput.clearLeftovers(lake.scratch.dir, options.target);
      reader = await createEventLogReader(config, { group: `gamepipe-stream-${options.target}` });
      const share = await PartitionShare.open(
        lake,
        reader,
        options.target,
        eventLogKind(config) === 'kafka' && !options.once,
      );
      await deleteReplaceLeftovers(lake.storage, STATUS_DIR, `${options.target}.json`);
      return new StreamWriter(options, reader, lake, share, closedDaysRegistry(config, options.registry));
    } catch (error) {
      await reader?.close();
      await lake.close();
      throw error;
    }
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
    await this.keepStatus((lag) => this.status.noteLag(lag), consumed);
    const end = this.options.once ? await this.reader.endOffsets() : undefined;
    const caughtUp = () => end !== undefined && [...end].every(([p, o]) => o === 0 || (consumed.get(p) ?? -1) >= o);
    let landing: Promise<void> | undefined;
    let landed = true;
    try {
      while (!this.stopping && !caughtUp()) {
        const pollStart = Date.now();
        const batch = await this.collect(consumed, pollStart, caughtUp, () => landed);
        await landing;
        landing = undefined;
        if (await this.share.rebalance()) {
          // Shares change only between commits; the batch read from the old share is read again from the new one.
          batch.discard();
          consumed = await this.startReading();
          continue;
        }
        if (batch.count === 0) {
          batch.discard();
          await this.keepStatus((lag) => this.status.noteLag(lag), consumed);
          continue;
        }
        landed = false;
        landing = this.commitWithRetries(batch, pollStart, new Map(consumed)).finally(() => (landed = true));
        landing.catch(() => undefined); // awaited (and thrown) before the next batch lands
      }
    } finally {
      await landing;
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

  /**
   * Keeps the writer's status record (`_status/<writer>.json`: batches, rates, lag, freshness), read
   * by `gamepipe dashboard` from any host. It is information, not state: failing to write it is
   * logged and never stops the writer.
   */
  private async keepStatus(write: (lag: number | null) => Promise<void>, consumed: Positions): Promise<void> {
    try {
      const end = await this.reader.endOffsets();
      await write(
        [...end]
          .filter(([p]) => this.share.holds(p))
          .reduce((sum, [p, o]) => sum + Math.max(0, o - (consumed.get(p) ?? 0)), 0),
      );
    } catch (error) {
      // A lake or log that does not answer is already reported by the batch's retries.
      if (!isGamepipeError(error) || !error.retriable)
        logger.warn({ err: error, writer: this.options.target }, 'could not record the writer status');
    }
  }

  /** A metastore that does not answer delays the partitions' declaration, never the lake's commits. */
  private async announcePartitions(paths: string[]): Promise<void> {
    try {
      await this.partitions?.announce(paths);
    } catch (error) {
      if (!isGamepipeError(error)) throw error;
      this.options.onRetry?.(error, 1, this.options.triggerMs);
    }
  }

  private async commitWithRetries(batch: BatchInput, pollStart: number, consumed: Positions): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.commitBatch(batch, pollStart, consumed);
        } catch (error) {
          if (!isGamepipeError(error) || !error.retriable || this.stopping) throw error;
          const delayMs = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** Math.min(attempt - 1, 6));
          this.options.onRetry?.(error, attempt, delayMs);
          await delay(delayMs);
          await this.lake.resync().catch(() => undefined); // still down: the next attempt says so
        }
      }
    } finally {
      batch.discard();
    }
  }

  private async commitBatch(batch: BatchInput, pollStart: number, consumed: Positions): Promise<void> {
    const writeStart = Date.now();
    const files = await writeBatchFiles(batch, this.lake);
    const commitStart = Date.now();
    const { mergedFiles } = await this.lake.commit(files.moves, consumed);
    await this.reader.commit(consumed);
    await this.announcePartitions(files.moves.map((m) => m.to));
    const done = Date.now();
    const seconds = (ms: number) => Math.max(ms, 1) / 1000;
    const progress: BatchProgress = {
      writer: this.options.target,
      batchId: this.batchId++,
      timestamp: new Date(done).toISOString(),
      numInputRows: batch.count,
      rowsWritten: files.rowsWritten,
      deadLetters: files.deadLetters,
      inputRowsPerSecond: batch.count / seconds(done - this.lastBatchEnd),
      processedRowsPerSecond: batch.count / seconds(done - writeStart),
      durationMs: {
        poll: writeStart - pollStart,
        write: commitStart - writeStart,
        commit: done - commitStart,
        total: done - pollStart,
      },
      startOffset: positionsRecord(batch.startOffset),
      endOffset: positionsRecord(consumed),
      files: files.moves.map((m) => m.to),
      mergedFiles,
      freshnessMs: freshness(files.eventTimes, done),
    };
    this.options.onProgress(progress);
    this.lastBatchEnd = done;
    await this.keepStatus((lag) => this.status.record(progress, lag), consumed);
    if (this.closedDays) await this.lake.compactClosedDays(this.closedDays);
  }
}
