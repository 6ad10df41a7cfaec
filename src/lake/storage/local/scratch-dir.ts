import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LakeStorage } from '../lake-storage.js';
import { isProcessAlive } from '../../../util/process-alive.js';
import { LocalLakeStorage } from './local-lake-storage.js';

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

  /** A fresh local path for a file of this writer process (its pid in the name: writers of one table may share a host). */
  newPath(extension = '.parquet'): string {
    return join(this.dir, `${this.prefix}-${process.pid}-${randomUUID()}${extension}`);
  }

  remove(path: string): void {
    rmSync(path, { force: true });
  }

  /** Removes what this process, or a stopped process of this writer, left behind; never a live one's files. */
  clear(): void {
    for (const name of readdirSync(this.dir)) {
      if (!name.startsWith(`${this.prefix}-`)) continue;
      const pid = Number(name.slice(this.prefix.length + 1).split('-')[0]);
      if (pid === process.pid || !isProcessAlive(pid)) rmSync(join(this.dir, name), { force: true });
    }
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
