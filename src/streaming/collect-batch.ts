import { openSealedRecords, type PlayerKeySource } from './open-sealed-records.js';
import type { EventLogReader, Positions } from '../eventlog/event-log.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { BatchInput } from './batch-input.js';

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
export function startPositions(committed: Map<string, Positions>): Positions {
  const all = [...committed.values()];
  const partitions = new Set(all.flatMap((p) => [...p.keys()]));
  const start: Positions = new Map();
  for (const partition of partitions) {
    if (all.every((p) => p.has(partition))) start.set(partition, Math.min(...all.map((p) => p.get(partition)!)));
  }
  return start;
}

/** A writer's batch sizes (see StreamWriterOptions). */
export interface BatchLimits {
  target: string;
  triggerMs: number;
  maxBatchRecords: number;
  tailBatchRecords?: number;
  maxFileRows: number;
}

export interface BatchCollection {
  reader: EventLogReader;
  /** The players' keys, when the log's personal fields are sealed: records are opened before they are routed. */
  keys?: PlayerKeySource;
  lake: LakeWriter;
  limits: BatchLimits;
  /** Whether this writer reads a log partition now. */
  holds(partition: number): boolean;
  stopping(): boolean;
  /** Whether the batch before has landed. */
  landed(): boolean;
}

/**
 * Reads one batch, routing each record as it comes (BatchInput), and advances `consumed` past it.
 * Polls until the trigger has passed, the batch before has landed and the log has nothing more
 * waiting; or the batch is full (or holds tailBatchRecords with nothing more waiting), the log is
 * caught up (`--once`) or the writer stops. So a backlog makes full batches (files sized right at
 * first write, never merged), and a trickle one batch per trigger.
 */
export async function collectBatch(
  c: BatchCollection,
  consumed: Positions,
  pollStart: number,
  caughtUp: () => boolean,
): Promise<BatchInput> {
  const { triggerMs, maxBatchRecords, tailBatchRecords } = c.limits;
  const batch = new BatchInput({
    committed: c.lake.committed,
    maxFileRows: c.limits.maxFileRows,
    textDir: c.lake.parquet.writeEventsFromText ? c.lake.scratch.dir : undefined,
    writer: c.limits.target,
  });
  let backlogged = false;
  try {
    while (!c.stopping() && batch.count < maxBatchRecords && !caughtUp()) {
      const left = pollStart + triggerMs - Date.now();
      if (left <= 0 && c.landed() && !backlogged) break;
      if (batch.count >= (tailBatchRecords ?? Infinity) && !backlogged) break;
      const asked = Math.min(POLL_RECORDS, maxBatchRecords - batch.count);
      const polled = await c.reader.poll(asked, Math.max(Math.min(left, MAX_POLL_WAIT_MS), LANDING_WAIT_MS));
      const held = polled.filter((r) => c.holds(r.partition));
      const records = c.keys ? await openSealedRecords(held, c.keys) : held;
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
