import { z } from 'zod';
import { isHiddenName, type LakeStorage } from '../lake/storage/lake-storage.js';
import { logger } from '../logger.js';
import type { BatchProgress } from '../lake/batch/batch-progress.js';

const freshnessPoint = z.object({ at: z.number(), p50: z.number(), p95: z.number(), max: z.number() });

const writerStatusSchema = z.object({
  writer: z.string(),
  startedAt: z.number(),
  /** When this record was written, UTC ms. */
  updatedAt: z.number(),
  batches: z.number(),
  totals: z.object({
    inputRows: z.number(),
    rowsWritten: z.number(),
    deadLetters: z.number(),
    files: z.number(),
    mergedFiles: z.number(),
  }),
  /** Input rows per second over the minute before `updatedAt`. */
  rowsPerSecond: z.number(),
  /** Events in the log the writer has not committed yet, as it last knew; null when it could not tell. */
  lag: z.number().nullable(),
  /** Where the writer has committed up to, per log partition. */
  positions: z.record(z.string(), z.number()),
  lastBatch: z
    .object({
      batchId: z.number(),
      at: z.number(),
      inputRows: z.number(),
      rowsWritten: z.number(),
      deadLetters: z.number(),
      files: z.number(),
      durationMs: z.object({ poll: z.number(), write: z.number(), commit: z.number(), total: z.number() }),
    })
    .nullable(),
  /** Batches of the last minute: commit time and rows read, for rates over any window. */
  recentBatches: z.array(z.object({ at: z.number(), rows: z.number() })),
  /** Freshness of the last batches that carried it, oldest first. */
  freshness: z.array(freshnessPoint),
});

/** What a stream writer has done since it started, kept in the lake at `_status/<writer>.json`. */
export type WriterStatus = z.infer<typeof writerStatusSchema>;

export const STATUS_DIR = '_status';
export const writerStatusPath = (writer: string): string => `${STATUS_DIR}/${writer}.json`;

const MINUTE_MS = 60_000;
const FRESHNESS_POINTS = 60;

export interface WriterStatusRecorderOptions {
  /** Fewest milliseconds between two writes of the record; a later change is written when they have passed. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * Keeps a stream writer's running totals and writes them to the lake beside its data, at most
 * about once a second, so another process (the dashboard, `gamepipe status`) can read them. A
 * change made within the interval is written by a timer when it ends, so the last batch before an
 * idle spell always lands. The record is replaced atomically: a reader never sees half of one.
 */
export class WriterStatusRecorder {
  private status: WriterStatus;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private lastWriteAt = -Infinity;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: LakeStorage,
    writer: string,
    options: WriterStatusRecorderOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
    const now = this.now();
    this.status = {
      writer,
      startedAt: now,
      updatedAt: now,
      batches: 0,
      totals: { inputRows: 0, rowsWritten: 0, deadLetters: 0, files: 0, mergedFiles: 0 },
      rowsPerSecond: 0,
      lag: null,
      positions: {},
      lastBatch: null,
      recentBatches: [],
      freshness: [],
    };
  }

  /** The record as it stands, written or not. */
  current(): WriterStatus {
    return this.status;
  }

  /**
   * Adds a committed batch. Resolves once the record is written when the interval has passed (a
   * few milliseconds), at once otherwise; rejects when the lake refuses the write.
   */
  record(progress: BatchProgress, lag: number | null): Promise<void> {
    const s = this.status;
    const at = Date.parse(progress.timestamp) || this.now();
    s.batches++;
    s.totals.inputRows += progress.numInputRows;
    s.totals.rowsWritten += progress.rowsWritten;
    s.totals.deadLetters += progress.deadLetters;
    s.totals.files += progress.files.length;
    s.totals.mergedFiles += progress.mergedFiles;
    s.lag = lag;
    s.positions = { ...s.positions, ...progress.endOffset };
    s.lastBatch = {
      batchId: progress.batchId,
      at,
      inputRows: progress.numInputRows,
      rowsWritten: progress.rowsWritten,
      deadLetters: progress.deadLetters,
      files: progress.files.length,
      durationMs: progress.durationMs,
    };
    s.recentBatches.push({ at, rows: progress.numInputRows });
    if (progress.freshnessMs) s.freshness = [...s.freshness, { at, ...progress.freshnessMs }].slice(-FRESHNESS_POINTS);
    return this.changed();
  }

  /** Updates the lag alone, for a writer that polled and found nothing new. */
  noteLag(lag: number | null): Promise<void> {
    if (this.status.lag === lag) return Promise.resolve();
    this.status.lag = lag;
    return this.changed();
  }

  /** Writes what has not been written yet. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return this.writing.catch(() => undefined);
    this.dirty = false;
    this.lastWriteAt = this.now();
    const s = this.status;
    s.updatedAt = this.lastWriteAt;
    s.recentBatches = s.recentBatches.filter((b) => b.at > s.updatedAt - MINUTE_MS);
    s.rowsPerSecond =
      s.recentBatches.reduce((sum, b) => sum + b.rows, 0) /
      (Math.min(MINUTE_MS, Math.max(1, s.updatedAt - s.startedAt)) / 1000);
    const data = Buffer.from(JSON.stringify(s));
    const path = writerStatusPath(s.writer);
    // One write at a time, in order; a failed one does not stop the next.
    this.writing = this.writing.catch(() => undefined).then(() => this.storage.replace(path, data));
    return this.writing;
  }

  /** Writes the last change and stops the timer. */
  async close(): Promise<void> {
    await this.flush();
  }

  private changed(): Promise<void> {
    this.dirty = true;
    const wait = this.lastWriteAt + this.minIntervalMs - this.now();
    if (wait <= 0) return this.flush();
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((error: unknown) =>
        logger.warn({ writer: this.status.writer, error: String(error) }, 'could not write the writer status'),
      );
    }, wait).unref();
    return Promise.resolve();
  }
}

/** Every writer's status record in the lake, by writer name; a record that does not parse is skipped. */
export async function readWriterStatuses(storage: LakeStorage): Promise<WriterStatus[]> {
  const entries = (await storage.list(STATUS_DIR)).filter(
    (e) => !e.isDirectory && e.name.endsWith('.json') && !isHiddenName(e.name),
  );
  const statuses = await Promise.all(
    entries.map(async (e) => {
      const data = await storage.read(e.path);
      if (!data) return null;
      try {
        const parsed = writerStatusSchema.safeParse(JSON.parse(data.toString('utf8')));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    }),
  );
  return statuses.filter((s): s is WriterStatus => s !== null).sort((a, b) => a.writer.localeCompare(b.writer));
}
