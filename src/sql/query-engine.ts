/** A query's answer, read whole. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** Where a running query is, as Trino's CLI shows it; DuckDB reports only state, rows and elapsed time. */
export interface QueryProgress {
  queryId?: string;
  state: string;
  splitsDone?: number;
  splitsTotal?: number;
  rows: number;
  bytes?: number;
  elapsedMs: number;
}

export interface QuerySink {
  /** Called once, before any row. */
  onColumns?(columns: string[]): void;
  /**
   * Called as rows arrive, in order. A promise it returns holds the next batch back until it
   * settles where the engine can wait (DuckDB reads its next chunk only then; Trino's pages keep
   * coming and are handed over in order), and `stream` settles only after it; a rejection fails the query.
   */
  onRows?(rows: unknown[][]): void | Promise<void>;
  onProgress?(progress: QueryProgress): void;
  /** Aborting cancels the query, on the server where there is one; `stream` then rejects with QUERY_CANCELLED. */
  signal?: AbortSignal;
}

/**
 * SQL over the lake's tables: DuckDB embedded, or Trino/Presto over the Hive metastore. Rules,
 * checked by one contract suite against every engine:
 * - rows come in the engine's order, each row as an array of plain JSON values (a 64-bit integer as
 *   a number when it is safe, else a string; timestamps and dates as ISO-like strings);
 * - a statement the engine refuses rejects with SQL_ERROR, its message one line naming the engine's
 *   error (e.g. `TABLE_NOT_FOUND: ...`); an engine that cannot be reached with ENGINE_UNAVAILABLE.
 */
export interface QueryEngine {
  /** `duckdb`, `trino` or `presto`. */
  readonly name: string;
  /** Runs one statement, handing rows to `sink` as they arrive; resolves with the columns and the row count. */
  stream(sql: string, sink?: QuerySink): Promise<{ columns: string[]; rowCount: number }>;
  close(): Promise<void>;
}

/** Runs a statement and keeps every row. */
export async function queryAll(engine: QueryEngine, sql: string, signal?: AbortSignal): Promise<QueryResult> {
  const rows: unknown[][] = [];
  const { columns } = await engine.stream(sql, { onRows: (batch) => void rows.push(...batch), signal });
  return { columns, rows };
}
