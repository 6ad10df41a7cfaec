import type { Positions } from '../../eventlog/event-log.js';
import type { DataFileTarget } from '../batch/routed-batch.js';
import type { StagedFile, TableFormat } from '../batch/table-format.js';
import { dataFileName } from '../lake-paths.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import { deleteReplaceLeftovers, type LakeCommitter } from './lake-committer.js';
import { POSITIONS_DIR, positionName, recoverPositions } from './recover-positions.js';

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
}
