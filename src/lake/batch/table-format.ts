import type { Positions } from '../../eventlog/event-log.js';
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
 * The first implementation is `HiveTableFormat` (Hive external tables on the lake's directories:
 * staged files renamed into `dt=` directories under a write-ahead intent, positions in
 * `_positions/`). An Iceberg implementation would stage data files under the table's location,
 * commit them as one snapshot to its catalog with the positions in the snapshot summary, and read
 * the positions back from the current snapshot.
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
  stage(localFile: string, target: DataFileTarget): Promise<StagedFile>;

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
}
