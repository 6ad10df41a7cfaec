import type { Deployment } from '../config/deployment.js';

/**
 * Defaults of `gamepipe stream` and `up`. A batch is read into text files, not memory, so a
 * backlog's batches can be large: 200,000 buy events make files of about 10 MB, never merged again,
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

/** The trigger, and the tail's bound, of a writer in this deployment when none is given. */
export function defaultBatching(deployment: Pick<Deployment, 'queriesReadLogTail'>): {
  triggerMs: number;
  tailBatchRecords?: number;
} {
  return deployment.queriesReadLogTail
    ? { triggerMs: defaultTriggers.withLogTail, tailBatchRecords: TAIL_BATCH_RECORDS }
    : { triggerMs: defaultTriggers.lakeOnly };
}
