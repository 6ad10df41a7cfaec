import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterSpec, tableSpecs, type TableSpec } from '../events/tables.js';
import { filesIn, splitMerged } from '../lake/lake-files.js';
import { dataFileName, type CommittedFile } from '../lake/lake-paths.js';
import type { ParquetWriter } from '../lake/parquet/parquet-writer.js';
import type { FileMove, LakeCommitter } from './lake-committer.js';

export interface CompactionPolicy {
  /** A file under this size is small. */
  smallFileBytes: number;
  /** A merge stops adding files once their sizes add up to this. */
  targetFileBytes: number;
  /** Merge once this many adjacent small files wait in one date and log partition. */
  minFiles: number;
  /** Merged-away files stay this long (hidden from new queries) so that running queries can finish. */
  graceMs: number;
}

export const defaultCompaction: CompactionPolicy = { smallFileBytes: 8 * 1024 * 1024, targetFileBytes: 64 * 1024 * 1024, minFiles: 10, graceMs: 5 * 60_000 };

/** The table a directory such as `events_buy/dt=2026-11-28` belongs to. */
const specOf = (dir: string): TableSpec => {
  const table = dir.split(/[\\/]/)[0];
  return tableSpecs.find((t) => t.table === table) ?? deadLetterSpec;
};

/** Runs of adjacent small files of one log partition, each adding up to at most the target size. */
function smallRuns(root: string, files: CommittedFile[], policy: CompactionPolicy): CommittedFile[][] {
  const runs: CommittedFile[][] = [];
  let run: CommittedFile[] = [];
  let runBytes = 0;
  const close = () => {
    if (run.length >= policy.minFiles) runs.push(run);
    run = [];
    runBytes = 0;
  };
  for (const file of files) {
    const bytes = statSync(join(root, file.path)).size;
    const small = bytes < policy.smallFileBytes;
    if (!small || (run.length > 0 && run[0]!.partition !== file.partition) || runBytes + bytes > policy.targetFileBytes) close();
    if (!small) continue;
    run.push(file);
    runBytes += bytes;
  }
  close();
  return runs;
}

/**
 * Keeps a table from becoming a flood of tiny files: a stream writer with a short trigger writes a
 * file per batch, and this merges runs of adjacent small ones into one file named by their whole
 * offset range, committed like any batch. Queries skip files inside another's range at once; the
 * merged-away files are deleted after the grace period. Positions are unchanged by construction.
 */
export class Compactor {
  constructor(
    private readonly root: string,
    private readonly parquet: ParquetWriter,
    private readonly committer: LakeCommitter,
    private readonly policy: CompactionPolicy,
  ) {}

  /** Merges small files in the given date-partition directories; returns how many files were merged away. */
  async compact(dirs: Iterable<string>): Promise<number> {
    const moves: FileMove[] = [];
    let mergedAway = 0;
    for (const dir of dirs) {
      for (const run of smallRuns(this.root, splitMerged(filesIn(this.root, dir)).visible, this.policy)) {
        const tmp = this.committer.tempPath();
        await this.parquet.merge(tmp, specOf(dir), run.map((f) => join(this.root, f.path)));
        moves.push({ tmp, final: join(dir, dataFileName(run[0]!.partition, run[0]!.firstOffset, run.at(-1)!.lastOffset)) });
        mergedAway += run.length;
      }
    }
    await this.committer.commit(moves);
    return mergedAway;
  }

  /** Deletes merged-away files whose grace period is over, in the given date-partition directories. */
  sweep(dirs: Iterable<string>, now = Date.now()): void {
    for (const dir of dirs) {
      for (const { file, into } of splitMerged(filesIn(this.root, dir)).merged) {
        if (now - statSync(join(this.root, into.path)).mtimeMs >= this.policy.graceMs) rmSync(join(this.root, file.path), { force: true });
      }
    }
  }
}
