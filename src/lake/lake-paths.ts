/**
 * The lake's layout, the same in a local directory or on HDFS (paths relative to the lake root):
 *   events_buy/dt=2026-11-28/events+<partition>+<firstOffset>+<lastOffset>.parquet
 *   events_buy/dt=2026-11-28/_merged/…  files merged into a larger one, kept for running queries
 *   events_dead_letter/<writer>/dt=2026-11-28/events+<partition>+<firstOffset>+<lastOffset>.parquet
 *   _tmp/        files being committed; _wal/ one intent per writer; _positions/ per owner;
 *   _locks/      one lease per owner; _status/ per writer; _scratch/ local work files
 * On `--table-format iceberg` a table directory holds `metadata/` and `data/dt=…/` instead (see
 * src/iceberg/README.md), and `_iceberg_wal/` the intents of commits touching several tables.
 * Every name starting with `_` or `.` is hidden from Hive, Trino, Spark and gamepipe's views. File
 * names carry the log offsets they hold, so positions can be rebuilt from the names alone.
 */

export interface CommittedFile {
  /** Path relative to the lake root. */
  path: string;
  size: number;
  modifiedMs: number;
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

const FILE_NAME = /^events\+(\d+)\+(\d+)\+(\d+)\.parquet$/;

export const dataFileName = (partition: number, firstOffset: number, lastOffset: number): string =>
  `events+${partition}+${firstOffset}+${lastOffset}.parquet`;

export function parseDataFileName(
  name: string,
): Pick<CommittedFile, 'partition' | 'firstOffset' | 'lastOffset'> | null {
  const match = FILE_NAME.exec(name);
  if (!match) return null;
  return { partition: Number(match[1]), firstOffset: Number(match[2]), lastOffset: Number(match[3]) };
}

const DAY_MS = 86_400_000;
let lastDay = Number.NaN;
let lastPartition = '';

/** UTC date partition of a millisecond timestamp (the last day's kept: a writer asks for every row, and rows come in runs of one day). */
export function datePartition(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastPartition = `dt=${new Date(ms).toISOString().slice(0, 10)}`;
    lastDay = day;
  }
  return lastPartition;
}

export const deadLetterDir = (writer: string): string => `events_dead_letter/${writer}`;

/** Where compaction hides the files it merged, inside their date directory. */
export const MERGED_DIR = '_merged';
