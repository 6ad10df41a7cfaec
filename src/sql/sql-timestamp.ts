/**
 * A timestamp as DuckDB and Trino print it cast to varchar (`2026-12-05 18:00:00.123`, UTC, no
 * zone) as ISO 8601; text that is not one is returned as it is.
 */
export function isoFromSqlTimestamp(value: unknown): string {
  const ms = Date.parse(`${String(value).trim().replace(' ', 'T')}Z`);
  return Number.isNaN(ms) ? String(value) : new Date(ms).toISOString();
}
