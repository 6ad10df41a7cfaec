import type { Positions } from '../../eventlog/event-log.js';
import type { DataFileTarget } from '../batch/routed-batch.js';
import type { StagedFile, TableFormat, TableFormatContext } from '../batch/table-format.js';
import { datePartitionDirs } from '../lake-files.js';
import { dataFileName } from '../lake-paths.js';
import { ownerDirs, ownersOf } from '../owners.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import { Compactor } from './compactor.js';
import { deleteReplaceLeftovers, LakeCommitter } from './lake-committer.js';
import { POSITIONS_DIR, positionName, recoverPositions } from './recover-positions.js';

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/** The Hive format of a stream writer: its committer, and its compactor for open days. */
export function hiveTableFormat(context: TableFormatContext): HiveTableFormat {
  const { storage, target, scratch, parquet } = context;
  const committer = new LakeCommitter(storage, target, scratch);
  const compactor = new Compactor(storage, parquet, committer, scratch, context.compaction);
  return new HiveTableFormat(storage, committer, ownersOf(target), { compactor, swapCompact: context.swapCompact });
}

/**
 * The table format of Hive external tables over the lake's directories, the first `TableFormat`:
 * a staged file waits under `_tmp/`, a commit is the committer's intent → renames → positions
 * (see LakeCommitter), and positions are `_positions/<owner>+<partition>.json`, or, if lost, one past
 * the highest offset in the committed files' names. Readers (DuckDB's views, a Hive metastore's
 * external tables) list the `dt=` directories, so a renamed file is visible at once.
 */
export class HiveTableFormat implements TableFormat {
  constructor(
    private readonly storage: LakeStorage,
    private readonly committer: LakeCommitter,
    /** The owners whose positions this writer records (a position's leftovers are cleared by its writer alone). */
    private readonly owners: readonly string[],
    /** A stream writer's: merges small files of open days (`swapCompact`: by the `_merged/` swap) and sweeps merged ones. */
    private readonly writing?: { compactor: Compactor; swapCompact: boolean },
  ) {}

  async stage(localFile: string, target: DataFileTarget): Promise<StagedFile> {
    return {
      partition: target.partition,
      staged: await this.committer.stage(localFile, target.partition),
      target: `${target.dir}/${target.dt}/${dataFileName(target.partition, target.firstOffset, target.lastOffset)}`,
    };
  }

  commit(partition: number, files: readonly StagedFile[], positions: ReadonlyMap<string, number>): Promise<void> {
    return this.committer.commit(
      partition,
      files.map((f) => ({ from: f.staged, to: f.target })),
      positions,
    );
  }

  async committedPositions(
    owners: readonly string[],
    partitions: ReadonlySet<number>,
  ): Promise<Map<string, Positions>> {
    const byOwner = new Map<string, Positions>();
    for (const owner of owners) byOwner.set(owner, await recoverPositions(this.storage, owner, partitions));
    return byOwner;
  }

  async recover(writers: readonly string[], partitions: readonly number[], keep?: ReadonlySet<string>): Promise<void> {
    await this.committer.recover(writers, partitions, keep);
    // A position's replace killed mid-way leaves a hidden temporary sibling: this writer alone writes these positions.
    for (const owner of this.owners)
      for (const p of partitions) await deleteReplaceLeftovers(this.storage, POSITIONS_DIR, positionName(owner, p));
  }

  /** Records start positions, then sweeps merged files of the owners' date directories past their grace. */
  async claimed(partitions: readonly number[], committed: ReadonlyMap<string, Positions>): Promise<void> {
    await this.recordStartPositions(partitions, committed);
    if (!this.writing) return;
    // Only after recovery: an intent rolled forward may still move files of these partitions into `_merged/`.
    const dateDirs = await Promise.all(
      this.owners.flatMap(ownerDirs).map((dir) => datePartitionDirs(this.storage, dir)),
    );
    await this.writing.compactor.sweep(dateDirs.flat(), new Set(partitions));
  }

  /**
   * Records where each owner starts in these partitions where no position is recorded yet: queries
   * read the log's tail of the owners a writer lands, known by their recorded positions (LogTail).
   */
  private async recordStartPositions(
    partitions: readonly number[],
    committed: ReadonlyMap<string, Positions>,
  ): Promise<void> {
    const recorded = new Set((await this.storage.list(POSITIONS_DIR)).map((e) => e.name));
    for (const partition of partitions) {
      const starts = new Map<string, number>();
      for (const [owner, positions] of committed) {
        if (!recorded.has(positionName(owner, partition))) starts.set(owner, positions.get(partition) ?? 0);
      }
      if (starts.size > 0) await this.commit(partition, [], starts);
    }
  }

  async compact(files: readonly StagedFile[], claimed: ReadonlySet<number>): Promise<number> {
    if (!this.writing) return 0;
    const touched = new Set(files.map((f) => dirOf(f.target)));
    const mergedFiles = this.writing.swapCompact ? await this.writing.compactor.compact(touched, claimed) : 0;
    await this.writing.compactor.sweep(touched, claimed);
    return mergedFiles;
  }
}
