import type { PlayerKeySource } from './open-sealed-records.js';
import type { Config } from '../config/config-fields.js';
import type { Deployment } from '../config/deployment.js';
import { createEventLogReader } from '../eventlog/create-event-log.js';
import type { EventLogReader, Positions } from '../eventlog/event-log.js';
import type { BatchStep } from '../lake/batch/batch-commit.js';
import type { BatchProgress } from '../lake/batch/batch-progress.js';
import type { TableFormatFactory } from '../lake/batch/table-format.js';
import type { CompactionPolicy } from '../lake/commit/compactor.js';
import { deleteReplaceLeftovers } from '../lake/commit/lake-committer.js';
import { LakeWriter } from '../lake/lake-writer.js';
import type { WriterTarget } from '../lake/owners.js';
import type { ParquetWriterChoice } from '../lake/parquet/create-parquet-writer.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { openLakeStorage, scratchDirFor } from '../lake/storage/open-lake-storage.js';
import { STATUS_DIR, WriterStatusRecorder } from '../metrics/writer-status.js';
import { PartitionAnnouncer } from '../sql/partition-announcer.js';
import type { TableRegistry } from '../sql/table-registry.js';
import { setTimeout as delay } from 'node:timers/promises';
import { type GamepipeError, isGamepipeError } from '../errors.js';
import { logger } from '../logger.js';
import { withRetries } from '../util/retry.js';
import { BatchInput } from './batch-input.js';
import { type BatchCollection, collectBatch, startPositions } from './collect-batch.js';
import { progressOf } from './progress-of.js';
import { PartitionShare } from './partition-share.js';
import {
  announcingPartitions,
  compactingClosedDays,
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
  /** The table format to use instead of the deployment's (tests inject an Iceberg format on a memory catalog). */
  tableFormat?: TableFormatFactory;
  /** Opens the log reader instead of the configured log (tests inject faults with it). */
  openReader?(group: string): Promise<EventLogReader>;
  /** Where new date partitions are declared (the Hive metastore behind Trino; DuckDB's catalog needs none, its views list them). */
  registry?: TableRegistry;
  /** The players' keys (the state store), when the deployment seals personal fields in the log: the writer opens them before landing. */
  playerKeys?: PlayerKeySource;
  onProgress(progress: BatchProgress): void;
  /** A retriable failure (the lake or the log does not answer): the batch is tried again, from the step that failed, after `delayMs`. */
  onRetry?(error: GamepipeError, attempt: number, delayMs: number): void;
}

/** The Iceberg table format of the config's catalog, loaded only on Iceberg deployments (it brings Avro and the metastore client). */
async function icebergFormat(config: Config): Promise<TableFormatFactory> {
  const { icebergWriterFormat } = await import('../iceberg/write/iceberg-writer-format.js');
  return icebergWriterFormat({ metastoreUrl: config.metastoreUrl, database: config.schema });
}

