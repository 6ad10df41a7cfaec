import type { Positions } from '../eventlog/event-log.js';
import { deadLetterSpec } from '../events/tables.js';
import { BatchCommit, type BatchSteps } from './batch/batch-commit.js';
import { encodeRoutedFile } from './batch/encode-routed-file.js';
import type { RoutedBatch, RoutedFile } from './batch/routed-batch.js';
import type { StagedFile, TableFormat, TableFormatFactory } from './batch/table-format.js';
import type { PartitionLocations } from './commit/closed-partition-compactor.js';
import { ClosedPartitionSchedule } from './commit/closed-partition-schedule.js';
import { defaultCompaction, type CompactionPolicy } from './commit/compactor.js';
import { hiveTableFormatFor } from './commit/hive-table-format-for.js';
import { leaseKey, OwnerLeases } from './commit/owner-lease.js';
import { deadLetterDir } from './lake-paths.js';
import { ownersOf, tableSpecOf, writerTargets, type WriterTarget } from './owners.js';
import { oneAtATime } from './parquet/one-at-a-time.js';
import { createParquetWriter, type ParquetWriterChoice } from './parquet/create-parquet-writer.js';
import type { ParquetWriter } from './parquet/parquet-writer.js';
import type { LakeStorage } from './storage/lake-storage.js';
import { ScratchDir } from './storage/local/scratch-dir.js';
import { SharedOrExclusive } from '../util/shared-or-exclusive.js';

export interface LakeWriterOptions {
  /** The lake (the configured adapter, or a fake that injects faults); closed with the writer. */
  storage: LakeStorage;
  /** Where files are encoded before they are staged (see `scratchDirFor`). */
  scratch: ScratchDir;
  target: WriterTarget;
  parquetWriter: ParquetWriterChoice;
  compaction?: CompactionPolicy;
  /** Whether small files of open days may be merged by the `_merged/` swap (`Deployment.compaction.openDaysBySwap`). */
  swapCompact: boolean;
  /** How files become part of the tables (`Deployment.tableFormat`, built by the command); Hive external tables by default. */
  tableFormat?: TableFormatFactory;
}

/** The writers whose intents and staged files a writer of `target` may finish: those sharing an owner with it. */
const sharingOwners = (target: WriterTarget) =>
  writerTargets.filter((t) => ownersOf(t).some((o) => ownersOf(target).includes(o)));

/**
 * A stream writer's side of the lake. Ownership is per owner (table) and log partition: the writer
 * claims the partitions it reads (leases), finishes what a stopped writer left in them (recovery),
 * knows each owner's committed position there, and commits each partition's files on its own, so
 * writers of one table on several hosts split its partitions. A batch lands through `begin` (a
 * BatchCommit over the table format), so a failure anywhere is undone or finished by `resync`.
 *
 * Two batches may be in hand at once: one staging while the one before commits (the stream writer
 * commits them in order). A resync runs alone: it waits for the staging and committing under way
 * and holds the next ones back, and it keeps every staged file of a batch not yet committed, so
 * recovering from one batch's failure never undoes the other's staging.
 */
export class LakeWriter {
  /** Per owner, the next offset to land, per claimed log partition. */
  readonly committed = new Map<string, Positions>();
  private readonly claimed = new Set<number>();
  private closedDays: ClosedPartitionSchedule | undefined;
  /** Staging and committing hold it shared; a resync holds it alone. */
  private readonly lock = new SharedOrExclusive();
  /**
   * Batches begun and not yet committed or ended, with the files each has staged: they survive a
   * resync. Recorded here inside the lock, as each file is staged: a resync that waited for that
   * staging must find it, before the BatchCommit itself has recorded it.
   */
  private readonly uncommitted = new Map<BatchCommit, Set<string>>();

  private constructor(
    readonly storage: LakeStorage,
    readonly parquet: ParquetWriter,
    readonly scratch: ScratchDir,
    /** How files become part of the tables: Hive external tables (HiveTableFormat, or ObjectStoreTableFormat on an object store) or Iceberg tables (src/iceberg/write/). */
    private readonly format: TableFormat,
    private readonly leases: OwnerLeases,
    private readonly target: WriterTarget,
  ) {
    for (const owner of ownersOf(target)) this.committed.set(owner, new Map());
  }

  static async open(options: LakeWriterOptions): Promise<LakeWriter> {
    const { storage, scratch, target } = options;
    await storage.ping();
    // One encoder call at a time: the next batch is encoded while a commit may merge files.
    const parquet = oneAtATime(await createParquetWriter(options.parquetWriter));
    let format: TableFormat;
    try {
      format = await (options.tableFormat ?? hiveTableFormatFor)({
        storage,
        scratch,
        target,
        parquet,
        compaction: options.compaction ?? defaultCompaction,
        swapCompact: options.swapCompact,
      });
    } catch (error) {
      await parquet.close();
      throw error;
    }
    const leases = OwnerLeases.start(storage, `a stream writer for ${target}`);
    return new LakeWriter(storage, parquet, scratch, format, leases, target);
  }

  /**
   * A routed batch on its way in, read up to `consumed`: its steps stage and commit through this
   * writer, then `ackLog` and `announce` (the stream writer's) run. See BatchCommit.
   */
  begin(batch: RoutedBatch, consumed: Positions, then: Pick<BatchSteps, 'ackLog' | 'announce'>): BatchCommit {
    const staged = new Set<string>();
    const commit: BatchCommit = new BatchCommit(batch, consumed, {
      stage: (file) =>
        this.lock.shared(async () => {
          const done = await this.stage(file);
          staged.add(done.staged);
          return done;
        }),
      commit: (files, positions) =>
        this.lock.shared(async () => {
          const done = await this.commit(files, positions);
          this.uncommitted.delete(commit);
          return done;
        }),
      ackLog: then.ackLog,
      announce: then.announce,
    });
    this.uncommitted.set(commit, staged);
    return commit;
  }

