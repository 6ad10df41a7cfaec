import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GamepipeError } from '../../../errors.js';
import type { LakeStorage } from '../lake-storage.js';
import { isProcessAlive } from '../../../util/process-alive.js';
import { LocalLakeStorage } from './local-lake-storage.js';

/**
 * Space a writer wants free on the scratch disk before it starts a file. Parquet encoders write
 * their files themselves, and one that runs out of space mid-file fails with its own error; so a
 * writer does not start a file on a nearly full disk: it stops with one line that says so, retries,
 * and resumes when space returns. A default batch's files take a few megabytes.
 */
const SCRATCH_RESERVE_BYTES = 64 * 1024 * 1024;

/**
 * Removes the files of `dir` named `<prefix><pid>-…` whose process has stopped (and, when asked, this
 * process's own): writers of one table may share a host, and a live one's files stay.
 */
export function removeLeftovers(dir: string, prefix: string, { thisProcessToo = false } = {}): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if ((thisProcessToo && pid === process.pid) || !isProcessAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}

/** ENOSPC or EDQUOT, from Node or as the message of an encoder that reports it in text (DuckDB). */
const isDiskFull = (error: unknown): boolean =>
  ['ENOSPC', 'EDQUOT'].includes((error as NodeJS.ErrnoException).code ?? '') ||
  /No space left on device|Disk quota exceeded/.test(String((error as Error).message));

/** A local file being written: it is whole once `written` resolves. */
export interface WrittenFile {
  path: string;
  written: Promise<void>;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Local files a writer prepares before they go into the lake: Parquet encoders write local files,
 * and merges read local ones. On a local lake it sits inside the lake (`_scratch`, hidden), so
 * that handing a file to the lake is a hard link, not a copy.
 */
export class ScratchDir {
  constructor(
    readonly dir: string,
    private readonly prefix: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * A fresh local path for a file of this writer process (its pid in the name: writers of one table may share a host);
   * LAKE_UNAVAILABLE (retriable) while the disk has less than the reserve free.
   */
  newPath(extension = '.parquet'): string {
    const { bavail, bsize } = statfsSync(this.dir);
    if (bavail * bsize < SCRATCH_RESERVE_BYTES) {
      throw new GamepipeError(
        'LAKE_UNAVAILABLE',
        `the disk of ${this.dir} is full: ${mib(bavail * bsize)} free, a writer needs ${mib(SCRATCH_RESERVE_BYTES)}`,
        {
          hint: 'free some space; writers resume where they stopped',
        },
      );
    }
    return join(this.dir, `${this.prefix}-${process.pid}-${randomUUID()}${extension}`);
  }

  remove(path: string): void {
    rmSync(path, { force: true });
  }

  /**
   * A new local file written by `produce` (a Parquet encoder), or none: a failure removes what it
   * left, and a disk that fills up mid-file (the encoder's own ENOSPC error) is LAKE_UNAVAILABLE,
   * retriable like a disk found full before starting.
   */
  async write(produce: (path: string) => Promise<void>): Promise<string> {
    const file = this.writing(produce);
    await file.written;
    return file.path;
  }

  /**
   * As `write`, but handed over as soon as `produce` starts: its path, and when the file is whole
   * (`written`, rejected as `write` would be, the file then removed), so that it can be read while
   * it grows (see GrowingFile).
   */
  writing(produce: (path: string) => Promise<void>): WrittenFile {
    const path = this.newPath();
    const written = produce(path).catch((error: unknown) => {
      this.remove(path);
      if (!isDiskFull(error)) throw error;
      throw new GamepipeError('LAKE_UNAVAILABLE', `the disk of ${this.dir} filled up while a file was written`, {
        hint: 'free some space; writers resume where they stopped',
        cause: error,
      });
    });
    return { path, written };
  }

  /** Removes what this process, or a stopped process of this writer, left behind; never a live one's files. */
  clear(): void {
    removeLeftovers(this.dir, `${this.prefix}-`, { thisProcessToo: true });
  }

  /**
   * A local path holding the lake file's bytes: the file itself on a local lake, else a scratch copy
   * (`release` removes the copy, and only a copy).
   */
  async localCopy(storage: LakeStorage, path: string): Promise<{ path: string; release(): void }> {
    if (storage instanceof LocalLakeStorage) return { path: storage.localPath(path), release: () => undefined };
    const bytes = await storage.read(path);
    if (bytes === null) throw new Error(`${path} vanished from the lake while being merged`);
    const copy = this.newPath();
    writeFileSync(copy, bytes);
    return { path: copy, release: () => this.remove(copy) };
  }
}
