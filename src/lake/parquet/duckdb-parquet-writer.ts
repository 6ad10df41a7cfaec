import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { TableSpec } from '../../events/tables.js';
import { sqlString } from '../../util/duckdb-sql.js';
import { deadLetterRowsSelect, eventRowsSelect, stageRows } from './duckdb-row-selects.js';
import { readRowText } from './row-text.js';
import { ROW_GROUP_ROWS, type DeadLetterRow, type LakeRow, type ParquetWriter } from './parquet-writer.js';

/**
 * How gamepipe's Parquet files are encoded. ZSTD at level 1: a file of 200,000 buy events is 9.9 MB
 * against Snappy's 23.6 MB, and DuckDB encoded it faster (337 against 374 ms); readers decode it as
 * fast (DuckDB, Trino). Less than half the bytes to upload, keep and scan: on an object store the
 * bytes sent are most of a writer's cost. It is also Iceberg's and Trino's default codec.
 */
export const DUCKDB_PARQUET_OPTIONS = `(FORMAT PARQUET, COMPRESSION ZSTD, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`;
const COPY_OPTIONS = DUCKDB_PARQUET_OPTIONS;

/** Parquet through an in-memory DuckDB: rows go in through an appender, out through COPY. */
export class DuckdbParquetWriter implements ParquetWriter {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async create(): Promise<DuckdbParquetWriter> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    // Bounded: a writer stages one batch at a time, and merges stream file to file. One thread: the
    // writer's own thread reads and routes the next batch meanwhile, and a second DuckDB thread
    // measured no faster on two cores while holding about 30 MB more (npm run bench -- stream).
    // Its allocator keeps what a COPY freed for reuse, up to about 140 MB after a few batches; a
    // background thread hands it back to the system meanwhile (writer peak RSS about 30 MB lower).
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: '128MB',
      allocator_background_threads: 'true',
    });
    return new DuckdbParquetWriter(instance, await instance.connect());
  }

  async writeEvents(path: string, spec: TableSpec, rows: LakeRow[]): Promise<void> {
    await stageRows(this.connection, 'staging', rows, false);
    await this.connection.run(`COPY (${eventRowsSelect(spec, 'staging')}) TO ${sqlString(path)} ${COPY_OPTIONS}`);
  }

  async writeDeadLetters(path: string, rows: DeadLetterRow[]): Promise<void> {
    await stageRows(this.connection, 'staging', rows, true);
    await this.connection.run(`COPY (${deadLetterRowsSelect('staging')}) TO ${sqlString(path)} ${COPY_OPTIONS}`);
  }

  async writeEventsFromText(path: string, spec: TableSpec, textPath: string): Promise<void> {
    await this.connection.run(
      `COPY (${eventRowsSelect(spec, readRowText(textPath))}) TO ${sqlString(path)} ${COPY_OPTIONS}`,
    );
  }

  /** The sources are disjoint and given in log order; DuckDB keeps that order without a sort. */
  async merge(path: string, _spec: TableSpec, sources: string[]): Promise<void> {
    const files = sources.map(sqlString).join(', ');
    await this.connection.run(
      `COPY (SELECT * FROM read_parquet([${files}], hive_partitioning = false, union_by_name = true)) TO ${sqlString(path)} ${COPY_OPTIONS}`,
    );
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
