import { join } from 'node:path';
import type { LogRecord, Positions } from '../eventlog/event-log.js';
import { datePartition, dataFileName, deadLetterDir } from '../lake/lake-paths.js';
import type { DeadLetterRow, LakeRow, ParquetWriter } from '../lake/parquet/parquet-writer.js';
import type { FileMove, LakeCommitter } from './lake-committer.js';
import { routeRecord } from './route-record.js';
import { tableSpecOf } from './writers.js';

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
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * Step 1 of a batch (WRITTEN): routes the records to their owners' tables or dead letters and
 * writes one temporary Parquet file per table, date partition and log partition (split past
 * `maxFileRows`). Records below an owner's committed position are already in the lake: skipped.
 */
export async function writeBatchFiles(
  records: LogRecord[],
  committed: Map<string, Positions>,
  parquet: ParquetWriter,
  committer: LakeCommitter,
  maxFileRows: number,
): Promise<BatchFiles> {
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
      const tmp = committer.tempPath();
      if (group.dead) await parquet.writeDeadLetters(tmp, rows as DeadLetterRow[]);
      else await parquet.writeEvents(tmp, tableSpecOf(group.owner)!, rows);
      moves.push({ tmp, final: join(group.dir, group.dt, dataFileName(rows[0]!.partition, rows[0]!.offset, rows.at(-1)!.offset)) });
      if (group.dead) deadLetters += rows.length;
      else rowsWritten += rows.length;
    }
  }
  return { moves, rowsWritten, deadLetters };
}
