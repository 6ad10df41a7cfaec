import { statSync } from 'node:fs';
import { GamepipeError } from '../../errors.js';
import { deadLetterSpec } from '../../events/tables.js';
import type { CompactionPolicy } from '../../lake/commit/compactor.js';
import type { ParquetWriter } from '../../lake/parquet/parquet-writer.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import type { ScratchDir } from '../../lake/storage/local/scratch-dir.js';
import type { LiveDataFile } from '../data-file.js';
import type { IcebergTable } from '../iceberg-table.js';
import { type GamepipeTable, icebergDataPath, parseIcebergDataPath, tableOfDir } from './gamepipe-tables.js';

/** One log partition's files of one date partition of one table (and one owner, for dead letters). */
interface Group {
  table: GamepipeTable;
  dt: string;
  partition: number;
  owner?: string;
}

/** A committed file, as the compaction counts it. */
export interface CommittedDataFile {
  table: string;
  owner: string;
  dt: string;
  partition: number;
}

/** Why a replace is given up for now: another commit (Trino's optimize, DELETE) changed the files; planned again later. */
const retryLater = new Set(['ICEBERG_REPLACE_STALE', 'ICEBERG_COMMIT_CONFLICT', 'ICEBERG_ERROR']);

/**
 * Open-day compaction of Iceberg tables by the writer that committed the files: once `minFiles`
 * files have landed in a date and log partition since it last looked, its small files (under
 * `smallFileBytes`, gamepipe's own: Trino's are left to Trino) are merged into one, committed as
 * a `replace` snapshot. The snapshot is the swap: every reader (Trino included) sees the old files or
 * the merged one, never both and never neither, so no grace period and no `_merged/` directory.
 * Bounded whatever the trigger: a date and log partition holds fewer than 2 × minFiles small files
 * (the count restarts with the writer), plus files of at least smallFileBytes. A replace that lost
 * to another commit of those files is refused by the table (ICEBERG_REPLACE_STALE) and planned
 * again after the next files land; it never fails the writer.
 */
export class OpenDayCompaction {
  private readonly waiting = new Map<string, { group: Group; files: number }>();

  constructor(
    private readonly storage: LakeStorage,
    private readonly parquet: ParquetWriter,
    private readonly scratch: ScratchDir,
    private readonly policy: CompactionPolicy,
    private readonly tableOf: (table: GamepipeTable) => Promise<IcebergTable>,
  ) {}

  /** Counts committed files, then merges the groups due among the log partitions held; the number of files merged away. */
  async afterCommit(files: readonly CommittedDataFile[], claimed: ReadonlySet<number>): Promise<number> {
    for (const file of files) {
      const table = tableOfDir(file.table);
      const owner = table.spec === deadLetterSpec ? file.owner : undefined;
      const key = `${table.dir}|${file.dt}|${file.partition}|${owner ?? ''}`;
      const entry = this.waiting.get(key) ?? {
        group: { table, dt: file.dt, partition: file.partition, owner },
        files: 0,
      };
      entry.files++;
      this.waiting.set(key, entry);
    }
    let merged = 0;
    for (const [key, entry] of this.waiting) {
      if (entry.files < this.policy.minFiles || !claimed.has(entry.group.partition)) continue;
      const count = await this.compact(entry.group);
      if (count !== undefined) this.waiting.delete(key);
      merged += count ?? 0;
    }
    return merged;
  }

  /** Merges the group's small files; undefined when the replace must be planned again later. */
  private async compact(group: Group): Promise<number | undefined> {
    const table = await this.tableOf(group.table);
    const small = (await table.liveDataFiles())
      .filter((f) => f.partition.dt === group.dt && f.sizeBytes < this.policy.smallFileBytes && inGroup(f, group))
      .sort((a, b) => parseIcebergDataPath(a.path)!.firstOffset - parseIcebergDataPath(b.path)!.firstOffset);
    if (small.length < 2) return 0;
    const copies: { path: string; release(): void }[] = [];
    let merged: string | undefined;
    try {
      for (const f of small) copies.push(await this.scratch.localCopy(this.storage, f.path));
      merged = await this.scratch.write((out) =>
        this.parquet.merge(
          out,
          group.table.spec,
          copies.map((c) => c.path),
        ),
      );
      const names = small.map((f) => parseIcebergDataPath(f.path)!);
      const firstOffset = Math.min(...names.map((n) => n.firstOffset));
      const lastOffset = Math.max(...names.map((n) => n.lastOffset));
      const path = icebergDataPath({
        dir: group.owner ? `${group.table.dir}/${group.owner}` : group.table.dir,
        dt: `dt=${group.dt}`,
        partition: group.partition,
        firstOffset,
        lastOffset,
      });
      const sizeBytes = statSync(merged).size;
      await this.storage.upload(merged, path);
      await table.replace(
        small.map((f) => f.path),
        [
          {
            path,
            sizeBytes,
            recordCount: small.reduce((n, f) => n + f.recordCount, 0),
            partition: { dt: group.dt },
            bounds: { log_offset: { lower: firstOffset, upper: lastOffset } },
          },
        ],
      );
      return small.length;
    } catch (error) {
      if (error instanceof GamepipeError && retryLater.has(error.code)) {
        await table.refresh();
        return undefined;
      }
      throw error;
    } finally {
      for (const c of copies) c.release();
      if (merged) this.scratch.remove(merged);
    }
  }
}

/** Whether a live file is gamepipe's, of the group's log partition (and owner, for dead letters). */
function inGroup(file: LiveDataFile, group: Group): boolean {
  const name = parseIcebergDataPath(file.path);
  return name !== null && name.partition === group.partition && name.owner === group.owner;
}
