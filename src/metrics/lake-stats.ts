import { deadLetterSpec, tableSpecs } from '../events/tables.js';
import { committedFiles } from '../lake/lake-files.js';
import { isHiddenName, type LakeStorage } from '../lake/storage/lake-storage.js';

/** What one table holds in the lake, read from file listings alone (no file is opened). */
export interface LakeTableStats {
  table: string;
  /** Files a query reads: committed, not merged into a larger one. */
  files: number;
  bytes: number;
  /**
   * At most this many rows: the log offsets its files span. Exact for a table fed alone by its log
   * partitions; an upper bound when other tables' events sit between its offsets (the usual case).
   */
  maxRows: number;
}

async function statsUnder(storage: LakeStorage, table: string, tableDirs: string[]): Promise<LakeTableStats> {
  const files = (await Promise.all(tableDirs.map((dir) => committedFiles(storage, dir)))).flat();
  return {
    table,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    maxRows: files.reduce((sum, f) => sum + f.lastOffset - f.firstOffset + 1, 0),
  };
}

/** Files, bytes and a row bound of every table; `events_dead_letter` last, over every writer's directory. */
export async function readLakeStats(storage: LakeStorage): Promise<LakeTableStats[]> {
  const writerDirs = (await storage.list(deadLetterSpec.table)).filter((e) => e.isDirectory && !isHiddenName(e.name)).map((e) => e.path);
  return Promise.all([...tableSpecs.map((spec) => statsUnder(storage, spec.table, [spec.table])), statsUnder(storage, deadLetterSpec.table, writerDirs)]);
}
