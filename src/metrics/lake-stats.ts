import type { LakeStorage } from '../lake/storage/lake-storage.js';
import { allTableSpecs, tableFiles } from '../sql/lake-tables.js';

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

/** Files, bytes and a row bound of every table, in the order of `allTableSpecs` (`events_dead_letter` last). */
export async function readLakeStats(storage: LakeStorage): Promise<LakeTableStats[]> {
  return Promise.all(
    allTableSpecs.map(async (spec) => {
      const files = await tableFiles(storage, spec);
      return {
        table: spec.table,
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.size, 0),
        maxRows: files.reduce((sum, f) => sum + f.lastOffset - f.firstOffset + 1, 0),
      };
    }),
  );
}
