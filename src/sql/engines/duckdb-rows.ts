import type { DuckDBResult, Json } from '@duckdb/node-api';
import { createRequire } from 'node:module';

/** See duckdb-query-engine.ts: the API is CommonJS, loaded on first use. */
const duckdb = (): typeof import('@duckdb/node-api') =>
  createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

/** A 64-bit integer (which DuckDB hands over as text) as a number when that loses nothing. */
const safeNumber = (value: unknown): unknown =>
  typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value;

/** A chunk's rows, as node-neo's JSON values, with 64-bit integers as numbers where that loses nothing. */
export function plainRows(result: DuckDBResult): (rows: Json[][]) => unknown[][] {
  const { DuckDBTypeId } = duckdb();
  const wideIntegers = new Set<number>([
    DuckDBTypeId.BIGINT,
    DuckDBTypeId.UBIGINT,
    DuckDBTypeId.HUGEINT,
    DuckDBTypeId.UHUGEINT,
  ]);
  const asNumber = result.columnTypes().map((type) => wideIntegers.has(type.typeId));
  return (rows) => rows.map((row) => row.map((value, i) => (asNumber[i] ? safeNumber(value) : value)));
}
