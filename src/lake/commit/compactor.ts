import { deadLetterSpec, tableSpecs, type TableSpec } from '../../events/tables.js';
import { filesIn, splitMerged } from '../lake-files.js';
import { dataFileName, MERGED_DIR, parseDataFileName, type CommittedFile } from '../lake-paths.js';
import type { ParquetWriter } from '../parquet/parquet-writer.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import type { FileMove, LakeCommitter } from './lake-committer.js';

export interface CompactionPolicy {
  /** A file under this size is small. */
  smallFileBytes: number;
  /** A merge stops adding files once their sizes add up to this. */
  targetFileBytes: number;
  /** Merge once this many adjacent small files wait in one date and log partition. */
  minFiles: number;
  /** Merged-away files stay hidden this long so that queries that listed them before can finish. */
  graceMs: number;
}

export const defaultCompaction: CompactionPolicy = { smallFileBytes: 8 * 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 10, graceMs: 5 * 60_000 };

/** The table a directory such as `events_buy/dt=2026-11-28` belongs to. */
const specOf = (dir: string): TableSpec => tableSpecs.find((t) => t.table === dir.split('/')[0]) ?? deadLetterSpec;

/**
 * Runs of adjacent small files of one log partition and of one size tier (sizes within a factor
 * of minFiles / 2 of the run's first), each adding up to at most the target size. Tiers keep a
 * merged file out of the next run of batch-sized files, so a row is rewritten once per tier (a
 * handful of times), not once per merge; files sized right at first write are never rewritten.
 */
function smallRuns(files: CommittedFile[], policy: CompactionPolicy): CommittedFile[][] {
  const runs: CommittedFile[][] = [];
  let run: CommittedFile[] = [];
  let runBytes = 0;
  const tierFactor = Math.max(2, policy.minFiles / 2);
  const close = () => {
    if (run.length >= policy.minFiles) runs.push(run);
    run = [];
    runBytes = 0;
  };
  const sameTier = (file: CommittedFile) => file.size <= run[0]!.size * tierFactor && file.size * tierFactor >= run[0]!.size;
  for (const file of files) {
    const small = file.size < policy.smallFileBytes;
    if (!small || (run.length > 0 && (run[0]!.partition !== file.partition || !sameTier(file))) || runBytes + file.size > policy.targetFileBytes) close();
    if (!small) continue;
    run.push(file);
    runBytes += file.size;
  }
  close();
  return runs;
}

/** Renames keep a file's modification time, so the hidden name carries when it was hidden. */
const hiddenPath = (file: CommittedFile, now: number) => {
  const slash = file.path.lastIndexOf('/');
  return `${file.path.slice(0, slash)}/${MERGED_DIR}/${now}+${file.path.slice(slash + 1)}`;
};
const hiddenAt = (name: string) => Number(name.split('+')[0]);
/** The log partition of a hidden file (`<ms>+events+<partition>+…`): the writer holding it sweeps it. */
const hiddenPartition = (name: string) => parseDataFileName(name.slice(name.indexOf('+') + 1))?.partition;

/**
 * Keeps a table from becoming a flood of tiny files: a writer with a short trigger writes a file per
 * batch, and this merges runs of adjacent small ones into one file named by their whole offset
 * range. One commit moves the merged file into place and the merged-away files into the date
 * directory's hidden `_merged/`, so that a reader listing the directory (Trino, Hive, Spark,
 * gamepipe) counts each row once; they are deleted after the grace period. Positions are unchanged.
 */
export class Compactor {
  constructor(
    private readonly storage: LakeStorage,
    private readonly parquet: ParquetWriter,
    private readonly committer: LakeCommitter,
    private readonly scratch: ScratchDir,
    private readonly policy: CompactionPolicy,
  ) {}

  /**
   * Merges small files of the given log partitions (the writer's own: others may be merging theirs)
   * in the given date-partition directories, one commit per merge; returns how many files were merged away.
   */
  async compact(dirs: Iterable<string>, partitions: ReadonlySet<number>): Promise<number> {
    let mergedAway = 0;
    for (const dir of dirs) {
      const files = splitMerged(await filesIn(this.storage, dir)).visible.filter((f) => partitions.has(f.partition));
      for (const run of smallRuns(files, this.policy)) {
        const partition = run[0]!.partition;
        const sources = await Promise.all(run.map((f) => this.scratch.localCopy(this.storage, f.path)));
        let merged: string;
        try {
          merged = await this.scratch.write((path) => this.parquet.merge(path, specOf(dir), sources.map((s) => s.path)));
        } finally {
          for (const source of sources) source.release();
        }
        const moves: FileMove[] = [
          { from: await this.committer.stage(merged, partition), to: `${dir}/${dataFileName(partition, run[0]!.firstOffset, run.at(-1)!.lastOffset)}` },
          ...run.map((f) => ({ from: f.path, to: hiddenPath(f, Date.now()) })),
        ];
        await this.committer.commit(partition, moves, new Map());
        mergedAway += run.length;
      }
    }
    return mergedAway;
  }

  /**
   * Deletes merged-away files of the given log partitions (the writer's own) whose grace period is
   * over, in the given date-partition directories. Another writer's partition may still hold an
   * intent that moves a file into hiding: only its owner, after recovering it, sweeps there.
   */
  async sweep(dirs: Iterable<string>, partitions: ReadonlySet<number>, now = Date.now()): Promise<void> {
    for (const dir of dirs) {
      for (const entry of await this.storage.list(`${dir}/${MERGED_DIR}`)) {
        const partition = hiddenPartition(entry.name);
        if (partition !== undefined && partitions.has(partition) && now - hiddenAt(entry.name) >= this.policy.graceMs) await this.storage.delete(entry.path);
      }
    }
  }
}
