import type { LogRecord, Positions } from '../eventlog/event-log.js';
import type { FileMove, LakeCommitter } from '../lake/commit/lake-committer.js';
import { datePartition, dataFileName, deadLetterDir } from '../lake/lake-paths.js';
import { tableSpecOf } from '../lake/owners.js';
import type { DeadLetterRow, LakeRow, ParquetWriter } from '../lake/parquet/parquet-writer.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import { routeRecord } from './route-record.js';

interface FileGroup {
  owner: string;
  /** Table directory relative to the lake root. */
  dir: string;
  dt: string;
  dead: boolean;
  rows: (LakeRow | DeadLetterRow)[];
}

export interface BatchFiles {
  moves: FileMove[];
  rowsWritten: number;
  deadLetters: number;
  /** event_ts of every table row written, to measure freshness once they are committed. */
  eventTimes: number[];
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

export interface BatchFileWriters {
  parquet: ParquetWriter;
  scratch: ScratchDir;
  committer: LakeCommitter;
}

/**
 * Step 1 of a batch (STAGED): routes the records to their owners' tables or dead letters, writes
 * one Parquet file per table, date partition and log partition (split past `maxFileRows`) and
 * stages it in the lake. Records below an owner's committed position are already there: skipped.
 */
export async function writeBatchFiles(
  records: LogRecord[],
  committed: Map<string, Positions>,
  { parquet, scratch, committer }: BatchFileWriters,
  maxFileRows: number,
): Promise<BatchFiles> {
  const eventTimes: number[] = [];
  const groups = new Map<string, FileGroup>();
  const add = (group: Omit<FileGroup, 'rows'>, partition: number, row: LakeRow | DeadLetterRow) => {
    const key = `${group.dir}|${group.dt}|${partition}`;
    let existing = groups.get(key);
    if (!existing) groups.set(key, (existing = { ...group, rows: [] }));
    existing.rows.push(row);
  };
  for (const record of records) {
    const routed = routeRecord(record);
    if (routed.kind === 'skip') continue;
    const position = committed.get(routed.owner);
    if (position === undefined || record.offset < (position.get(record.partition) ?? 0)) continue;
    const log = { timestamp: record.timestamp, partition: record.partition, offset: record.offset };
    if (routed.kind === 'row') {
      const dir = tableSpecOf(routed.owner)!.table;
      add({ owner: routed.owner, dir, dt: datePartition(routed.eventTs), dead: false }, record.partition, { raw: record.value, ...log });
      eventTimes.push(routed.eventTs);
    } else {
      const row: DeadLetterRow = { raw: routed.raw, ...log, reason: routed.reason, writer: routed.owner };
      add({ owner: routed.owner, dir: deadLetterDir(routed.owner), dt: datePartition(record.timestamp), dead: true }, record.partition, row);
    }
  }

  const moves: FileMove[] = [];
  let rowsWritten = 0;
  let deadLetters = 0;
  for (const group of groups.values()) {
    for (const rows of chunks(group.rows, maxFileRows)) {
      const local = scratch.newPath();
      try {
        if (group.dead) await parquet.writeDeadLetters(local, rows as DeadLetterRow[]);
        else await parquet.writeEvents(local, tableSpecOf(group.owner)!, rows);
      } catch (error) {
        scratch.remove(local);
        throw error;
      }
      const to = `${group.dir}/${group.dt}/${dataFileName(rows[0]!.partition, rows[0]!.offset, rows.at(-1)!.offset)}`;
      moves.push({ from: await committer.stage(local, rows[0]!.partition), to });
      if (group.dead) deadLetters += rows.length;
      else rowsWritten += rows.length;
    }
  }
  return { moves, rowsWritten, deadLetters, eventTimes };
}
