import { randomUUID } from 'node:crypto';
import { isGamepipeError } from '../../errors.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import { encodePosition, positionPath } from './recover-positions.js';

/** One rename of a commit: a staged file into its table, or a merged-away file into hiding. */
export interface FileMove {
  from: string;
  to: string;
}

/** What a commit promises, recorded before any file moves: enough for anyone to finish it. */
interface Intent {
  partition: number;
  moves: readonly FileMove[];
  /** Each owner's position in the partition once the moves are done. */
  positions: Record<string, number>;
}

const TMP_DIR = '_tmp';
const WAL_DIR = '_wal';
/** A writer's files and intents are named by the log partition they hold, so that writers splitting a table by partition never touch each other's. */
const stageName = (writer: string, partition: number) => `${writer}+${partition}-`;
const intentName = (writer: string, partition: number) => `${writer}+${partition}.json`;
const COMMIT_FILE_NAME = /^(.+)\+(\d+)(?:-[0-9a-f-]{36}\.parquet|\.json)$/;

/** The writer and log partition a staged file or an intent belongs to, from its name; undefined for any other name. */
export function commitFileOwner(name: string): { writer: string; partition: number } | undefined {
  const match = COMMIT_FILE_NAME.exec(name);
  return match ? { writer: match[1]!, partition: Number(match[2]) } : undefined;
}

/**
 * Deletes what a `replace` of `<dir>/<name>` left when its process was killed between writing its
 * hidden temporary sibling and renaming it (`.<name>.<random>.tmp`). Only for files the caller alone
 * writes: another process's temporary file may be in the middle of its rename.
 */
export async function deleteReplaceLeftovers(storage: LakeStorage, dir: string, name: string): Promise<void> {
  for (const entry of await storage.list(dir)) {
    if (entry.name.startsWith(`.${name}.`) && entry.name.endsWith('.tmp')) await storage.delete(entry.path);
  }
}

/**
 * Makes a batch of files visible all together or not at all, as a visible state machine:
 *   1. STAGED    every file complete under _tmp/ in the lake (`stage`);
 *   2. INTENDED  _wal/<writer>+<partition>.json lists the moves and the positions they reach (atomic replace);
 *   3. MOVED     each file renamed into place, never over an existing one;
 *   4. ADVANCED  each owner's position recorded; the intent removed.
 * A writer stopped anywhere is finished by `recover`: an intent found is rolled forward (each step
 * is idempotent), staged files without an intent are deleted. Queries never read `_` paths. A commit
 * holds the files of one log partition: writers that split a table by partition commit independently.
 */
export class LakeCommitter {
  constructor(
    private readonly storage: LakeStorage,
    private readonly writer: string,
    private readonly scratch: ScratchDir,
  ) {}

  /** Step 1: hands a complete local file of a log partition's records to the lake under a hidden name; returns that name. */
  async stage(localFile: string, partition: number): Promise<string> {
    const staged = `${TMP_DIR}/${stageName(this.writer, partition)}${randomUUID()}.parquet`;
    try {
      await this.storage.upload(localFile, staged);
    } finally {
      this.scratch.remove(localFile);
    }
    return staged;
  }

  /** Steps 2 to 4. When it resolves, the moves are done and the positions recorded. */
  async commit(partition: number, moves: readonly FileMove[], positions: ReadonlyMap<string, number>): Promise<void> {
    const intent: Intent = { partition, moves, positions: Object.fromEntries(positions) };
    if (moves.length === 0) return this.finish(intent); // positions alone: each replace is atomic and safe to repeat
    const path = `${WAL_DIR}/${intentName(this.writer, partition)}`;
    await this.storage.replace(path, Buffer.from(JSON.stringify(intent)));
    await this.finish(intent);
    await this.storage.delete(path);
  }

  /**
   * Rolls forward the intents of these writers in these partitions (all of whose owners this process
   * now holds there), and deletes their staged files that no intent names, except those in `keep`
   * (a batch still landing). Returns how many intents were finished.
   */
  async recover(
    writers: readonly string[],
    partitions: Iterable<number>,
    keep: ReadonlySet<string> = new Set(),
  ): Promise<number> {
    let finished = 0;
    const staged = await this.storage.list(TMP_DIR);
    for (const partition of partitions) {
      for (const writer of writers) {
        const path = `${WAL_DIR}/${intentName(writer, partition)}`;
        const bytes = await this.storage.read(path);
        if (bytes !== null) {
          await this.finish(JSON.parse(bytes.toString()) as Intent);
          await this.storage.delete(path);
          finished++;
        }
        for (const entry of staged) {
          if (entry.name.startsWith(stageName(writer, partition)) && !keep.has(entry.path))
            await this.storage.delete(entry.path).catch(() => false);
        }
        await deleteReplaceLeftovers(this.storage, WAL_DIR, intentName(writer, partition));
      }
    }
    this.scratch.clear();
    return finished;
  }

  private async finish(intent: Intent): Promise<void> {
    for (const move of intent.moves) await this.move(move);
    for (const [owner, offset] of Object.entries(intent.positions))
      await this.storage.replace(positionPath(owner, intent.partition), encodePosition(offset));
  }

  /** A rename that may already have happened before a crash: done when the source is gone and the target is there. */
  private async move({ from, to }: FileMove): Promise<void> {
    try {
      await this.storage.rename(from, to);
    } catch (error) {
      if (!isGamepipeError(error)) throw error;
      if (error.code === 'LAKE_NOT_FOUND' && (await this.storage.stat(to)) !== null) return;
      // The same name holds the same offsets of the same log: the target already has these rows.
      if (error.code === 'LAKE_EXISTS') {
        await this.storage.delete(from);
        return;
      }
      throw error;
    }
  }
}
