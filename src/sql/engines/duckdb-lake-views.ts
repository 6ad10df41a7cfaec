import type { DuckDBConnection } from '@duckdb/node-api';
import { GamepipeError } from '../../errors.js';
import { duckdbType } from '../../events/field-types.js';
import { deadLetterSpec, type TableSpec } from '../../events/tables.js';
import {
  deadLetterRowsSelect,
  eventRowsSelect,
  openStaging,
  type Staging,
} from '../../lake/parquet/duckdb-row-selects.js';
import type { CommittedFile } from '../../lake/lake-paths.js';
import type { LocalLakeStorage } from '../../lake/storage/local/local-lake-storage.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';
import { tableFiles } from '../lake-tables.js';
import type { LogTail, TailBounds } from '../log-tail.js';
import { duckdbFirstLine as firstLine } from './duckdb-errors.js';
import { LakeCatalogRegistry } from './lake-catalog-registry.js';

/** Typed, empty: what a table looks like before its first file lands. */
export function emptySelect(spec: TableSpec): string {
  const columns = spec.columns.map((c) => `CAST(NULL AS ${duckdbType[c.type]}) AS ${sqlIdentifier(c.name)}`);
  return `SELECT ${columns.join(', ')}, CAST(NULL AS DATE) AS dt WHERE false`;
}

/** Where a table's rows from the log's tail are staged: a database of their own, so that `show tables` lists the views alone. */
const TAIL_CATALOG = '_gamepipe_tail';
const tailTable = (spec: TableSpec) => `${sqlIdentifier(TAIL_CATALOG)}.${sqlIdentifier(spec.table)}`;

/** The table's columns and `dt`, in order. */
export const viewColumns = (spec: TableSpec) => [...spec.columns.map((c) => sqlIdentifier(c.name)), 'dt'].join(', ');

/** A table's rows from the tail, with `dt` as the writer would partition them (the event's date; a dead letter's log date). */
export function tailSelect(spec: TableSpec): string {
  const rows = spec === deadLetterSpec ? deadLetterRowsSelect(tailTable(spec)) : eventRowsSelect(spec, tailTable(spec));
  return `SELECT ${viewColumns(spec)} FROM (SELECT *, CAST(${spec === deadLetterSpec ? '"timestamp"' : 'event_ts'} AS DATE) AS dt FROM (${rows}))`;
}

/**
 * The lake's files and the tail, one after the other. A query that needs no column of a UNION
 * (`count(*)`, or a filter DuckDB pushes into the scan) still reads its first one: each side leads
 * with the log offset, small, instead of the raw event (10 ms against 80 ms for a count over
 * 1,000,000 rows), and the outer SELECT gives the table's own column order.
 */
export const lakeAndTail = (spec: TableSpec, lake: string) =>
  `SELECT ${viewColumns(spec)} FROM (SELECT log_offset AS _first, ${viewColumns(spec)} FROM ${lake} UNION ALL SELECT log_offset AS _first, ${viewColumns(spec)} FROM (${tailSelect(spec)}))`;

/** Stages the log's tail into a temporary table per declared table it has rows of; returns those tables. */
export async function stageTail(
  connection: DuckDBConnection,
  tail: LogTail,
  landed: TailBounds,
  specs: TableSpec[],
  listed: CommittedFile[],
): Promise<Set<string>> {
  const declared = new Map(specs.map((spec) => [spec.table, spec]));
  const stagings = new Map<string, Staging>();
  await connection.run(`ATTACH IF NOT EXISTS ':memory:' AS ${sqlIdentifier(TAIL_CATALOG)}`);
  try {
    for await (const rows of tail.read(landed, listed)) {
      for (const { table, row } of rows) {
        const spec = declared.get(table);
        if (!spec) continue; // a table not declared: no view to show it
        let staging = stagings.get(table);
        if (!staging)
          stagings.set(
            table,
            (staging = await openStaging(connection, spec.table, spec === deadLetterSpec, TAIL_CATALOG)),
          );
        staging.append(row);
      }
    }
  } finally {
    for (const staging of stagings.values()) staging.close();
  }
  return new Set(stagings.keys());
}

/**
 * Hive tables: (re)declares each declared table as a view over the files committed now and, with
 * `tail`, the log's rows not in them yet (see LogTail: the positions are read before the files are listed).
 */
export async function declareHiveViews(
  connection: DuckDBConnection,
  storage: LocalLakeStorage,
  tail: LogTail | undefined,
): Promise<TableSpec[]> {
  try {
    const specs = await new LakeCatalogRegistry(storage).declared();
    const landed = await tail?.landedPositions();
    const listed = new Map<TableSpec, CommittedFile[]>();
    for (const spec of specs) listed.set(spec, await tableFiles(storage, spec));
    const withTail =
      tail && landed
        ? await stageTail(connection, tail, { owners: landed }, specs, [...listed.values()].flat())
        : new Set<string>();
    for (const spec of specs) {
      const files = listed.get(spec)!.map((f) => sqlString(storage.localPath(f.path)));
      const lake =
        files.length === 0
          ? undefined
          : `read_parquet([${files.join(', ')}], hive_partitioning = true, hive_types = {'dt': DATE})`;
      let body = lake ? `SELECT * FROM ${lake}` : emptySelect(spec);
      if (withTail.has(spec.table)) body = lake ? lakeAndTail(spec, lake) : tailSelect(spec);
      await connection.run(`CREATE OR REPLACE VIEW ${sqlIdentifier(spec.table)} AS ${body}`);
    }
    return specs;
  } catch (error) {
    throw new GamepipeError('LAKE_ERROR', `could not open the lake's tables: ${firstLine(error)}`, { cause: error });
  }
}
