import { join } from 'node:path';

/**
 * The lake's layout under `<data-dir>/lake`, the same on a local disk or HDFS:
 *   events_buy/dt=2026-11-28/events+<partition>+<firstOffset>+<lastOffset>.parquet
 *   events_dead_letter/<writer>/dt=2026-11-28/events+<partition>+<firstOffset>+<lastOffset>.parquet
 *   _tmp/   files being written (never read by queries)
 *   _wal/   one intent record per writer for the batch it is committing
 * File names carry the log offsets they hold, so the committed position of every writer can be
 * rebuilt from the file names alone.
 */
export const lakeRoot = (dataDir: string): string => join(dataDir, 'lake');

export interface CommittedFile {
  /** Path relative to the lake root. */
  path: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

const FILE_NAME = /^events\+(\d+)\+(\d+)\+(\d+)\.parquet$/;

export const dataFileName = (partition: number, firstOffset: number, lastOffset: number): string =>
  `events+${partition}+${firstOffset}+${lastOffset}.parquet`;

export function parseDataFileName(name: string): Omit<CommittedFile, 'path'> | null {
  const match = FILE_NAME.exec(name);
  if (!match) return null;
  return { partition: Number(match[1]), firstOffset: Number(match[2]), lastOffset: Number(match[3]) };
}

/** UTC date partition of a millisecond timestamp. */
export const datePartition = (ms: number): string => `dt=${new Date(ms).toISOString().slice(0, 10)}`;

export const deadLetterDir = (writer: string): string => join('events_dead_letter', writer);
