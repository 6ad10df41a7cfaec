import { join } from 'node:path';
import { duckdbType } from '../events/field-types.js';
import { deadLetterSpec, type TableSpec } from '../events/tables.js';
import { committedFiles } from '../lake/lake-files.js';
import { deadLetterDir } from '../lake/lake-paths.js';
import { ownersOf } from '../streaming/writers.js';
import { sqlIdentifier, sqlString } from '../util/duckdb-sql.js';

/** The directories holding a table's files, relative to the lake root. */
function tableDirs(spec: TableSpec): string[] {
  return spec === deadLetterSpec ? ownersOf('all').map(deadLetterDir) : [spec.table];
}

export const tableFiles = (root: string, spec: TableSpec) => tableDirs(spec).flatMap((dir) => committedFiles(root, dir));

/** Typed, empty: what a table looks like before its first file lands. */
function emptySelect(spec: TableSpec): string {
  const columns = spec.columns.map((c) => `CAST(NULL AS ${duckdbType[c.type]}) AS ${sqlIdentifier(c.name)}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS DATE) AS dt WHERE false`;
}

/**
 * A view over the files committed when it is created: a fixed list, so one query reads one
 * consistent set of files however many a writer adds meanwhile. `dt` comes from the directory.
 */
export function viewSql(root: string, spec: TableSpec): string {
  const files = tableFiles(root, spec).map((f) => sqlString(join(root, f.path)));
  const body = files.length === 0 ? emptySelect(spec) : `SELECT * FROM read_parquet([${files.join(', ')}], hive_partitioning = true, hive_types = {'dt': DATE})`;
  return `CREATE OR REPLACE VIEW ${sqlIdentifier(spec.table)} AS ${body}`;
}
