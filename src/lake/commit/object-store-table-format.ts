import type { Positions } from '../../eventlog/event-log.js';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import { logger } from '../../logger.js';
import type { DataFileTarget } from '../batch/routed-batch.js';
import type { StagedFile, TableFormat } from '../batch/table-format.js';
import { dataFileName, parseDataFileName } from '../lake-paths.js';
import { ownerDirs } from '../owners.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir, WrittenFile } from '../storage/local/scratch-dir.js';
import type { PendingUpload, PendingUploads } from '../storage/pending-uploads.js';
import { encodePosition, positionPath, recoverPositions } from './recover-positions.js';

/** What a commit promises, recorded before any file appears: enough for anyone to finish it, or to undo it. */
interface Intent {
  partition: number;
  files: readonly PendingUpload[];
  /** Each owner's position in the partition once the files are visible. */
  positions: Record<string, number>;
}

const WAL_DIR = '_wal';
const intentPath = (writer: string, partition: number) => `${WAL_DIR}/${writer}+${partition}.json`;

/** A staged file is named by its pending upload: `<target>?uploadId=<id>&parts=<etag>,<etag>`. */
const stagedName = (upload: PendingUpload) =>
  `${upload.path}?uploadId=${encodeURIComponent(upload.uploadId)}&parts=${upload.parts.join(',')}`;
function pendingUploadOf(staged: string): PendingUpload {
  const [path, query] = staged.split('?') as [string, string];
  const fields = new URLSearchParams(query);
  return { path, uploadId: fields.get('uploadId') ?? '', parts: (fields.get('parts') ?? '').split(',') };
}

/**
 * Hive external tables on an object store (S3, where `atomicRename` is false), with no rename: a
 * staged file is a pending upload straight to its final, offset-named key (`PendingUploads`: an open
 * multipart upload no listing shows), and a commit is, per log partition:
 *   1. INTENDED  `_wal/<writer>+<partition>.json` names the uploads and the positions they reach,
 *                written with a conditional PUT (a different intent there is another writer's: fenced);
 *   2. VISIBLE   each upload completed with `If-None-Match: *`: its object appears whole, at once,
 *                and never over another (a key names its offsets, so an object there holds these rows);
 *   3. ADVANCED  each owner's position recorded (one PUT each); the intent deleted.
 * A listing reader (Trino, Hive, Spark) sees nothing of a batch before step 2, then some of its
 * files, each whole, then all of it. `recover` finishes an intent found (or, if one of its
 * uploads is gone, removes the files it made visible, so that the records are read again under
 * any boundaries without a row showing twice), and aborts open uploads no intent names. A writer
 * resumes only after that, so a batch retried with other boundaries never covers rows a finished
 * intent made visible under other names. See src/lake/storage/s3/README.md.
 */
export class ObjectStoreTableFormat implements TableFormat {
  constructor(
    private readonly storage: LakeStorage,
    private readonly uploads: PendingUploads,
    private readonly scratch: ScratchDir,
    /** The writer whose intents this format records. */
    private readonly writer: string,
    /** The owners whose tables it writes: their log partitions this writer holds are its alone to clean up. */
    private readonly owners: readonly string[],
  ) {}

  stage(localFile: string, target: DataFileTarget): Promise<StagedFile> {
    return this.upload(localFile, target);
  }

  /** The parts go up while the encoder writes them: most of a file is sent by the time it is whole. */
  stageWhileWritten(file: WrittenFile, target: DataFileTarget): Promise<StagedFile> {
    file.written.catch(() => undefined); // awaited below, whichever way the upload goes
    return this.upload(file, target);
  }

  private async upload(local: string | WrittenFile, target: DataFileTarget): Promise<StagedFile> {
    const path = `${target.dir}/${target.dt}/${dataFileName(target.partition, target.firstOffset, target.lastOffset)}`;
    try {
      return { partition: target.partition, staged: stagedName(await this.uploads.begin(local, path)), target: path };
    } catch (error) {
      if (typeof local !== 'string') await local.written; // the encoder's own failure (a full disk: retriable) comes first
      throw error;
    } finally {
      if (typeof local !== 'string') await local.written.catch(() => undefined); // not removed under a running encoder
      this.scratch.remove(typeof local === 'string' ? local : local.path);
    }
  }

  async commit(partition: number, files: readonly StagedFile[], positions: ReadonlyMap<string, number>): Promise<void> {
    const intent: Intent = {
      partition,
      files: files.map((f) => pendingUploadOf(f.staged)),
      positions: Object.fromEntries(positions),
    };
    if (intent.files.length === 0) return this.advance(intent); // positions alone: each PUT is atomic and safe to repeat
    const path = intentPath(this.writer, partition);
    await this.record(path, intent);
    if (!(await this.finish(intent))) {
      await this.storage.delete(path);
      throw new GamepipeError(
        'LAKE_STAGED_LOST',
        `a staged upload of log partition ${partition} can no longer be completed in ${this.storage.uri} (aborted, expired, or lost by the store): none of the batch's rows stays visible, and the batch is staged again`,
      );
    }
    await this.storage.delete(path);
  }

