import { statSync } from 'node:fs';
import type { Positions } from '../../eventlog/event-log.js';
import { GamepipeError } from '../../errors.js';
import { logger } from '../../logger.js';
import type { DataFileTarget } from '../../lake/batch/routed-batch.js';
import type { StagedFile, TableFormat } from '../../lake/batch/table-format.js';
import type { CompactionPolicy } from '../../lake/commit/compactor.js';
import type { ParquetWriter } from '../../lake/parquet/parquet-writer.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import type { ScratchDir } from '../../lake/storage/local/scratch-dir.js';
import type { DataFile } from '../data-file.js';
import type { IcebergCatalog } from '../iceberg-catalog.js';
import { IcebergTable } from '../iceberg-table.js';
import {
  type GamepipeTable,
  icebergDataPath,
  ownerOfDir,
  positionKey,
  tableOfDir,
  tablesOfOwner,
} from './gamepipe-tables.js';
import { IdleOwnerPositions } from './idle-owner-positions.js';
import { MultiTableIntents, type TableCommit } from './multi-table-intent.js';
import { OpenDayCompaction } from './open-day-compaction.js';
import { WriterSnapshotExpiry } from './writer-snapshot-expiry.js';

/** A staged Iceberg data file: already at its final path, with what its manifest entry needs. */
export interface IcebergStagedFile extends StagedFile {
  table: string;
  owner: string;
  dataFile: DataFile;
}

export interface IcebergTableFormatOptions {
  storage: LakeStorage;
  catalog: IcebergCatalog;
  /** The catalog database (`config.schema`). */
  database: string;
  /** The stream writer (`buy`, `all`, …): names its intents. */
  writer: string;
  scratch: ScratchDir;
  /** Open-day compaction (the writer's Parquet encoder and policy); none: files are only appended. */
  compaction?: { parquet: ParquetWriter; policy: CompactionPolicy };
  now?: () => number;
}

/**
 * The Iceberg table format (see src/iceberg/README.md, "The write path"): a staged file is uploaded
 * straight to its data path (no reader opens it until a snapshot names it), a log partition's commit
 * is one append snapshot per table it touches, with each owner's position in the snapshot summary
 * (`gamepipe.positions`, key `<owner>+<partition>`), and positions are read back from the tables.
 * Rules on top of TableFormat's:
 * - a table commit is decided against the positions the table records at the moment of the swap:
 *   at or past the commit's positions, it already landed (nothing is added); at or before the
 *   batch's start, it is committed; in between, another writer committed these offsets and this one
 *   is fenced (LAKE_FENCED), whatever the leases said;
 * - a commit touching several tables writes an intent first, rolled forward by `recover`;
 * - an owner's position is the highest any of its tables records: a table is skipped by a commit
 *   that has no rows for it (an owner without rows records its position as IdleOwnerPositions says:
 *   riding along, at most once a minute, and when the writer settles), and the intent makes a partly
 *   applied commit whole before positions are read;
 * - staged files no snapshot names (a crash before the commit) are left to maintenance's orphan removal.
 */
export class IcebergTableFormat implements TableFormat {
  private readonly tables = new Map<string, IcebergTable>();
  /** Per position key, the highest position read or committed: where the next batch starts. */
  private readonly known = new Map<string, number>();
  /** Where owners without rows stand: what the tables record, and what this writer holds back. */
  private readonly idle: IdleOwnerPositions;
  private readonly intents: MultiTableIntents;
  private readonly compaction: OpenDayCompaction | undefined;
  private readonly expiry: WriterSnapshotExpiry;

  constructor(private readonly options: IcebergTableFormatOptions) {
    this.intents = new MultiTableIntents(options.storage);
    this.expiry = new WriterSnapshotExpiry(options.now);
    this.idle = new IdleOwnerPositions(options.now ?? Date.now);
    const { compaction, storage, scratch } = options;
    if (compaction)
      this.compaction = new OpenDayCompaction(storage, compaction.parquet, scratch, compaction.policy, (t) =>
        this.table(t),
      );
  }

