import { allTableSpecs } from '../sql/lake-tables.js';
import type { TableFileLister } from '../sql/table-file-lister.js';

/** What one table holds in the lake, read from file listings alone (no file is opened). */
export interface LakeTableStats {
  table: string;
  /** Files a query reads: committed, not merged into a larger one. */
  files: number;
  bytes: number;
  /**
   * At most this many rows: the log offsets its files span. Exact for a table fed alone by its log
   * partitions, or an Iceberg table (its manifests count rows); an upper bound when other tables'
   * events sit between a Hive table's offsets (the usual case).
   */
  maxRows: number;
}

/** Files, bytes and a row bound of every table, in the order of `allTableSpecs` (`events_dead_letter` last). */
export async function readLakeStats(lister: TableFileLister): Promise<LakeTableStats[]> {
  return Promise.all(
    allTableSpecs.map(async (spec) => {
      const files = await lister.files(spec);
      return {
        table: spec.table,
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.size, 0),
        maxRows: files.reduce((sum, f) => sum + f.maxRows, 0),
      };
    }),
  );
}