/** Backoff of a batch's retries: 0.5 s doubling up to 30 s, with jitter (see `withRetries`). */
const RETRY_BACKOFF = { baseMs: 500, maxMs: 30_000 };

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
  /** Aborted by `stop`: a retry's wait ends at once. */
  private readonly stopAsked = new AbortController();
  private batchId = 0;
  private lastBatchEnd = Date.now();
  private readonly subscribers: WriterSubscriber[] = [];

  private constructor(
    private readonly options: StreamWriterOptions,
    private readonly reader: EventLogReader,
    private readonly lake: LakeWriter,
    private readonly share: PartitionShare,
    private readonly status: WriterStatusRecorder,
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
      tableFormat:
        options.tableFormat ?? (deployment.tableFormat === 'iceberg' ? await icebergFormat(config) : undefined),
    });
    let reader: EventLogReader | undefined;
    try {
      BatchInput.clearLeftovers(lake.scratch.dir, target);
      const group = `gamepipe-stream-${target}`;
      reader = await (options.openReader?.(group) ?? createEventLogReader(config, { group }));
      const share = await PartitionShare.open(lake, reader, target, deployment.log === 'kafka' && !options.once);
      await deleteReplaceLeftovers(lake.storage, STATUS_DIR, `${target}.json`);
      const status = new WriterStatusRecorder(lake.storage, share.statusName);
      const writer = new StreamWriter(options, reader, lake, share, status);
      // Partitions are declared before the progress line says the batch landed: a query it prompts finds them.
      // Iceberg tables have no Hive partitions to declare: a snapshot names its files.
      if (options.registry && deployment.tableFormat === 'hive')
        writer.subscribe(
          announcingPartitions(new PartitionAnnouncer(options.registry), options.onRetry, options.triggerMs),
        );
      writer.subscribe((event) => (event.kind === 'landed' ? options.onProgress(event.progress) : undefined));
      writer.subscribe(recordingStatus(status, (consumed) => writer.lagAt(consumed), target));
      if (options.registry) writer.subscribe(compactingClosedDays(deployment, lake, options.registry));
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
    this.stopAsked.abort();
  }

  /**
   * Reads and lands batches as a pipeline: while a batch commits, the next one is encoded and
   * staged, and the one after is read (into a text file, not memory). Commits stay one at a time,
   * in log order; at most two batches are in the lake's hands at once (see `land`).
   */
  async run(): Promise<void> {
    let consumed = await this.startReading();
    // The dashboard and `gamepipe status` show the writer from its start, not from its first batch (up to a trigger later).
    await this.publish({ kind: 'idle', consumed });
    const end = this.options.once ? await this.reader.endOffsets() : undefined;
    const caughtUp = () => end !== undefined && [...end].every(([p, o]) => o === 0 || (consumed.get(p) ?? -1) >= o);
    const landings: Landing[] = []; // oldest first
    // A landing leaves the list once it has landed: a failure leaves it (and those after it) for `finally` to wait out.
    const landUntil = async (left: number) => {
      while (landings.length > left) {
        await landings[0]!.done;
        landings.shift();
      }
    };
    const landAll = () => landUntil(0);
    try {
      while (!this.stopping && !caughtUp()) {
        const pollStart = Date.now();
        const latest = landings.at(-1);
        // A trickle's batch waits for the one before to land (not only to stage): one file per trigger, not a pile of small ones.
        const batch = await collectBatch(
          this.collection(() => latest?.landed ?? true),
          consumed,
          pollStart,
          caughtUp,
        );
        try {
          // At most two batches in hand: the one before the latest has landed. The new one starts staging at
          // once: its encoding waits for the encoder (one file at a time) while the latest's last parts go up.
          await landUntil(1);
          const change = await this.share.look();
          // Shares change only with no batch in hand; the batch read from the old share is read again from the new one.
          if (change) await landAll();
          if (change && (await this.share.apply(change))) {
            batch.discard();
            consumed = await this.startReading();
            continue;
          }
          if (batch.count === 0) {
            await landAll(); // idle means every batch read has landed
            batch.discard();
            await this.lake.caughtUp();
            await this.publish({ kind: 'idle', consumed });
            continue;
          }
        } catch (error) {
          batch.discard();
          throw error;
        }
        landings.push(this.land(batch, pollStart, new Map(consumed), latest));
      }
      await landAll();
    } catch (error) {
      // Stopped while the lake or the log did not answer: what did not land is read again at the next start.
      if (!this.stopping || !isGamepipeError(error) || !error.retriable) {
        this.stop(); // the other batch in hand gives up its retries: none may commit after this one failed
        throw error;
      }
      logger.warn(
        `stopped while retrying (${error.message}): the batches in hand did not land; the next start reads them again`,
      );
    } finally {
      await Promise.allSettled(landings.map((l) => l.done));
    }
  }

  /** Reads the partitions held from where their owners resume. */
  private async startReading(): Promise<Positions> {
    const positions = startPositions(this.lake.committed);
    await this.reader.seek(positions, this.lake.partitions);
    return positions;
  }

  async close(): Promise<void> {
    await this.status.close().catch(() => undefined);
    await this.share.leave().catch(() => undefined);
    await this.reader.close();
    await this.lake.close();
  }

  private collection(landed: () => boolean): BatchCollection {
    const { reader, lake, share } = this;
    return {
      reader,
      lake,
      keys: this.options.playerKeys,
      limits: this.options,
      holds: (p) => share.holds(p),
      stopping: () => this.stopping,
      landed,
    };
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
   * Lands one batch: its BatchCommit stages it at once, then, once the batch before (`before`) has
   * landed, commits it and runs the rest. Each part is retried on a retriable failure from the step
   * that failed, after a resync of the lake (what the failure left is finished or undone; the staged
   * files of both batches in hand are kept) unless the lake's part was done (the log's
   * acknowledgement or the announcement failed). A batch whose `before` failed is not committed:
   * its staged files are left to the next start's recovery, which undoes them.
   */
  private land(batch: BatchInput, pollStart: number, consumed: Positions, before: Landing | undefined): Landing {
    const commit = this.lake.begin(batch, consumed, {
      ackLog: (positions) => this.reader.commit(positions),
      announce: (landed) => {
        const at = { writer: this.options.target, batchId: this.batchId++, pollStart, lastBatchEnd: this.lastBatchEnd };
        const progress = progressOf(landed, at);
        this.lastBatchEnd = Date.parse(progress.timestamp);
        return this.publish({ kind: 'landed', consumed, progress });
      },
    });
    const runUntil = (step: BatchStep) =>
      withRetries(() => commit.run(step), {
        backoff: RETRY_BACKOFF,
        onRetry: this.options.onRetry,
        stopped: () => this.stopping,
        sleep: (ms) => delay(ms, undefined, { signal: this.stopAsked.signal }).catch(() => undefined),
        beforeRetry: async () => {
          if (commit.failedAt === 'LOG_ACKED' || commit.failedAt === 'ANNOUNCED') return;
          await this.lake.resync().catch(() => undefined); // still down: the next attempt says so
        },
      });
    const staged = runUntil('STAGED');
    const done = (async () => {
      try {
        await staged;
        await before?.done;
        await runUntil('ANNOUNCED');
      } finally {
        this.lake.end(commit);
        batch.discard();
      }
    })();
    const landing: Landing = { done, landed: false };
    // Each is awaited (and thrown) by `run`; a rejection seen first elsewhere is not unhandled.
    done.then(
      () => (landing.landed = true),
      () => (landing.landed = true),
    );
    staged.catch(() => undefined);
    return landing;
  }
}

/** A batch in the lake's hands: `done` once it has landed (or failed). */
interface Landing {
  done: Promise<void>;
  /** Whether `done` has settled. */
  landed: boolean;
}