  /** The table at `dir`, created (or its schema evolved to the code's) on first use. */
  async table(table: GamepipeTable): Promise<IcebergTable> {
    let open = this.tables.get(table.dir);
    if (!open) {
      const { storage, catalog, database, now } = this.options;
      open = await IcebergTable.create(
        { storage, catalog, ident: { database, table: table.dir }, dir: table.dir, now },
        table.spec,
      );
      this.tables.set(table.dir, open);
    }
    return open;
  }

  async stage(localFile: string, target: DataFileTarget, rows: number): Promise<StagedFile> {
    const path = icebergDataPath(target);
    try {
      const sizeBytes = statSync(localFile).size;
      await this.options.storage.upload(localFile, path);
      const staged: IcebergStagedFile = {
        partition: target.partition,
        staged: path,
        target: path,
        table: tableOfDir(target.dir).dir,
        owner: ownerOfDir(target.dir),
        dataFile: {
          path,
          sizeBytes,
          recordCount: rows,
          partition: { dt: target.dt.replace(/^dt=/, '') },
          bounds: { log_offset: { lower: target.firstOffset, upper: target.lastOffset } },
        },
      };
      return staged;
    } finally {
      this.options.scratch.remove(localFile);
    }
  }

  async commit(partition: number, files: readonly StagedFile[], positions: ReadonlyMap<string, number>): Promise<void> {
    const byTable = new Map<string, TableCommit>();
    for (const file of files as readonly IcebergStagedFile[]) {
      const key = positionKey(file.owner, partition);
      const next = positions.get(file.owner);
      if (next === undefined) throw new Error(`a file of ${file.owner} was committed without its position`);
      let commit = byTable.get(file.table);
      if (!commit) byTable.set(file.table, (commit = { dir: file.table, files: [], positions: {}, starts: {} }));
      commit.files.push(file.dataFile);
      commit.positions[key] = next;
      commit.starts[key] = this.known.get(key) ?? 0;
    }
    const own = this.idle.addPositionsOnly(partition, positions, byTable, (key) => this.known.get(key) ?? 0);
    const commits = [...byTable.values()];
    const intent =
      commits.length > 1
        ? await this.intents.write({ writer: this.options.writer, partition, tables: commits })
        : undefined;
    // With the intent written, the tables' snapshots are independent: taken together, not one after the other.
    const settled = await Promise.allSettled(commits.map((commit) => this.apply(commit)));
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    if (intent) await this.intents.remove(intent);
    this.idle.committed(partition, positions, byTable, own);
    // Positions with no file: the next batch starts there (see IdleOwnerPositions for when a table records them).
    for (const [owner, next] of positions) this.advance(positionKey(owner, partition), next);
  }

