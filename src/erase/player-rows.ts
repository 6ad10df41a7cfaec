import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { deadLetterSpec, type TableSpec, tableSpecs } from '../events/tables.js';
import { DUCKDB_PARQUET_OPTIONS } from '../lake/parquet/duckdb-parquet-writer.js';
import { sqlString } from '../util/duckdb-sql.js';

/**
 * Which rows of a table are the player's. An event row is when its `username` is the name. A dead
 * letter is when its record, read as JSON, has that `username`; a record that is not JSON (cut at
 * 16 KiB, or never JSON) is when it contains the name anywhere.
 */
function playerRowSql(spec: TableSpec, name: string): string {
  const n = sqlString(name);
  if (spec !== deadLetterSpec) return `coalesce(username = ${n}, false)`;
  return `(CASE WHEN json_valid(raw_event) THEN coalesce(json_extract_string(raw_event, '$.username') = ${n}, false) ELSE contains(raw_event, ${n}) END)`;
}

/**
 * The player's rows with their personal fields replaced: `username` becomes the pseudonym, and
 * `user_agent` (a device's fingerprint, not needed by any figure) is dropped, in the typed columns
 * and in `raw_event` alike. Every other column, and every other row, is kept as it is, in order.
 */
function pseudonymisedSelect(spec: TableSpec, name: string, pseudonym: string, source: string): string {
  const hit = playerRowSql(spec, name);
  const patch = sqlString(JSON.stringify({ username: pseudonym, user_agent: null }));
  const patched = `json_merge_patch(raw_event, ${patch})::VARCHAR`;
  const raw =
    spec === deadLetterSpec
      ? `CASE WHEN json_valid(raw_event) THEN ${patched} ELSE replace(raw_event, ${sqlString(name)}, ${sqlString(pseudonym)}) END`
      : patched;
  const replaced = [`CASE WHEN ${hit} THEN ${raw} ELSE raw_event END AS raw_event`];
  if (spec !== deadLetterSpec)
    replaced.push(
      `CASE WHEN ${hit} THEN ${sqlString(pseudonym)} ELSE username END AS username`,
      `CASE WHEN ${hit} THEN NULL ELSE user_agent END AS user_agent`,
    );
  return `SELECT * REPLACE (${replaced.join(', ')}) FROM ${source}`;
}

const readOne = (path: string) => `read_parquet(${sqlString(path)}, hive_partitioning = false)`;

/** Finds and pseudonymises one player's rows in local Parquet files of the lake's tables, through an in-memory DuckDB. */
export class PlayerRows {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly name: string,
  ) {}

  static async open(name: string): Promise<PlayerRows> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB' });
    return new PlayerRows(instance, await instance.connect(), name);
  }

  /** How many of the player's rows the file holds. */
  async count(spec: TableSpec, localPath: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `SELECT count(*)::BIGINT FROM ${readOne(localPath)} WHERE ${playerRowSql(spec, this.name)}`,
    );
    return Number(reader.getRows()[0]![0]);
  }

  /** Like `count`, for a file whose table its path does not say (a staged file): judged by its columns. */
  async countAny(localPath: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${readOne(localPath)}`);
    const columns = reader.getRows().map((r) => String(r[0]));
    if (!columns.includes('raw_event')) return 0;
    return this.count(columns.includes('username') ? tableSpecs[0]! : deadLetterSpec, localPath);
  }

  /** Writes `target`: the file at `source` with the player's rows pseudonymised (same rows, same order). */
  async rewrite(spec: TableSpec, source: string, target: string, pseudonym: string): Promise<void> {
    await this.connection.run(
      `COPY (${pseudonymisedSelect(spec, this.name, pseudonym, readOne(source))}) TO ${sqlString(target)} ${DUCKDB_PARQUET_OPTIONS}`,
    );
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
