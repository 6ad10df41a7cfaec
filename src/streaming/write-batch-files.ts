import type { FileMove, LakeCommitter } from '../lake/commit/lake-committer.js';
import { dataFileName } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import type { DeadLetterRow, ParquetWriter } from '../lake/parquet/parquet-writer.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import type { BatchInput, RowFile } from './batch-input.js';
import { eventTimeStats, type EventTimeStats } from './freshness.js';

export interface BatchFiles {
  moves: FileMove[];
  rowsWritten: number;
  deadLetters: number;
  /** The event times of the table rows written, to measure freshness once they are committed. */
  eventTimes: EventTimeStats | undefined;
}

export interface BatchFileWriters {
  parquet: ParquetWriter;
  scratch: ScratchDir;
  committer: LakeCommitter;
}

/** Encodes one file of the batch into a local Parquet file. */
function encode(parquet: ParquetWriter, file: RowFile, local: string): Promise<void> {
  const spec = tableSpecOf(file.owner);
  const dead = file.dir !== spec?.table;
  if (dead) return parquet.writeDeadLetters(local, file.held as DeadLetterRow[]);
  if (file.textPath !== undefined) return parquet.writeEventsFromText!(local, spec, file.textPath);
  return parquet.writeEvents(local, spec, file.held);
}

/**
 * Step 1 of a batch (STAGED): writes each of the batch's files (one per table or dead-letter
 * directory, date partition and log partition, already routed as the records were read) as
 * Parquet, and stages it in the lake.
 */
export async function writeBatchFiles(
  batch: BatchInput,
  { parquet, scratch, committer }: BatchFileWriters,
): Promise<BatchFiles> {
  const moves: FileMove[] = [];
  let rowsWritten = 0;
  let deadLetters = 0;
  for (const file of batch.files) {
    const local = await scratch.write((path) => encode(parquet, file, path));
    moves.push({
      from: await committer.stage(local, file.partition),
      to: `${file.dir}/${file.dt}/${dataFileName(file.partition, file.firstOffset, file.lastOffset)}`,
    });
    if (file.dir === tableSpecOf(file.owner)?.table) rowsWritten += file.rows;
    else deadLetters += file.rows;
  }
  return { moves, rowsWritten, deadLetters, eventTimes: eventTimeStats(batch.eventTimes) };
}
