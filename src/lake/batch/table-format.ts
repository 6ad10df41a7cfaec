import type { Positions } from '../../eventlog/event-log.js';
import type { CompactionPolicy } from '../commit/compactor.js';
import type { ParquetWriter } from '../parquet/parquet-writer.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir, WrittenFile } from '../storage/local/scratch-dir.js';
import type { WriterTarget } from '../owners.js';
import type { DataFileTarget } from './routed-batch.js';

/** A data file handed to the table but not yet visible to any reader, and where readers will find it once committed. */
export interface StagedFile {
  /** The log partition its rows come from: a commit takes the staged files of one. */
  partition: number;
  /** Where it waits: a path no reader lists (the Hive format: `_tmp/<writer>+<partition>-<uuid>.parquet`). */
  staged: string;
  /** Where it will be read from once committed (the Hive format: `events_buy/dt=…/events+<p>+<first>+<last>.parquet`). */
  target: string;
}

/**
 * The table format seam: how a batch's files become part of a table, together with the log
 * positions they reach, so that a writer stopped at any moment leaves every row exactly once.
 * `BatchCommit` drives it (stage each file, then commit per log partition); `LakeWriter.resync`
 * calls `recover` and `committedPositions` after a failure or before taking partitions over.
 *
 * Two implementations: `HiveTableFormat` (Hive external tables on the lake's directories: staged
 * files renamed into `dt=` directories under a write-ahead intent, positions in `_positions/`), and
 * `IcebergTableFormat` in src/iceberg/write/ (data files uploaded under the table's location, each
 * log partition's commit one snapshot per table with the positions in the snapshot summary, read
 * back from the tables). `lake/` cannot import `iceberg/`: the command picks the format and hands
 * `LakeWriter.open` its factory.
 *
 * Rules every implementation keeps:
 * - **Staging is invisible.** A staged file is complete when `stage` resolves, and no query sees it
 *   until `commit` names it. Staging twice stages twice (a second copy); copies no commit names are
 *   deleted by `recover`.
 * - **A commit is atomic per log partition.** After `commit(partition, files, positions)` resolves,
 *   readers see every file and `committedPositions` gives each owner's position; before, they see none
 *   of it and the old positions. The files of one commit are all of one log partition: writers that
 *   split a table's partitions commit independently and never touch each other's commits.
 * - **A commit is idempotent.** Repeating a commit that landed (in whole or in part, as a crash or a
 *   lost answer leaves it) adds no file and no row twice: the target name of a file (its log
 *   partition and offsets) decides, and a file already committed under that name wins.
 * - **Positions never run ahead of the data.** A position is readable only once the files before it
 *   are; if positions are lost, `committedPositions` still gives a safe one from the committed files.
 * - **A crash leaves something `recover` finishes or undoes.** Stopped while staging: staged files
 *   nobody names, deleted by `recover`. Stopped during a commit: `recover` rolls it forward (when the
 *   commit was recorded: the Hive format's intent, an Iceberg snapshot accepted by the catalog) or
 *   back (staged files deleted), never half of it.
 */
export interface TableFormat {
  /**
   * Hands a complete local file to the table under a name no reader lists, and removes the local
   * file (whether staging succeeds or not).
   */
  stage(localFile: string, target: DataFileTarget, rows: number): Promise<StagedFile>;

  /**
   * As `stage`, for a local file its encoder is still writing (`ScratchDir.writing`): a format that
   * can send a file while it grows (an object store's multipart upload) starts at once, so that
   * encoding and uploading overlap. Resolves once the file is whole and staged; when writing fails,
   * rejects with the encoder's error and stages nothing. Formats without it get the whole file.
   */
  stageWhileWritten?(file: WrittenFile, target: DataFileTarget, rows: number): Promise<StagedFile>;

  /**
   * Makes these staged files of one log partition visible together with each owner's position in
   * that partition (the next offset it lands), all or nothing. With no files, records the positions
   * alone (each one atomic, and safe to repeat).
   */
  commit(partition: number, files: readonly StagedFile[], positions: ReadonlyMap<string, number>): Promise<void>;

  /** Each of these owners' committed positions in these log partitions (a partition it never committed in is absent). */
  committedPositions(owners: readonly string[], partitions: ReadonlySet<number>): Promise<Map<string, Positions>>;

  /**
   * Finishes or undoes what interrupted commits of these writers left in these log partitions, and
   * deletes their staged files that no commit names, except those in `keep` (the staged files of the
   * batch the caller is still landing, so that a retry does not stage them again).
   */
  recover(writers: readonly string[], partitions: readonly number[], keep?: ReadonlySet<string>): Promise<void>;

  /**
   * Once the writer holds these partitions, has recovered them and knows each owner's position there
   * (`committed`, per owner): what the format does on taking partitions over (Hive: records start
   * positions, sweeps merged files past their grace).
   */
  claimed?(partitions: readonly number[], committed: ReadonlyMap<string, Positions>): Promise<void>;

  /**
   * After a batch's commits: merges small files where these files landed, in the log partitions the
   * writer holds; resolves to the number of files merged away. Never changes what readers count.
   */
  compact?(files: readonly StagedFile[], claimed: ReadonlySet<number>): Promise<number>;

  /**
   * Records what the format held back in these log partitions, which the writer holds (Iceberg: the
   * positions of owners without rows, which it records at most once a minute as it reads): once the
   * writer caught up with the log (`leaving` false: the format may hold back still, to bound what it
   * writes), and all of it before the writer lets them go (`leaving`: closing, a rebalance). Never
   * rejects: what it could not record stays where the tables have it, which is always safe.
   */
  settle?(partitions: readonly number[], leaving: boolean): Promise<void>;

  /** Frees what the format holds (a catalog connection); the storage is the writer's. */
  close?(): Promise<void>;
}

/** What a table format is built from: the writer's lake, scratch dir and Parquet encoder. */
export interface TableFormatContext {
  storage: LakeStorage;
  scratch: ScratchDir;
  target: WriterTarget;
  parquet: ParquetWriter;
  compaction: CompactionPolicy;
  /** Whether small files of open days may be merged by the Hive format's `_merged/` swap. */
  swapCompact: boolean;
}

/** Builds a writer's table format: the command's choice (`Deployment.tableFormat`), injected into `LakeWriter.open`. */
export type TableFormatFactory = (context: TableFormatContext) => TableFormat | Promise<TableFormat>;