  committedPositions(owners: readonly string[], partitions: ReadonlySet<number>): Promise<Map<string, Positions>> {
    return Promise.all(owners.map(async (o) => [o, await recoverPositions(this.storage, o, partitions)] as const)).then(
      (entries) => new Map(entries),
    );
  }

  async recover(writers: readonly string[], partitions: readonly number[], keep?: ReadonlySet<string>): Promise<void> {
    // The intents are looked for all at once (a round trip each), then finished one by one.
    const intents = await Promise.all(
      partitions.flatMap((partition) =>
        writers.map(async (writer) => {
          const path = intentPath(writer, partition);
          return { path, bytes: await this.storage.read(path) };
        }),
      ),
    );
    for (const { path, bytes } of intents) {
      if (bytes === null) continue;
      const intent = JSON.parse(bytes.toString()) as Intent;
      if (!(await this.finish(intent)))
        logger.warn(
          { intent: path },
          `an upload named by ${path} is gone (aborted or expired): its batch's files were removed, and its records are read again`,
        );
      await this.storage.delete(path);
    }
    await this.abortOpenUploads(new Set(partitions), keep);
    this.scratch.clear();
  }

  /** Step 1: the intent, once. The same intent there already is this commit's earlier attempt; another one is not ours to overwrite. */
  private async record(path: string, intent: Intent): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(intent));
    try {
      await this.storage.create(path, bytes);
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_EXISTS') throw error;
      if ((await this.storage.read(path))?.equals(bytes)) return;
      throw new GamepipeError(
        'LAKE_FENCED',
        `${this.storage.uri}/${path} holds another commit's intent for log partition ${intent.partition}: another writer of ${this.writer} is committing there`,
        {
          hint: 'run one writer per log partition; this one stops, and its records are landed by the writer holding them',
        },
      );
    }
  }

  /**
   * Steps 2 and 3; false (positions unchanged, the files it made visible deleted) when an upload is
   * gone with nothing at its key, since the batch can then never be whole. The completions go out
   * at once (each is its own atomic step, and the store's copy of the parts is most of a commit's
   * time); a failure waits for the others before it is thrown, so none is left running.
   */
  private async finish(intent: Intent): Promise<boolean> {
    const outcomes = await Promise.allSettled(
      intent.files.map(async (file) => {
        const outcome = await this.uploads.complete(file);
        // `taken`: an object under the same name, so of the same log partition and offsets, holds these rows already.
        if (outcome === 'taken') await this.uploads.abort(file);
        return outcome;
      }),
    );
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    if (outcomes.some((o) => o.status === 'fulfilled' && o.value === 'lost')) {
      for (const other of intent.files) {
        await this.uploads.abort(other).catch(() => undefined);
        await this.storage.delete(other.path);
      }
      return false;
    }
    await this.advance(intent);
    return true;
  }

  /** Each position is its own atomic PUT, and none depends on another: all at once, one round trip. */
  private async advance(intent: Intent): Promise<void> {
    await Promise.all(
      Object.entries(intent.positions).map(([owner, offset]) =>
        this.storage.replace(positionPath(owner, intent.partition), encodePosition(offset)),
      ),
    );
  }

  /**
   * Open uploads in these log partitions of this writer's tables that no intent names (a writer
   * stopped while staging) are never completed: aborted, except those in `keep` (a batch still
   * landing). A store that cannot list them now (S3Mock after a restart) leaves them to the bucket's
   * lifecycle rule: they are invisible either way.
   */
  private async abortOpenUploads(
    partitions: ReadonlySet<number>,
    keep: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const kept = new Set([...keep].map((s) => pendingUploadOf(s).uploadId));
    // Each table directory is listed on its own, all at once: one round trip, not one per directory, before a writer starts.
    const listings = await Promise.all(
      this.owners.flatMap(ownerDirs).map(async (dir) => {
        try {
          return await this.uploads.listOpen(dir);
        } catch (error) {
          if (!isGamepipeError(error)) throw error;
          logger.warn(
            `could not list the open uploads under ${this.storage.uri}/${dir} (${error.message}): left to the bucket's lifecycle rule`,
          );
          return [];
        }
      }),
    );
    for (const upload of listings.flat()) {
      const name = upload.path.slice(upload.path.lastIndexOf('/') + 1);
      const file = parseDataFileName(name);
      if (file && partitions.has(file.partition) && !kept.has(upload.uploadId)) await this.uploads.abort(upload);
    }
  }
}
