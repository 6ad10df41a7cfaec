import type { Config } from '../config/config-fields.js';
import type { Positions } from '../eventlog/event-log.js';
import { Compactor, defaultCompaction, type CompactionPolicy } from './commit/compactor.js';
import { deleteReplaceLeftovers, LakeCommitter, type FileMove } from './commit/lake-committer.js';
import { OwnerLeases } from './commit/owner-lease.js';
import { POSITIONS_DIR, recoverPositions } from './commit/recover-positions.js';
import { datePartitionDirs } from './lake-files.js';
import { ownerDirs, ownersOf, writerTargets, type WriterTarget } from './owners.js';
import { createParquetWriter, type ParquetWriterChoice } from './parquet/create-parquet-writer.js';
import type { ParquetWriter } from './parquet/parquet-writer.js';
import type { LakeStorage } from './storage/lake-storage.js';
import type { ScratchDir } from './storage/local/scratch-dir.js';
import { openLakeStorage, scratchDirFor } from './storage/open-lake-storage.js';

export interface LakeWriterOptions {
  target: WriterTarget;
  parquetWriter: ParquetWriterChoice;
  compaction?: CompactionPolicy;
  /** A store to use instead of the configured one (tests inject faults with it). */
  storage?: LakeStorage;
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/'));

/** The writers whose intents and staged files a writer of `target` may finish: those sharing an owner with it. */
const sharingOwners = (target: WriterTarget) => writerTargets.filter((t) => ownersOf(t).some((o) => ownersOf(target).includes(o)));

/**
 * A stream writer's side of the lake: it owns its tables (leases), finishes what a stopped writer
 * left (recovery), knows each owner's committed position, and commits batches and merges. Each
 * step is the committer's state machine, so a failure anywhere is undone or finished by `resync`.
 */
export class LakeWriter {
  private constructor(
    readonly storage: LakeStorage,
    readonly parquet: ParquetWriter,
    readonly scratch: ScratchDir,
    readonly committer: LakeCommitter,
    private readonly compactor: Compactor,
    private readonly leases: OwnerLeases,
    private readonly target: WriterTarget,
    /** Per owner, the next offset to land, per log partition. */
    readonly committed: Map<string, Positions>,
  ) {}

  static async open(config: Config, options: LakeWriterOptions): Promise<LakeWriter> {
    const storage = options.storage ?? (await openLakeStorage(config));
    await storage.ping();
    const leases = await OwnerLeases.acquire(storage, ownersOf(options.target), `a stream writer for ${options.target}`);
    try {
      const scratch = scratchDirFor(config, options.target);
      const committer = new LakeCommitter(storage, options.target, scratch);
      const parquet = await createParquetWriter(options.parquetWriter);
      const compactor = new Compactor(storage, parquet, committer, scratch, options.compaction ?? defaultCompaction);
      const writer = new LakeWriter(storage, parquet, scratch, committer, compactor, leases, options.target, new Map());
      await writer.resync();
      const dateDirs = await Promise.all(ownersOf(options.target).flatMap(ownerDirs).map((dir) => datePartitionDirs(storage, dir)));
      await compactor.sweep(dateDirs.flat());
      return writer;
    } catch (error) {
      await leases.release();
      throw error;
    }
  }

  get uri(): string {
    return this.storage.uri;
  }

  /** Finishes or undoes what an interrupted commit left, then re-reads every owner's position. */
  async resync(): Promise<void> {
    await this.committer.recover(sharingOwners(this.target));
    for (const owner of ownersOf(this.target)) {
      await deleteReplaceLeftovers(this.storage, POSITIONS_DIR, `${owner}.json`);
      this.committed.set(owner, await recoverPositions(this.storage, owner));
    }
    // The writer status record (src/metrics/writer-status.ts) lives beside the positions.
    await deleteReplaceLeftovers(this.storage, '_status', `${this.target}.json`);
  }

  /**
   * Commits a batch's staged files, advancing every owner to `consumed` (the records before it that
   * held nothing for an owner are done too), then merges small files where the batch wrote.
   */
  async commit(moves: FileMove[], consumed: Positions): Promise<{ mergedFiles: number }> {
    await this.leases.verify();
    const advanced = new Map<string, Positions>();
    for (const [owner, positions] of this.committed) {
      const next = new Map(positions);
      for (const [p, o] of consumed) next.set(p, Math.max(next.get(p) ?? 0, o));
      if ([...next].some(([p, o]) => positions.get(p) !== o)) advanced.set(owner, next);
    }
    await this.committer.commit(moves, advanced);
    for (const [owner, positions] of advanced) this.committed.set(owner, positions);
    const touched = new Set(moves.map((m) => dirOf(m.to)));
    const mergedFiles = await this.compactor.compact(touched);
    await this.compactor.sweep(touched);
    return { mergedFiles };
  }

  async close(): Promise<void> {
    await this.parquet.close();
    await this.leases.release();
    await this.storage.close();
  }
}
