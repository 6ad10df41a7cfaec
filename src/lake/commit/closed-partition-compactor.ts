import type { DuckDBInstance } from '@duckdb/node-api';
import { GamepipeError } from '../../errors.js';
import type { TableSpec } from '../../events/tables.js';
import { sqlString } from '../../util/duckdb-sql.js';
import { dateFiles, datePartitionDirs, generationDir, generationsOf, type Generation } from '../lake-files.js';
import { dataFileName, parseDataFileName, type CommittedFile } from '../lake-paths.js';
import type { ParquetWriter } from '../parquet/parquet-writer.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import { LakeCommitter, type FileMove } from './lake-committer.js';

export interface ClosedPartitionPolicy {
  /** A UTC day's partition is closed this long after the day ended: events for it are late from then on. */
  latenessMs: number;
  /** Compacted files are cut at about this size. */
  targetFileBytes: number;
  /** An older generation stays this long after readers were switched off it, for queries planned on it. */
  graceMs: number;
}

export const defaultClosedPartitionPolicy: ClosedPartitionPolicy = {
  latenessMs: 60 * 60_000,
  targetFileBytes: 128 * 1024 * 1024,
  graceMs: 5 * 60_000,
};

/** Where an engine reads a date partition from: the table registry (`TableRegistry` has these two methods). */
export interface PartitionLocations {
  partitionDir(spec: TableSpec, dateDir: string): Promise<string | undefined>;
  switchPartition(spec: TableSpec, dateDir: string, to: string, from: string): Promise<void>;
}

export interface ClosedPartitionCompaction {
  storage: LakeStorage;
  parquet: ParquetWriter;
  /** A scratch directory of its own (its prefix used by no writer): recovery clears this process's files in it. */
  scratch: ScratchDir;
  locations: PartitionLocations;
  policy?: ClosedPartitionPolicy;
  now?: () => number;
}

export interface ClosedPartitionOutcome {
  dateDir: string;
  /** The generation compacted into, when this run compacted the partition. */
  generation?: number;
  filesBefore?: number;
  filesAfter?: number;
  rows?: number;
  /** Readers were moved to the current generation by this run (after a compaction, or to finish one a crash interrupted). */
  switched: boolean;
  /** Files of older generations deleted (their grace period over). */
  deleted: number;
}

/** Written in a generation's directory once readers are on it; hidden from every engine (`_`). */
const SWITCHED_MARK = '_switched.json';
const DAY_MS = 86_400_000;

/** `dt=2026-11-28` is closed once its UTC day, plus the lateness, is over. */
export function isClosedDatePartition(dateDir: string, now: number, latenessMs: number): boolean {
  const day = Date.parse(`${dateDir.split('/').at(-1)!.slice(3)}T00:00:00Z`);
  return Number.isFinite(day) && day + DAY_MS + latenessMs <= now;
}

/** The committer's writer name for one date partition's compactions: one intent at a time per partition. */
const compactorName = (dateDir: string) => `compact~${dateDir.replaceAll('/', '~')}`;

/** Runs of one log partition's files in log order, each adding up to at most the target size. */
function runsOf(files: CommittedFile[], targetBytes: number): CommittedFile[][] {
  const runs: CommittedFile[][] = [];
  for (const file of files) {
    const run = runs.at(-1);
    const bytes = run?.reduce((sum, f) => sum + f.size, 0) ?? 0;
    if (run && run[0]!.partition === file.partition && bytes + file.size <= targetBytes) run.push(file);
    else runs.push([file]);
  }
  return runs;
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/**
 * Compacts the closed date partitions of these tables, one partition at a time, so that a reader
 * of the table never counts a row twice or misses one:
 *   1. generation n+1: every file the partition's readers see now, merged into files of about the
 *      target size under `<dt dir>/_gen-<n+1>/` (each named by the whole offset range it holds),
 *      staged then moved by one committer intent, so a crash leaves nothing half-done; the row
 *      totals of the new files are checked against the old ones' Parquet footers first;
 *   2. readers switched: the metastore's partition location moves to the new directory in one
 *      `alter_partition`, refused if another process moved it meanwhile (DuckDB's listing needs no
 *      switch: the new files' offset ranges hide the old ones);
 *   3. after the grace period, the older generations' files that the new ones hold are deleted.
 * A run interrupted between 1 and 2 is finished by the next run (or by `tables create`). A late
 * file written into an older generation is never deleted: it stays visible to DuckDB, and the next
 * run compacts it into a newer generation for everyone.
 */
export async function compactClosedPartitions(
  compaction: ClosedPartitionCompaction,
  specs: TableSpec[],
  tableDirs: (spec: TableSpec) => string[],
): Promise<ClosedPartitionOutcome[]> {
  const policy = compaction.policy ?? defaultClosedPartitionPolicy;
  const now = compaction.now ?? Date.now;
  const outcomes: ClosedPartitionOutcome[] = [];
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const duckdb = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '128MB' });
  try {
    for (const spec of specs) {
      for (const tableDir of tableDirs(spec)) {
        for (const dateDir of await datePartitionDirs(compaction.storage, tableDir)) {
          if (!isClosedDatePartition(dateDir, now(), policy.latenessMs)) continue;
          const outcome = await compactDatePartition(compaction, policy, now, duckdb, spec, dateDir);
          if (outcome.generation !== undefined || outcome.switched || outcome.deleted > 0) outcomes.push(outcome);
        }
      }
    }
  } finally {
    duckdb.closeSync();
  }
  return outcomes;
}

