import type { Positions } from '../../eventlog/event-log.js';
import type { TableSpec } from '../../events/tables.js';

/** One log record on its way into the lake. */
export interface LakeRow {
  /** The event JSON exactly as read from the log; already validated against the table's schema. */
  raw: string;
  timestamp: number;
  partition: number;
  offset: number;
}

export interface DeadLetterRow extends LakeRow {
  reason: string;
  writer: string;
}

/**
 * Writes one complete Parquet file. The file at `path` is only ever written by this call and is
 * not visible to queries until the caller renames it into the lake. Row groups are bounded, so a
 * reader never needs a whole file in memory.
 */
export interface ParquetWriter {
  /** Rows of an event table: typed columns are derived from `raw` following `spec`. */
  writeEvents(path: string, spec: TableSpec, rows: LakeRow[]): Promise<void>;
  writeDeadLetters(path: string, rows: DeadLetterRow[]): Promise<void>;
  /** One file at `path` with every row of `sources` (files of the table `spec`), in log order. */
  merge(path: string, spec: TableSpec, sources: string[]): Promise<void>;
  /** Where a batch's raw events can be parsed, checked and written without JavaScript touching each (DuckDB only). */
  readonly batchTable?: BatchTable;
  close(): Promise<void>;
}

/** Event times (UTC ms) of a batch's rows, as much as its freshness needs: the oldest, the 5th and the 50th percentile. */
export interface EventTimeStats {
  oldest: number;
  p05: number;
  p50: number;
}

/** A log record as a batch holds it. */
export interface RawRecord {
  partition: number;
  offset: number;
  timestamp: number;
  value: string;
}

/** A record the validator accepted that the batch table had left to it. */
export interface ForcedRow extends RawRecord {
  eventType: string;
}

/** Which of a table's rows a writer lands: those at or past its owner's committed position. */
export interface TableRowsFilter {
  from: Positions;
}

/** The rows of one file to write: one table, date partition and log partition, at most maxFileRows. */
export interface BatchFileGroup {
  dt: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  rows: number;
}

/**
 * A batch of raw events loaded from a file of tab-separated lines (log partition, offset,
 * timestamp, raw event; see batch-text.ts). One batch at a time: `load` replaces the last one.
 * - `takeUnclean` hands back, once, every row it could not prove valid, for the validator to decide;
 * - `addForced` adds back the rows the validator accepted;
 * - `groups` and `copy` then write a table's rows, one file per group, in log order.
 */
export interface BatchTable {
  load(tsvPath: string): Promise<void>;
  takeUnclean(): Promise<RawRecord[]>;
  addForced(rows: ForcedRow[]): Promise<void>;
  groups(spec: TableSpec, filter: TableRowsFilter, maxFileRows: number): Promise<BatchFileGroup[]>;
  copy(spec: TableSpec, filter: TableRowsFilter, group: BatchFileGroup, path: string): Promise<void>;
  /** The event times (event_ts) of the rows these tables land; undefined for none. */
  eventTimes(tables: { spec: TableSpec; filter: TableRowsFilter }[]): Promise<EventTimeStats | undefined>;
  /** Frees the batch's memory. */
  clear(): Promise<void>;
}

export const ROW_GROUP_ROWS = 100_000;