  /**
   * Records, in positions-only snapshots (one per table), the positions of owners without rows that
   * this writer held back in these partitions (see IdleOwnerPositions): once caught up with the log,
   * those last recorded a minute ago or more; `leaving`, all of them. Never rejects: a snapshot
   * that fails (fenced: another writer holds the partition now) leaves its positions where the
   * tables have them, which is safe, and says so in the log.
   */
  async settle(partitions: readonly number[], leaving: boolean): Promise<void> {
    const commits = this.idle.toRecord(partitions, leaving);
    const settled = await Promise.allSettled(commits.map((commit) => this.apply(commit)));
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') this.idle.recordedAlone(Object.keys(commits[i]!.positions));
      else
        logger.warn(
          { err: result.reason, table: commits[i]!.dir, writer: this.options.writer },
          'could not record the positions of owners without rows: they stay behind, and are read again from there',
        );
    });
    if (leaving) this.idle.forget(partitions);
  }

  /** One table's append, decided against what the table records at the swap (see the class rules). */
  private async apply(commit: TableCommit): Promise<void> {
    const table = await this.table(tableOfDir(commit.dir));
    await table.append(commit.files, {
      positions: commit.positions,
      decide: (recorded) => decide(commit, recorded),
    });
    for (const [key, next] of Object.entries(commit.positions)) {
      this.advance(key, next);
      this.idle.recordedAt(key, next);
    }
  }

  private advance(key: string, next: number): void {
    if ((this.known.get(key) ?? 0) < next) this.known.set(key, next);
  }

  async committedPositions(
    owners: readonly string[],
    partitions: ReadonlySet<number>,
  ): Promise<Map<string, Positions>> {
    const byOwner = new Map<string, Positions>();
    for (const owner of owners) {
      const found: Positions = new Map();
      for (const spec of tablesOfOwner(owner)) {
        const table = await this.table(spec);
        await table.refresh();
        const recorded = await table.positions();
        for (const p of partitions) {
          const value = recorded[positionKey(owner, p)];
          if (typeof value === 'number' && value > (found.get(p) ?? -1)) found.set(p, value);
        }
      }
      for (const p of partitions) {
        // What the tables say replaces what this writer believed: another writer may have moved on.
        this.known.delete(positionKey(owner, p));
        const at = found.get(p);
        if (at !== undefined) this.known.set(positionKey(owner, p), at);
        this.idle.read(positionKey(owner, p), at);
      }
      byOwner.set(owner, found);
    }
    return byOwner;
  }

  /**
   * Rolls forward the multi-table commits these writers left in these partitions. Staged files no
   * snapshot names are not deleted here: the batch is staged again under new names, and maintenance's
   * orphan removal (after its grace period) deletes the old ones, so a writer never deletes a file
   * another writer, or Trino, may still be committing.
   */
  async recover(writers: readonly string[], partitions: readonly number[]): Promise<void> {
    for (const writer of writers)
      for (const partition of partitions)
        for (const { path, intent } of await this.intents.pending(writer, partition)) {
          for (const commit of intent.tables) {
            try {
              await this.apply(commit);
            } catch (error) {
              // Another writer committed past this intent's start: it re-read these offsets itself.
              if (!(error instanceof GamepipeError && error.code === 'LAKE_FENCED')) throw error;
            }
          }
          await this.intents.remove(path);
        }
  }

  /**
   * Merges the open days' small files where these landed, as replace snapshots (see
   * OpenDayCompaction), and now and then expires old snapshots (see WriterSnapshotExpiry).
   */
  async compact(files: readonly StagedFile[], claimed: ReadonlySet<number>): Promise<number> {
    const { storage, catalog, database, now } = this.options;
    await this.expiry.runIfDue(
      claimed,
      [...this.tables].map(([dir, table]) => ({
        options: { storage, catalog, ident: { database, table: dir }, dir, now },
        metadata: table.metadata,
      })),
    );
    if (!this.compaction) return 0;
    return this.compaction.afterCommit(
      (files as readonly IcebergStagedFile[]).map((f) => ({
        table: f.table,
        owner: f.owner,
        dt: f.dataFile.partition.dt!,
        partition: f.partition,
      })),
      claimed,
    );
  }

  async close(): Promise<void> {
    await this.options.catalog.close();
  }
}

/** Whether a table commit is still to be done, given the positions the table records now. */
export function decide(
  commit: Pick<TableCommit, 'dir' | 'positions' | 'starts'>,
  recorded: Record<string, unknown>,
): 'commit' | 'skip' {
  const verdicts = Object.entries(commit.positions).map(([key, next]) => {
    const at = typeof recorded[key] === 'number' ? (recorded[key] as number) : 0;
    const start = commit.starts[key] ?? 0;
    if (at >= next) return 'skip';
    if (at <= start) return 'commit';
    return key;
  });
  if (verdicts.every((v) => v === 'skip')) return 'skip';
  if (verdicts.every((v) => v === 'commit')) return 'commit';
  const key = verdicts.find((v) => v !== 'skip' && v !== 'commit') ?? Object.keys(commit.positions)[0]!;
  throw new GamepipeError(
    'LAKE_FENCED',
    `${commit.dir}: offsets ${commit.starts[key] ?? 0} to ${commit.positions[key]! - 1} of ${key} were committed by another writer`,
    { hint: 'this writer lost its log partition; the batch in hand is discarded and the partition re-read' },
  );
}
