import type { Positions } from '../../eventlog/event-log.js';
import type { LakeRow } from '../parquet/parquet-writer.js';

/** Where one data file of a batch goes: a table (or an owner's dead letters), a date partition and the log offsets it spans. */
export interface DataFileTarget {
  /** Table directory relative to the lake root (`events_buy`, `events_dead_letter/buy`). */
  dir: string;
  /** The date partition, `dt=2026-11-29`. */
  dt: string;
  /** The log partition every row of the file comes from. */
  partition: number;
  firstOffset: number;
  lastOffset: number;
}

/** The rows of one file to write: one table (or an owner's dead letters), date partition and log partition. */
export interface RoutedFile extends DataFileTarget {
  owner: string;
  rows: number;
  /** Where the rows are, as text (see row-text.ts): table rows, while every value fits on a line. */
  textPath?: string;
  /** Otherwise, in memory. */
  held: LakeRow[];
}

/** A batch read from the log and routed, record by record, to the files it makes: what `BatchCommit` lands. */
export interface RoutedBatch {
  readonly files: readonly RoutedFile[];
  /** Records read (including those routed nowhere or already landed). */
  readonly count: number;
  /** Per log partition, the offset of the batch's first record. */
  readonly startOffset: Positions;
  /** event_ts of every table row, to measure freshness once they are committed. */
  readonly eventTimes: readonly number[];
}
