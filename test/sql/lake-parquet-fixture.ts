import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbType, type FieldSpec } from '../../src/events/field-types.js';
import type { TableSpec } from '../../src/events/tables.js';

/** A value of each column's type for row `i`; a third of the buys are swords. */
function columnSql(column: FieldSpec, writer: string): string {
  const value = (() => {
    if (column.name === 'item_type') return `CASE WHEN i % 3 = 0 THEN 'sword' ELSE 'shield' END`;
    if (column.name === 'writer') return `'${writer}'`;
    switch (column.type) {
      case 'string':
        return `'${column.name}-' || i`;
      case 'double':
        return 'i * 1.5';
      case 'timestamp_ms':
        return `TIMESTAMP '2026-11-28 10:00:00' + to_seconds(i)`;
      case 'boolean':
        return 'i % 2 = 0';
      default:
        return 'i';
    }
  })();
  return `CAST(${value} AS ${duckdbType[column.type]}) AS "${column.name}"`;
}

/** Writes rows `first..last` of a table as one Parquet file, the way the stream writers do (DuckDB, TIMESTAMP_MS). */
export async function writeParquet(
  lakeDir: string,
  dir: string,
  spec: TableSpec,
  first: number,
  last: number,
  writer = 'buy',
  partition = 0,
): Promise<string> {
  mkdirSync(join(lakeDir, dir), { recursive: true });
  const file = join(lakeDir, dir, `events+${partition}+${first}+${last}.parquet`);
  const instance = await DuckDBInstance.create();
  const connection = await instance.connect();
  try {
    const columns = spec.columns.map((c) => columnSql(c, writer)).join(', ');
    await connection.run(
      `COPY (SELECT ${columns} FROM range(${first}, ${last + 1}) r(i)) TO '${file}' (FORMAT PARQUET)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return file;
}
