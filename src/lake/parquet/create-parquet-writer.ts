import { logger } from '../../logger.js';
import { DuckdbParquetWriter } from './duckdb-parquet-writer.js';
import type { ParquetWriter } from './parquet-writer.js';
import { ParquetjsParquetWriter } from './parquetjs-parquet-writer.js';

export type ParquetWriterChoice = 'auto' | 'duckdb' | 'parquetjs';

/** DuckDB when its native binding loads (or when asked for); parquetjs-lite otherwise. */
export async function createParquetWriter(choice: ParquetWriterChoice = 'auto'): Promise<ParquetWriter> {
  if (choice === 'parquetjs') return new ParquetjsParquetWriter();
  try {
    return await DuckdbParquetWriter.create();
  } catch (error) {
    if (choice === 'duckdb') throw error;
    logger.warn({ err: error }, 'DuckDB could not load; writing Parquet with parquetjs-lite (slower, larger files)');
    return new ParquetjsParquetWriter();
  }
}
