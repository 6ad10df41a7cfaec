import { deadLetterSpec, tableSpecs, type TableSpec } from '../../events/tables.js';
import { filesIn, splitMerged } from '../lake-files.js';
import { dataFileName, MERGED_DIR, parseDataFileName, type CommittedFile } from '../lake-paths.js';
import type { ParquetWriter } from '../parquet/parquet-writer.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import type { FileMove, LakeCommitter } from './lake-committer.js';

export interface CompactionPolicy {
  /** A file under this size is small; a merged file this size or more is never merged again while its day is open. */
  smallFileBytes: number;
  /** Adjacent small files wait until their sizes add up to this, then are merged into one file. */
  targetFileBytes: number;
  /** ...or until this many wait, whatever their sizes: so a date and log partition holds fewer than this many waiting files per size tier. */
  minFiles: number;
  /** Merged-away files stay hidden this long so that queries that listed them before can finish. */
  graceMs: number;
}

/**
 * Sized for a trickle, where a file per batch (250 ms) holds about 50 rows: such a file takes about
 * twice the bytes of the same rows inside a large file (its footer alone is 3 KiB), so writing a
 * row small and merging it once already writes ~2.9 times the bytes kept. Batch files merge 30 at
 * a time (at 200 events/s: 30 files of 11 KiB into one of 0.2 MiB, every 7.5 s), and those 30 at a
 * time into files of about 5 MiB, which are not small: each row is written three times while its
 * day is open (~3.9 times the bytes kept over a day, where runs of ten merged again tier after
 * tier wrote ~6 times), a partition holds at most 29 waiting files of each tier, and a day about
 * 400 files. Merging once only (smallFileBytes under the first merge's size) writes ~2.9 times but
 * leaves a file per run of batch files for every query of the open day to open: with one merge,
 * the waiting files times the day's files is the day's batch count (345,600 at 250 ms).
 */
export const defaultCompaction: CompactionPolicy = {
  smallFileBytes: 4 * 1024 * 1024,
  targetFileBytes: 64 * 1024 * 1024,
  minFiles: 30,
  graceMs: 5 * 60_000,
};

/** The table a directory such as `events_buy/dt=2026-11-28` belongs to. */
const specOf = (dir: string): TableSpec => tableSpecs.find((t) => t.table === dir.split('/')[0]) ?? deadLetterSpec;

/**
 * Runs of adjacent small files of one log partition and of one size tier (each within a factor of
 * √minFiles of the run's mean size) that are full: they hold minFiles files, or the next file would
 * take them past the target size (a full run is merged however few its files). Tiers keep a
 * merged file out of the next run of batch-sized files (a merge of minFiles 50-row files is about
 * minFiles / 2 times one of them, their footers being half their bytes), so a row is rewritten
 * once per tier, not once per merge; files sized right at first write are never rewritten. The
 * mean, not the first file, sets the tier: a batch that caught up after a merge is several times
 * the size of the next ones, and a run cut there would never fill.
 */
function smallRuns(files: CommittedFile[], policy: CompactionPolicy): CommittedFile[][] {
  const runs: CommittedFile[][] = [];
  let run: CommittedFile[] = [];
  let runBytes = 0;
  const tierFactor = Math.max(2, Math.sqrt(policy.minFiles));
  const close = (full: boolean) => {
    if (run.length >= policy.minFiles || (full && run.length > 1)) runs.push(run);
    run = [];
    runBytes = 0;
  };
  const sameTier = (file: CommittedFile) => {
    const mean = runBytes / run.length;
    return file.size <= mean * tierFactor && file.size * tierFactor >= mean;
  };
  for (const file of files) {
    const small = file.size < policy.smallFileBytes;
    if (!small || (run.length > 0 && (run[0]!.partition !== file.partition || !sameTier(file)))) close(false);
    else if (runBytes + file.size > policy.targetFileBytes) close(true);
    if (!small) continue;
    run.push(file);
    runBytes += file.size;
  }
  close(false);
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
          merged = await this.scratch.write((path) =>
            this.parquet.merge(
              path,
              specOf(dir),
              sources.map((s) => s.path),
            ),
          );
        } finally {
          for (const source of sources) source.release();
        }
        const moves: FileMove[] = [
          {
            from: await this.committer.stage(merged, partition),
            to: `${dir}/${dataFileName(partition, run[0]!.firstOffset, run.at(-1)!.lastOffset)}`,
          },
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
        if (partition !== undefined && partitions.has(partition) && now - hiddenAt(entry.name) >= this.policy.graceMs)
          await this.storage.delete(entry.path);
      }
    }
  }
}
