import { type GamepipeError, isGamepipeError } from '../errors.js';
import type { Positions } from '../eventlog/event-log.js';
import type { Deployment } from '../config/deployment.js';
import type { BatchProgress } from '../lake/batch/batch-progress.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { logger } from '../logger.js';
import type { WriterStatusRecorder } from '../metrics/writer-status.js';
import type { PartitionAnnouncer } from '../sql/partition-announcer.js';
import type { TableRegistry } from '../sql/table-registry.js';

/** What a stream writer publishes: it started or found nothing to land (`idle`), or a batch landed. */
export type WriterEvent =
  | { kind: 'idle'; consumed: Positions }
  | { kind: 'landed'; consumed: Positions; progress: BatchProgress };

/**
 * Told of each event in turn, in the order subscribed, and awaited: a batch is ANNOUNCED once every
 * subscriber has taken it. A subscriber that throws fails the batch's last step (a bug: a subscriber
 * handles the failures it expects, as the two below do).
 */
export type WriterSubscriber = (event: WriterEvent) => Promise<void> | void;

/**
 * Declares the new date partitions of each landed batch in the table registry (the Hive metastore
 * behind Trino). A metastore that does not answer delays the declaration to the next batch (reported
 * through `onRetry`), never the lake's commits.
 */
export function announcingPartitions(
  announcer: PartitionAnnouncer,
  onRetry: ((error: GamepipeError, attempt: number, delayMs: number) => void) | undefined,
  retryInMs: number,
): WriterSubscriber {
  return async (event) => {
    if (event.kind !== 'landed') return;
    try {
      await announcer.announce(event.progress.files);
    } catch (error) {
      if (!isGamepipeError(error)) throw error;
      onRetry?.(error, 1, retryInMs);
    }
  };
}

/**
 * Keeps the writer's status record (`_status/<writer>.json`: batches, rates, lag, freshness), read by
 * `gamepipe dashboard` from any host. It is information, not state: failing to write it is logged
 * and never stops the writer.
 */
export function recordingStatus(
  status: WriterStatusRecorder,
  lagAt: (consumed: Positions) => Promise<number>,
  writer: string,
): WriterSubscriber {
  return async (event) => {
    try {
      const lag = await lagAt(event.consumed);
      await (event.kind === 'landed' ? status.record(event.progress, lag) : status.noteLag(lag));
    } catch (error) {
      // A lake or log that does not answer is already reported by the batch's retries.
      if (!isGamepipeError(error) || !error.retriable)
        logger.warn({ err: error, writer }, 'could not record the writer status');
    }
  };
}

/**
 * After each landed batch, compacts the writer's closed days and switches readers to them through
 * the registry, where readers switch atomically (DuckDB's views, or a Hive metastore named by
 * --metastore-url); a failure is logged and left for the next run (ClosedPartitionSchedule). Trino
 * or Presto over another metastore cannot switch: nothing is compacted then, and the writer says so once.
 */
export function compactingClosedDays(
  deployment: Deployment,
  lake: LakeWriter,
  registry: TableRegistry,
): WriterSubscriber {
  // Iceberg tables: the writer's open-day replace snapshots already keep closed days compact.
  if (deployment.tableFormat === 'iceberg') return () => undefined;
  if (!deployment.compaction.closedDays) {
    logger.warn(
      { engine: deployment.engine },
      deployment.switchesPartitionsAtomically
        ? 'small files are not merged: on an object store, closed days are compacted only where a Hive metastore (--metastore-url) switches readers to them'
        : 'small files are not merged: give --metastore-url (the Hive metastore behind the engine) to compact closed days without readers ever counting a row twice',
    );
    return () => undefined;
  }
  return (event) => (event.kind === 'landed' ? lake.compactClosedDays(registry) : undefined);
}
