/** The part of presto-client 1.2.0 (no published types) that the Trino/Presto query engine uses. */
declare module 'presto-client' {
  import type { ClientRequest } from 'node:http';

  export interface ClientOptions {
    host?: string;
    port?: number;
    user?: string;
    source?: string;
    catalog?: string;
    schema?: string;
    engine?: 'trino' | 'presto';
    ssl?: Record<string, unknown>;
    /** Milliseconds between polls of a running query (default 800; 0 means the default). */
    checkInterval?: number;
    /** Calls `state` on every poll, not only when the state changes. */
    enableVerboseStateCallback?: boolean;
    jsonParser?: { parse(text: string): unknown };
    /** Seconds before the client kills a query (default 60); null or 0 for none. */
    timeout?: number | null;
  }

  /** Trino's and Presto's statement stats, as far as gamepipe reads them. */
  export interface StatementStats {
    state: string;
    nodes?: number;
    totalSplits?: number;
    completedSplits?: number;
    processedRows?: number;
    processedBytes?: number;
    elapsedTimeMillis?: number;
    wallTimeMillis?: number;
  }

  export interface Column {
    name: string;
    type: string;
  }

  export interface ExecuteOptions {
    query: string;
    catalog?: string;
    schema?: string;
    user?: string;
    session?: string;
    timezone?: string;
    headers?: Record<string, string>;
    timeout?: number | null;
    /** Polled before each fetch after the first: returning true stops fetching and cancels the query. */
    cancel?: () => boolean;
    state?: (error: null, queryId: string, stats: StatementStats) => void;
    columns?: (error: null, columns: Column[]) => void;
    data?: (error: null, rows: unknown[][], columns: Column[] | undefined, stats: StatementStats) => void;
    success?: (error: null, stats: StatementStats) => void;
    /** Called with Trino's error object, an Error from the HTTP layer, or `{ message, error, code }`. */
    error?: (error: unknown) => void;
    retry?: () => void;
  }

  export class Client {
    constructor(options?: ClientOptions);
    execute(options: ExecuteOptions): void;
    kill(queryId: string, callback?: (error: unknown) => void): void;
    /** Every HTTP exchange goes through this; returns the request (null when it could not be made). */
    request(
      options: unknown,
      callback: (error: unknown, code?: number, data?: unknown) => void,
      authorization?: string,
    ): ClientRequest | null;
  }
}
