import type { Config } from '../config/config-fields.js';
import { deploymentOf } from '../config/deployment.js';
import type { Positions } from '../eventlog/event-log.js';
import type { CommittedFile } from '../lake/lake-paths.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { Finding } from './verify-report.js';

/** A committed file as verify knows it: where it sits and whose it is. */
export interface LakeFile extends CommittedFile {
  /** The table directory its rows belong to: `events_buy`, or `events_dead_letter/buy` (one owner's dead letters). */
  dir: string;
  /** `dt=2026-11-29`. */
  dt: string;
  owner: string;
  dead: boolean;
  /**
   * Another engine wrote it (Trino's INSERT or optimize into an Iceberg table): its name says no
   * offsets, so its partition and offsets are those of its rows, and only its rows are checked.
   */
  unnamed?: true;
}

/** The files of one table directory and date, as verify and trace read them. */
export interface DateFiles {
  dir: string;
  /** `dt=2026-11-29`. */
  dt: string;
  owner: string;
  dead: boolean;
  /** Where to look, in notes: the date directory, or the table's partition. */
  where: string;
  /**
   * Lists the files, in log order (partition, then offsets). Hive: listed again when a file moved
   * away while it was read (compaction hides it and the merged file holds its rows). Iceberg: the
   * snapshot's files, which never move, so one that is gone is damage, not a move.
   */
  list(): Promise<Omit<LakeFile, 'dir' | 'dt' | 'owner' | 'dead'>[]>;
  /** Whether a file gone while read means to list again (Hive) rather than a file missing (Iceberg). */
  relistWhenGone: boolean;
}

/** Records that sit below one table's committed position for an owner but not below another's: a commit across tables cut short. */
export interface TableLag {
  dir: string;
  owner: string;
  partition: number;
  first: number;
  last: number;
  count: number;
}

/**
 * Where committed records end. Hive records one position per owner; Iceberg one per table and
 * owner (each table's snapshot summary), an owner's being the highest of its tables.
 */
export interface CommittedPositions {
  /** Per owner, per log partition: the offset below which its records are committed (the report's positions). */
  owners: Map<string, Positions>;
  /** The offset below which `owner`'s records routed to table directory `dir` are in that table's files. */
  inTable(owner: string, dir: string, partition: number): number;
}

/**
 * What gamepipe's readers (verify, trace) reconcile the log against, whatever the table format:
 * the committed positions and the files holding the tables' rows, read so that they agree with each
 * other while writers run (Hive: positions before files; Iceberg: both from the same snapshots).
 * Read once per command; nothing here writes to the lake.
 */
export interface CommittedLake {
  positions: CommittedPositions;
  /** The tables' files per directory and date (dead letters included). */
  dates(): Promise<DateFiles[]>;
  /** The files of one table directory (`events_buy`, `events_dead_letter/buy`) and date (`dt=…`). */
  date(dir: string, dt: string): DateFiles;
  /**
   * Called once the files are read and before the log is: Hive takes a missing position from its
   * owner's file names, as the writer would. Notes for what it did.
   */
  filesRead(files: LakeFile[]): Finding[];
  /** Once the log is reconciled: what no writer will finish, what the catalog disagrees on, and what `lags` mean. */
  findings(lags: TableLag[]): Promise<Finding[]>;
}

/** The committed lake of the deployment's table format (`deploymentOf(config).tableFormat`). */
export async function readCommittedLake(config: Config, storage: LakeStorage): Promise<CommittedLake> {
  if (deploymentOf(config).tableFormat === 'iceberg')
    return (await import('./iceberg-committed-lake.js')).readIcebergLake(config, storage);
  return (await import('./hive-committed-lake.js')).readHiveLake(config, storage);
}
