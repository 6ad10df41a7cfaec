/**
 * The logical column types events are made of. Every storage type (Parquet, DuckDB, Hive/Trino)
 * and every validator is derived from these, so a field is declared exactly once.
 */
export type FieldType = 'string' | 'int32' | 'int64' | 'double' | 'timestamp_ms' | 'boolean';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Present in every event of the types that declare it. */
  required: boolean;
  doc: string;
}

export const duckdbType: Record<FieldType, string> = {
  string: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  double: 'DOUBLE',
  timestamp_ms: 'TIMESTAMP_MS',
  boolean: 'BOOLEAN',
};

export const hiveType: Record<FieldType, string> = {
  string: 'STRING',
  int32: 'INT',
  int64: 'BIGINT',
  double: 'DOUBLE',
  timestamp_ms: 'TIMESTAMP',
  boolean: 'BOOLEAN',
};

/** Trino's names, as `information_schema.columns` reports them: DuckDB's TIMESTAMP_MS Parquet reads as timestamp(3). */
export const trinoType: Record<FieldType, string> = {
  string: 'varchar',
  int32: 'integer',
  int64: 'bigint',
  double: 'double',
  timestamp_ms: 'timestamp(3)',
  boolean: 'boolean',
};

/** parquetjs-lite primitive names, for the pure-JS fallback writer. */
export const parquetjsType: Record<FieldType, string> = {
  string: 'UTF8',
  int32: 'INT32',
  int64: 'INT64',
  double: 'DOUBLE',
  timestamp_ms: 'TIMESTAMP_MILLIS',
  boolean: 'BOOLEAN',
};
