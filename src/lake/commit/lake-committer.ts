import { randomUUID } from 'node:crypto';
import type { Positions } from '../../eventlog/event-log.js';
import { isGamepipeError } from '../../errors.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import type { ScratchDir } from '../storage/local/scratch-dir.js';
import { positionsPath, encodePositions } from './recover-positions.js';

/** One rename of a commit: a staged file into its table, or a merged-away file into hiding. */
export interface FileMove {
  from: string;
  to: string;
}

/** What a commit promises, recorded before any file moves: enough for anyone to finish it. */
interface Intent {
  moves: FileMove[];
  /** The owners' positions once the moves are done. */
  positions: Record<string, Record<string, number>>;
}

const TMP_DIR = '_tmp';
const WAL_DIR = '_wal';

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
 *   2. INTENDED  _wal/<writer>.json lists the moves and the positions they reach (atomic replace);
 *   3. MOVED     each file renamed into place, never over an existing one;
 *   4. ADVANCED  each owner's position recorded; the intent removed.
 * A writer stopped anywhere is finished by `recover`: an intent found is rolled forward (each step
 * is idempotent), staged files without an intent are deleted. Queries never read `_` paths.
 */
export class LakeCommitter {
  constructor(
    private readonly storage: LakeStorage,
    private readonly writer: string,
    private readonly scratch: ScratchDir,
  ) {}

  /** Step 1: hands a complete local file to the lake under a hidden name; returns that name. */
  async stage(localFile: string): Promise<string> {
    const staged = `${TMP_DIR}/${this.writer}-${randomUUID()}.parquet`;
    try {
      await this.storage.upload(localFile, staged);
    } finally {
      this.scratch.remove(localFile);
    }
    return staged;
  }

  /** Steps 2 to 4. When it resolves, the moves are done and the positions recorded. */
  async commit(moves: FileMove[], positions: Map<string, Positions>): Promise<void> {
    const intent: Intent = { moves, positions: Object.fromEntries([...positions].map(([owner, p]) => [owner, Object.fromEntries(p)])) };
    if (moves.length === 0) return this.finish(intent); // positions alone: each replace is atomic and safe to repeat
    const path = `${WAL_DIR}/${this.writer}.json`;
    await this.storage.replace(path, Buffer.from(JSON.stringify(intent)));
    await this.finish(intent);
    await this.storage.delete(path);
  }

  /**
   * Rolls forward the intents of these writers (all of whose owners this process now holds), and
   * deletes their staged files that no intent names. Returns how many intents were finished.
   */
  async recover(writers: string[]): Promise<number> {
    let finished = 0;
    for (const writer of writers) {
      const path = `${WAL_DIR}/${writer}.json`;
      const bytes = await this.storage.read(path);
      if (bytes !== null) {
        await this.finish(JSON.parse(bytes.toString()) as Intent);
        await this.storage.delete(path);
        finished++;
      }
      for (const entry of await this.storage.list(TMP_DIR)) {
        if (entry.name.startsWith(`${writer}-`)) await this.storage.delete(entry.path);
      }
      await deleteReplaceLeftovers(this.storage, WAL_DIR, `${writer}.json`);
    }
    this.scratch.clear();
    return finished;
  }

  private async finish(intent: Intent): Promise<void> {
    for (const move of intent.moves) await this.move(move);
    for (const [owner, positions] of Object.entries(intent.positions)) {
      await this.storage.replace(positionsPath(owner), encodePositions(new Map(Object.entries(positions).map(([p, o]) => [Number(p), o]))));
    }
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
