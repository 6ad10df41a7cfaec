import { positionsRecord } from '../eventlog/positions.js';
import type { LandedBatch } from '../lake/batch/batch-commit.js';
import type { BatchProgress } from '../lake/batch/batch-progress.js';
import { eventTimeStats, freshness } from './freshness.js';

/**
 * What one landed batch did, in the spirit of Spark's StreamingQueryProgress, as of now: read
 * from `pollStart`, staged from `stagedFrom`, committed from `committedFrom` (see LandedBatch);
 * `lastBatchEnd` is when the writer's batch before was done, for the input rate.
 */
export function progressOf(
  landed: LandedBatch,
  at: { writer: string; batchId: number; pollStart: number; lastBatchEnd: number },
  done = Date.now(),
): BatchProgress {
  const { batch, stagedFrom, committedFrom } = landed;
  const { pollStart } = at;
  const seconds = (ms: number) => Math.max(ms, 1) / 1000;
  return {
    writer: at.writer,
    batchId: at.batchId,
    timestamp: new Date(done).toISOString(),
    numInputRows: batch.count,
    rowsWritten: landed.rowsWritten,
    deadLetters: landed.deadLetters,
    inputRowsPerSecond: batch.count / seconds(done - at.lastBatchEnd),
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
}
