/**
 * The kind of failure DuckDB reports (`Catalog Error`, `Binder Error`, `Parser Error`, `IO Error`,
 * ...). node-neo hands it over only as the first words of the message (the C API's
 * `duckdb_result_error_type` is not exposed), so it is read there once, here, and callers branch on it.
 */
export type DuckdbErrorType = `${string} Error`;

const TYPE_PREFIX = /^((?:[A-Za-z]+ )+Error): /;
/** What node-neo puts before DuckDB's own message when the SQL does not even split into statements (`stream`, `prepare`). */
const NODE_NEO_PREFIX = 'Failed to extract statements: ';

/** The first line of a DuckDB error, which says what is wrong with the SQL, in DuckDB's words. */
export function duckdbFirstLine(error: unknown): string {
  const line = String((error as Error)?.message ?? error).split('\n')[0]!;
  return line.startsWith(NODE_NEO_PREFIX) && TYPE_PREFIX.test(line.slice(NODE_NEO_PREFIX.length))
    ? line.slice(NODE_NEO_PREFIX.length)
    : line;
}

/** DuckDB's name for this failure, or undefined for an error that did not come from DuckDB. */
export function duckdbErrorType(error: unknown): DuckdbErrorType | undefined {
  return TYPE_PREFIX.exec(duckdbFirstLine(error))?.[1] as DuckdbErrorType | undefined;
}
