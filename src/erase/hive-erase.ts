import { copyFileSync, readFileSync } from 'node:fs';
import { GamepipeError, isGamepipeError } from '../errors.js';
import type { TableSpec } from '../events/tables.js';
import {
  defaultClosedPartitionPolicy,
  finishSwitch,
  isClosedDatePartition,
  type PartitionLocations,
} from '../lake/commit/closed-partition-compactor.js';
import { LakeCommitter, type FileMove } from '../lake/commit/lake-committer.js';
import { dateFiles, datePartitionDirs, generationDir, generationsOf } from '../lake/lake-files.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import type { PlayerRows } from './player-rows.js';
import { parquetFilesUnder } from './parquet-files-under.js';

export interface HiveErasure {
  storage: LakeStorage;
  rows: PlayerRows;
  scratch: ScratchDir;
  /** The table registry: where an engine reads each date partition, and the switch to a new generation. */
  locations: PartitionLocations;
  /** Whether date partitions may move to a new generation (`deploymentOf(config).compaction.closedDays`). */
  generations: boolean;
  pseudonym: string;
  now?: () => number;
}

/** What the erasure did in one date partition. */
export interface PartitionErased {
  dateDir: string;
  rows: number;
  how: 'generation' | 'in place' | 'hidden copies';
  deleted: number;
}

const erasureName = (dateDir: string) => `erase~${dateDir.replaceAll('/', '~')}`;
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Pseudonymises the player's rows in every date partition of these Hive table directories, so that
 * a reader never sees a row twice or misses one:
 * - a partition whose readers can be switched (DuckDB's listing on any day; a metastore's partition
 *   location on a closed day) gets a new generation holding every file it reads now, under the same
 *   names (the same offsets), the player's rewritten; the metastore is switched to it in one step,
 *   and DuckDB reads the newer generation's file of two with the same offsets;
 * - the open day under a metastore (Trino, Presto) is rewritten in place, file by file, each by an
 *   atomic replace: writers add that day's next files to the `dt=` directory itself, which a switched
 *   location would hide from Trino until the day is compacted. Each file keeps its rows, so no
 *   figure changes; for the seconds this takes a query may see some of the player's rows renamed
 *   and some not;
 * - then every file of the partition the readers no longer see that holds the player's rows (older
 *   generations, `_merged/`) is deleted at once, without the compactor's grace period: a query
 *   planned on them fails rather than reading them.
 * The caller holds the writers' leases. A run stopped anywhere is finished by the next: a
 * committed generation not switched yet is switched first, and rows already pseudonymised are not
 * found again.
 */
export async function eraseFromHiveTable(
  erasure: HiveErasure,
  spec: TableSpec,
  tableDir: string,
): Promise<PartitionErased[]> {
  const done: PartitionErased[] = [];
  for (const dateDir of await datePartitionDirs(erasure.storage, tableDir)) {
    const outcome = await eraseFromDatePartition(erasure, spec, dateDir);
    if (outcome) done.push(outcome);
  }
  return done;
}

/** Where readers read the partition, or 'unknown' when the registry cannot tell (no metastore behind Trino). */
async function readersDir(
  erasure: HiveErasure,
  spec: TableSpec,
  dateDir: string,
): Promise<string | undefined | 'unknown'> {
  try {
    return await erasure.locations.partitionDir(spec, dateDir);
  } catch (error) {
    if (isGamepipeError(error) && error.code === 'CONFIG_INVALID') return 'unknown';
    throw error;
  }
}

async function eraseFromDatePartition(
  erasure: HiveErasure,
  spec: TableSpec,
  dateDir: string,
): Promise<PartitionErased | undefined> {
  const { storage, scratch, rows } = erasure;
  const now = erasure.now ?? Date.now;
  const committer = new LakeCommitter(storage, erasureName(dateDir), scratch);
  await committer.recover([erasureName(dateDir)], [0]);
  const compaction = { storage, locations: erasure.locations, now };
  const current = (await generationsOf(storage, dateDir)).at(-1)!;
  let readFrom = await readersDir(erasure, spec, dateDir);
  if (current.generation > 0 && readFrom !== 'unknown') {
    // A run stopped between its commit and its switch: readers go to the generation it wrote first.
    if (await finishSwitch(compaction, spec, dateDir, current, readFrom)) readFrom &&= current.dir;
  }

  const counts = new Map<string, number>();
  for (const path of await parquetFilesUnder(storage, dateDir)) {
    const copy = await scratch.localCopy(storage, path);
    try {
      counts.set(path, await rows.count(spec, copy.path));
    } finally {
      copy.release();
    }
  }
  const visible = await dateFiles(storage, dateDir);
  const hits = visible.filter((f) => (counts.get(f.path) ?? 0) > 0);
  const outcome: PartitionErased = { dateDir, rows: 0, how: 'hidden copies', deleted: 0 };
  if (hits.length > 0) {
    outcome.rows = hits.reduce((n, f) => n + counts.get(f.path)!, 0);
    const closed = isClosedDatePartition(dateDir, now(), defaultClosedPartitionPolicy.latenessMs);
    if (erasure.generations && readFrom !== 'unknown' && (readFrom === undefined || closed)) {
      const next = { generation: current.generation + 1, dir: generationDir(dateDir, current.generation + 1) };
      const moves: FileMove[] = [];
      for (const file of visible) {
        const local = await pseudonymisedCopy(erasure, spec, file.path, counts.get(file.path)! > 0);
        moves.push({ from: await committer.stage(local, 0), to: `${next.dir}/${baseName(file.path)}` });
      }
      await committer.commit(0, moves, new Map());
      await finishSwitch(compaction, spec, dateDir, next, readFrom);
      outcome.how = 'generation';
    } else {
      for (const file of hits) {
        const local = await pseudonymisedCopy(erasure, spec, file.path, true);
        try {
          await storage.replace(file.path, readFileSync(local));
        } finally {
          scratch.remove(local);
        }
      }
      outcome.how = 'in place';
      for (const file of hits) counts.set(file.path, 0);
    }
  }
  // Whatever readers no longer see and still holds the player's rows: older generations, merged-away files.
  const nowVisible = new Set((await dateFiles(storage, dateDir)).map((f) => f.path));
  for (const [path, count] of counts) {
    if (count === 0 || nowVisible.has(path)) continue;
    if (await storage.delete(path)) outcome.deleted++;
  }
  if (outcome.rows === 0 && outcome.deleted === 0) return undefined;
  return outcome;
}

/** A local scratch file with the lake file's rows, the player's pseudonymised (a plain copy when it holds none). */
async function pseudonymisedCopy(erasure: HiveErasure, spec: TableSpec, path: string, hit: boolean): Promise<string> {
  const source = await erasure.scratch.localCopy(erasure.storage, path);
  try {
    return await erasure.scratch.write(async (target) => {
      if (hit) await erasure.rows.rewrite(spec, source.path, target, erasure.pseudonym);
      else copyFileSync(source.path, target);
    });
  } catch (error) {
    throw new GamepipeError('LAKE_ERROR', `could not rewrite ${path}: nothing of it was changed`, { cause: error });
  } finally {
    source.release();
  }
}
