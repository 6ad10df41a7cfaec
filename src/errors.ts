/**
 * Every error gamepipe raises on purpose. Each carries a stable code, the HTTP status it maps to,
 * whether retrying can help, and a hint a user can act on. Anything else that escapes is a bug.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  /** The command line or the settings are wrong (bad flag value, option clash, invalid config): exit 2. */
  | 'USAGE'
  | 'NO_SESSION'
  | 'BAD_CREDENTIALS'
  | 'UNKNOWN_ITEM'
  | 'USERNAME_TAKEN'
  | 'TOO_MANY_LOGIN_FAILURES'
  | 'TOO_MANY_SIGNUPS'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'STATE_UNAVAILABLE'
  | 'LOG_UNAVAILABLE'
  | 'LOG_IN_DOUBT'
  | 'CONFIG_INVALID'
  | 'DATA_DIR_LOCKED'
  | 'SQL_ERROR'
  | 'QUERY_CANCELLED'
  | 'ENGINE_UNAVAILABLE'
  | 'TABLE_MISMATCH'
  | 'LAKE_ERROR'
  | 'LAKE_UNAVAILABLE'
  | 'LAKE_EXISTS'
  | 'LAKE_NOT_FOUND'
  | 'LAKE_FENCED'
  /** A batch's staged file can no longer be committed (its upload is gone): the batch is staged again. */
  | 'LAKE_STAGED_LOST'
  | 'METASTORE_UNAVAILABLE'
  | 'METASTORE_ERROR'
  | 'ICEBERG_COMMIT_CONFLICT'
  | 'ICEBERG_COMMIT_IN_DOUBT'
  | 'ICEBERG_SCHEMA_INCOMPATIBLE'
  | 'ICEBERG_REPLACE_STALE'
  | 'ICEBERG_ERROR'
  /** `--table-format iceberg` with no catalog to commit to. */
  | 'ICEBERG_CATALOG_MISSING'
  | 'DISK_FULL';

const statusByCode: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  USAGE: 400,
  NO_SESSION: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  UNKNOWN_ITEM: 404,
  NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  TOO_MANY_LOGIN_FAILURES: 429,
  TOO_MANY_SIGNUPS: 429,
  STATE_UNAVAILABLE: 503,
  LOG_UNAVAILABLE: 503,
  // Kafka never said whether it wrote the event: the action may have been done.
  LOG_IN_DOUBT: 504,
  CONFIG_INVALID: 500,
  DATA_DIR_LOCKED: 500,
  SQL_ERROR: 400,
  QUERY_CANCELLED: 499,
  ENGINE_UNAVAILABLE: 503,
  TABLE_MISMATCH: 409,
  LAKE_ERROR: 500,
  LAKE_UNAVAILABLE: 503,
  LAKE_EXISTS: 409,
  LAKE_NOT_FOUND: 404,
  LAKE_FENCED: 409,
  LAKE_STAGED_LOST: 503,
  METASTORE_UNAVAILABLE: 503,
  METASTORE_ERROR: 500,
  // Another writer committed first: rebuild on its snapshot and commit again.
  ICEBERG_COMMIT_CONFLICT: 409,
  // The metastore never said whether the swap happened: the table's snapshots tell.
  ICEBERG_COMMIT_IN_DOUBT: 504,
  ICEBERG_SCHEMA_INCOMPATIBLE: 409,
  // A replace whose files another commit already removed: plan it again from the current snapshot.
  ICEBERG_REPLACE_STALE: 409,
  ICEBERG_ERROR: 500,
  ICEBERG_CATALOG_MISSING: 400,
  DISK_FULL: 503,
};

const retriableCodes = new Set<ErrorCode>([
  'STATE_UNAVAILABLE',
  'LOG_UNAVAILABLE',
  'TOO_MANY_LOGIN_FAILURES',
  'TOO_MANY_SIGNUPS',
  'LAKE_UNAVAILABLE',
  'LAKE_STAGED_LOST',
  'ENGINE_UNAVAILABLE',
  'METASTORE_UNAVAILABLE',
  'ICEBERG_COMMIT_CONFLICT',
  'DISK_FULL',
]);

export interface GamepipeErrorOptions {
  hint?: string;
  cause?: unknown;
  /** See GamepipeError.engineErrorName. */
  engineErrorName?: string;
}

export class GamepipeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly retriable: boolean;
  readonly httpStatus: number;
  /**
   * The name the system that failed gave the failure, when another system failed: Trino's or
   * Presto's `errorName` (`TABLE_NOT_FOUND`, `HIVE_METASTORE_ERROR`), DuckDB's error type
   * (`Catalog Error`, `Binder Error`), the Hive metastore's Thrift exception
   * (`NoSuchObjectException`). Code that reacts to one failure branches on it, never on the message.
   */
  readonly engineErrorName: string | undefined;

  constructor(code: ErrorCode, message: string, options: GamepipeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GamepipeError';
    this.code = code;
    this.hint = options.hint;
    this.retriable = retriableCodes.has(code);
    this.httpStatus = statusByCode[code];
    this.engineErrorName = options.engineErrorName;
  }
}

export const isGamepipeError = (error: unknown): error is GamepipeError => error instanceof GamepipeError;

/** One line for a person: the message, then the hint when there is one. */
export function describeError(error: GamepipeError): string {
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}
