import { sqlString } from '../../util/duckdb-sql.js';
import type { LakeRow } from './parquet-writer.js';

/**
 * Rows on their way to an encoder as a local text file, one line each: the log timestamp, log
 * partition, log offset and the raw event, separated by tabs. A stream writer appends a batch's
 * rows to it as it reads them, so a batch of any size costs memory only for what it has in hand,
 * and DuckDB reads it in parallel. Only values a line carries exactly are written (see `carriable`).
 */

/** Longest value a line carries (DuckDB's reader refuses lines past 2 MB; a char is at most 3 bytes of UTF-8). */
const MAX_TEXT_CHARS = 500_000;
/** DuckDB's read buffer (its default is 16 MB per thread): smaller keeps the writer's memory flat. */
const READ_BUFFER_BYTES = 4 * 1024 * 1024;

/** True when the raw value reads back from a line exactly: not empty (that would read as NULL), no separators, not too long. */
export const carriable = (raw: string): boolean =>
  raw.length > 0 && raw.length <= MAX_TEXT_CHARS && !raw.includes('\t') && !raw.includes('\n') && !raw.includes('\r'); // faster than a regex, per record

/** One row's line (`carriable(row.raw)` must hold). */
export const rowLine = (row: LakeRow): string => `${row.timestamp}\t${row.partition}\t${row.offset}\t${row.raw}\n`;

/** The rows of a text file, back in memory. */
export function parseRowText(text: string): LakeRow[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [timestamp, partition, offset] = line.split('\t', 3);
      const raw = line.slice(timestamp!.length + partition!.length + offset!.length + 3);
      return { timestamp: Number(timestamp), partition: Number(partition), offset: Number(offset), raw };
    });
}

/** DuckDB's view of a text file, with the column names the staging table has: ts, log_partition, log_offset, raw_event. */
export const readRowText = (path: string): string =>
  `read_csv(${sqlString(path)}, delim = '\t', quote = '', escape = '', header = false, auto_detect = false, buffer_size = ${READ_BUFFER_BYTES}, ` +
  `columns = {'ts': 'BIGINT', 'log_partition': 'INTEGER', 'log_offset': 'BIGINT', 'raw_event': 'VARCHAR'})`;