  /** The batch is given up (a failure it will not be retried past): a resync no longer keeps its staged files. */
  end(commit: BatchCommit): void {
    this.uncommitted.delete(commit);
  }

  /** Encodes one routed file into a local Parquet file and stages it in the table format (while it is written, where the format can). */
  private async stage(file: RoutedFile): Promise<StagedFile> {
    const encode = (path: string) => encodeRoutedFile(this.parquet, file, path);
    if (this.format.stageWhileWritten)
      return this.format.stageWhileWritten(this.scratch.writing(encode), file, file.rows);
    return this.format.stage(await this.scratch.write(encode), file, file.rows);
  }

  get uri(): string {
    return this.storage.uri;
  }

  /** The log partitions this writer holds now. */
  get partitions(): number[] {
    return [...this.claimed].sort((a, b) => a - b);
  }

  holds(partition: number): boolean {
    return this.claimed.has(partition);
  }

  /**
   * Takes these partitions for every owner of the target (all or none; DATA_DIR_LOCKED when a live
   * writer holds one), finishes what was left there, and reads where each owner resumes.
   */
  async claim(partitions: number[]): Promise<void> {
    const added = partitions.filter((p) => !this.claimed.has(p));
    if (added.length === 0) return;
    await this.leases.claim(this.leaseKeys(added));
    for (const p of added) this.claimed.add(p);
    await this.resync(added);
    await this.format.claimed?.(added, this.committed);
  }

  /** The leases a partition is held under: one per owner of the target. */
  private leaseKeys(partitions: number[]): string[] {
    return partitions.flatMap((p) => ownersOf(this.target).map((o) => leaseKey(o, p)));
  }

  /** The writer has read the whole log: the format records what it held back (see TableFormat.settle), as a commit would. */
  async caughtUp(): Promise<void> {
    await this.lock.shared(async () => this.format.settle?.(this.partitions, false));
  }

  /** Gives partitions back (after the batch in hand is committed): another writer may take them. */
  async release(partitions: number[]): Promise<void> {
    const held = partitions.filter((p) => this.claimed.has(p));
    await this.lock.shared(async () => this.format.settle?.(held, true));
    const gone = partitions.filter((p) => this.claimed.delete(p));
    for (const positions of this.committed.values()) for (const p of gone) positions.delete(p);
    await this.leases.release(this.leaseKeys(gone));
  }

  /**
   * Finishes or undoes what an interrupted commit left in these partitions (all claimed ones by
   * default), keeping the staged files of the batches still landing (`uncommitted`), then re-reads
   * every owner's position there.
   */
  async resync(partitions: number[] = this.partitions): Promise<void> {
    await this.lock.exclusive(() => this.resyncAlone(partitions));
  }

  private async resyncAlone(partitions: number[]): Promise<void> {
    const staged = [...this.uncommitted.values()].flatMap((files) => [...files]);
    await this.format.recover(sharingOwners(this.target), partitions, new Set(staged));
    const recovered = await this.format.committedPositions(ownersOf(this.target), new Set(partitions));
    for (const [owner, found] of recovered) {
      const positions = this.committed.get(owner)!;
      for (const p of partitions) positions.delete(p);
      for (const [p, offset] of found) positions.set(p, offset);
    }
  }

  /**
   * Commits a batch's staged files, each log partition on its own, advancing every owner to
   * `consumed` there (the records before it that held nothing for an owner are done too), then
   * merges small files where the batch wrote. A partition every owner has reached already is
   * skipped: its commit landed before a retry (a batch's files never start before its owners' positions).
   */
  private async commit(files: readonly StagedFile[], consumed: Positions): Promise<{ mergedFiles: number }> {
    for (const [partition, offset] of consumed) {
      const advanced = new Map<string, number>();
      for (const [owner, positions] of this.committed) {
        if ((positions.get(partition) ?? 0) < offset) advanced.set(owner, offset);
      }
      if (advanced.size === 0) continue;
      await this.leases.verify(this.leaseKeys([partition]));
      await this.format.commit(
        partition,
        files.filter((f) => f.partition === partition),
        advanced,
      );
      for (const [owner, offset] of advanced) this.committed.get(owner)!.set(partition, offset);
    }
    return { mergedFiles: (await this.format.compact?.(files, this.claimed)) ?? 0 };
  }

  /**
   * Compacts the target's closed days (at most every ten minutes) into a new generation and switches
   * readers to it through `locations` (the table registry): run by the writer holding log partition
   * 0, so that one writer of a group does it.
   */
  async compactClosedDays(locations: PartitionLocations): Promise<void> {
    if (!this.claimed.has(0)) return;
    this.closedDays ??= new ClosedPartitionSchedule({
      storage: this.storage,
      parquet: this.parquet,
      scratch: new ScratchDir(this.scratch.dir, `compact-${this.target}`),
      locations,
    });
    const owners = ownersOf(this.target);
    const specs = [...owners.flatMap((o) => tableSpecOf(o) ?? []), deadLetterSpec];
    await this.closedDays.runIfDue(specs, (spec) =>
      spec === deadLetterSpec ? owners.map(deadLetterDir) : [spec.table],
    );
  }

  async close(): Promise<void> {
    await this.format.settle?.(this.partitions, true);
    await this.format.close?.();
    await this.parquet.close();
    await this.leases.release();
    await this.storage.close();
  }
}