async function compactDatePartition(
  compaction: ClosedPartitionCompaction,
  policy: ClosedPartitionPolicy,
  now: () => number,
  duckdb: DuckDBInstance,
  spec: TableSpec,
  dateDir: string,
): Promise<ClosedPartitionOutcome> {
  const { storage, locations } = compaction;
  const committer = new LakeCommitter(storage, compactorName(dateDir), compaction.scratch);
  await committer.recover([compactorName(dateDir)], [0]);
  const outcome: ClosedPartitionOutcome = { dateDir, switched: false, deleted: 0 };
  let current = (await generationsOf(storage, dateDir)).at(-1)!;
  // Asked first, so that a registry that cannot switch refuses before anything is written.
  let readFrom = await locations.partitionDir(spec, dateDir);
  outcome.switched = await finishSwitch(compaction, spec, dateDir, current, readFrom);
  if (outcome.switched && readFrom !== undefined) readFrom = current.dir;

  const visible = await dateFiles(storage, dateDir);
  const runs = runsOf(visible, policy.targetFileBytes);
  if (visible.some((f) => dirOf(f.path) !== current.dir) || runs.length < visible.length) {
    const next: Generation = {
      generation: current.generation + 1,
      dir: generationDir(dateDir, current.generation + 1),
    };
    const rows = await writeGeneration(compaction, committer, duckdb, spec, next, runs);
    Object.assign(outcome, { generation: next.generation, filesBefore: visible.length, filesAfter: runs.length, rows });
    outcome.switched = await finishSwitch(compaction, spec, dateDir, next, readFrom);
    current = next;
  }
  outcome.deleted = await deleteOlderGenerations(storage, policy, now(), dateDir, current);
  return outcome;
}

/** Moves readers to generation `current` unless they are on it, and marks it switched; true when either was needed. */
export async function finishSwitch(
  compaction: Pick<ClosedPartitionCompaction, 'storage' | 'locations' | 'now'>,
  spec: TableSpec,
  dateDir: string,
  current: Generation,
  readFrom: string | undefined,
): Promise<boolean> {
  if (current.generation === 0) return false;
  let switched = false;
  if (readFrom !== undefined && readFrom !== current.dir) {
    await compaction.locations.switchPartition(spec, dateDir, current.dir, readFrom);
    switched = true;
  }
  if (!(await compaction.storage.stat(`${current.dir}/${SWITCHED_MARK}`))) {
    await compaction.storage.replace(
      `${current.dir}/${SWITCHED_MARK}`,
      Buffer.from(JSON.stringify({ switchedMs: (compaction.now ?? Date.now)() })),
    );
    switched = true;
  }
  return switched;
}

/** Merges each run into one file of the new generation and commits them all in one intent; returns the rows. */
async function writeGeneration(
  compaction: ClosedPartitionCompaction,
  committer: LakeCommitter,
  duckdb: DuckDBInstance,
  spec: TableSpec,
  next: Generation,
  runs: CommittedFile[][],
): Promise<number> {
  const { storage, parquet, scratch } = compaction;
  const moves: FileMove[] = [];
  let rows = 0;
  try {
    for (const run of runs) {
      const sources = await Promise.all(run.map((f) => scratch.localCopy(storage, f.path)));
      const merged = scratch.newPath();
      try {
        await parquet.merge(
          merged,
          spec,
          sources.map((s) => s.path),
        );
        const [before, after] = [
          await footerRows(
            duckdb,
            sources.map((s) => s.path),
          ),
          await footerRows(duckdb, [merged]),
        ];
        if (before !== after) {
          throw new GamepipeError(
            'LAKE_ERROR',
            `compacting ${run.map((f) => f.path).join(', ')} gave ${after} rows instead of ${before}: nothing was changed`,
          );
        }
        rows += after;
      } catch (error) {
        scratch.remove(merged);
        throw error;
      } finally {
        for (const source of sources) source.release();
      }
      moves.push({
        from: await committer.stage(merged, 0),
        to: `${next.dir}/${dataFileName(run[0]!.partition, run[0]!.firstOffset, run.at(-1)!.lastOffset)}`,
      });
    }
  } catch (error) {
    for (const move of moves) await storage.delete(move.from);
    throw error;
  }
  await committer.commit(0, moves, new Map());
  return rows;
}

/** The rows the Parquet footers of these local files declare. */
async function footerRows(duckdb: DuckDBInstance, paths: string[]): Promise<number> {
  const connection = await duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata([${paths.map(sqlString).join(', ')}])`,
    );
    return Number(reader.getRows()[0]![0]);
  } finally {
    connection.closeSync();
  }
}

/** Once the grace period after the switch is over: deletes the older generations' files that the current one holds. */
async function deleteOlderGenerations(
  storage: LakeStorage,
  policy: ClosedPartitionPolicy,
  now: number,
  dateDir: string,
  current: Generation,
): Promise<number> {
  const mark = await storage.read(`${current.dir}/${SWITCHED_MARK}`);
  if (current.generation === 0 || mark === null) return 0;
  if (now - (JSON.parse(mark.toString()) as { switchedMs: number }).switchedMs < policy.graceMs) return 0;
  let deleted = 0;
  for (const older of (await generationsOf(storage, dateDir)).filter((g) => g.generation < current.generation)) {
    const entries = (await storage.list(older.dir)).filter((e) => !e.isDirectory && parseDataFileName(e.name) !== null);
    // Listed after the entries: a late file written meanwhile is either not among them or seen here.
    const visible = new Set((await dateFiles(storage, dateDir)).map((f) => f.path));
    // A file still visible is a late one nothing holds yet: it stays, for the next run to compact.
    for (const entry of entries.filter((e) => !visible.has(e.path))) {
      if (await storage.delete(entry.path)) deleted++;
    }
  }
  return deleted;
}
