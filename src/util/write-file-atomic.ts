import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GamepipeError } from '../errors.js';

/** fsyncs a file or a directory, so that its contents, or the names in it, survive a power cut. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The same off the caller's thread, for a large file: flushing a batch's Parquet file blocked a stream writer's reading for as long. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isDiskFull = (error: unknown) => ['ENOSPC', 'EDQUOT'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * The one way gamepipe replaces a small local file (positions, catalogs, state snapshots, segment
 * indexes, lake intents): write a hidden temp sibling, fsync it, rename it over the target, fsync the
 * directory. A reader sees the old bytes or the new ones; after a crash, one of the two survives.
 * A full disk is DISK_FULL (retriable: the file keeps its old bytes, the write can be tried again).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', options.mode ?? 0o644);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    if (isDiskFull(error))
      throw new GamepipeError('DISK_FULL', `the disk of ${dir} is full`, {
        hint: 'free some space, then try again',
        cause: error,
      });
    throw error;
  }
  fsyncPath(dir);
}
