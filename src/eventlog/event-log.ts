/** One record as stored in the event log. */
export interface LogRecord {
  partition: number;
  offset: number;
  /** When the log accepted the record, UTC milliseconds. */
  timestamp: number;
  key: string | null;
  value: string;
}

export interface AppendRecord {
  key: string | null;
  value: string;
}

/** Per-partition offsets: the next offset to read, or the next one to be written. */
export type Positions = Map<number, number>;

/**
 * The write side of the event log (Kafka topic or embedded segment files).
 * - `append` is ordered per key and atomic per call: when it resolves every record is durable
 *   (fsynced, or acknowledged by all in-sync replicas); when it rejects none of them will appear.
 *   It rejects with a LOG_UNAVAILABLE GamepipeError when the log cannot be reached.
 */
export interface EventLog {
  append(records: AppendRecord[]): Promise<void>;
  /** Resolves when the log answers; rejects with LOG_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ReaderOptions {
  /** Consumer group: committed positions are kept under this name (informational; writers recover from the lake). */
  group: string;
}

/**
 * The read side. Records of one partition come in offset order. `poll` never returns a record
 * twice unless `seek` moved back. Positions are only committed by `commit`.
 */
export interface EventLogReader {
  /** The offsets the next appended records will get, per partition, now. */
  endOffsets(): Promise<Positions>;
  /**
   * Moves the read position; partitions not named start at the earliest retained record. With
   * `partitions`, only those are read (a writer's share of the log when writers split it).
   */
  seek(positions: Positions, partitions?: readonly number[]): Promise<void>;
  /** Up to `maxRecords` records after the read position, waiting at most `maxWaitMs` for the first. */
  poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]>;
  /** Records the group's position (next offset to read) per partition. */
  commit(positions: Positions): Promise<void>;
  close(): Promise<void>;
}
