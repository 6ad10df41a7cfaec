import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GamepipeError } from '../../../errors.js';
import type { LakeEntry, LakeStorage } from '../lake-storage.js';
import { checkLakePath } from '../lake-path-check.js';
import { fsyncFile, fsyncPath, writeFileAtomic } from '../../../util/write-file-atomic.js';

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Node's errors as the port's: the one line a person reads names the path. */
function lakeError(error: unknown, what: string, path: string): GamepipeError {
  switch (code(error)) {
    case 'EEXIST':
      return new GamepipeError('LAKE_EXISTS', `${path} already exists in the lake`, { cause: error });
    case 'ENOENT':
      return new GamepipeError('LAKE_NOT_FOUND', `${path} does not exist in the lake`, { cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
    case 'DISK_FULL': // from writeFileAtomic
      return new GamepipeError('LAKE_UNAVAILABLE', `the lake's disk is full (${what} ${path})`, {
        hint: 'free some space; writers resume where they stopped',
        cause: error,
      });
    default:
      return new GamepipeError('LAKE_ERROR', `could not ${what} ${path}: ${(error as Error).message}`, {
        cause: error,
      });
  }
}

const entry = (path: string, stats: Stats): LakeEntry => ({
  path,
  name: path.split('/').at(-1) ?? path,
  isDirectory: stats.isDirectory(),
  size: stats.isDirectory() ? 0 : stats.size,
  modifiedMs: stats.mtimeMs,
});

/**
 * The lake in a local directory. Every change is fsynced, file and directory, before it resolves.
 * A rename that must not overwrite is a hard link (which fails if the name exists, atomically)
 * followed by removing the old name.
 */
export class LocalLakeStorage implements LakeStorage {
  readonly uri: string;
  /** A hard link then an unlink: the link is the atomic, non-overwriting step. */
  readonly atomicRename = true;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.uri = pathToFileURL(this.root).href;
  }

  /** The absolute local path of a lake path: DuckDB reads local files directly. */
  localPath(path: string): string {
    return path === '' ? this.root : join(this.root, checkLakePath(path));
  }

  async ping(): Promise<void> {
    try {
      mkdirSync(this.root, { recursive: true });
    } catch (error) {
      throw lakeError(error, 'create the lake directory', this.root);
    }
  }

  async list(dir: string): Promise<LakeEntry[]> {
    let names: string[];
    try {
      names = readdirSync(this.localPath(dir));
    } catch (error) {
      if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') return [];
      throw lakeError(error, 'list', dir);
    }
    const entries: LakeEntry[] = [];
    for (const name of names) {
      const path = dir === '' ? name : `${dir}/${name}`;
      try {
        entries.push(entry(path, statSync(this.localPath(path))));
      } catch (error) {
        if (code(error) !== 'ENOENT') throw lakeError(error, 'stat', path); // removed while listing
      }
    }
    return entries;
  }

  async stat(path: string): Promise<LakeEntry | null> {
    try {
      return entry(path, statSync(this.localPath(path)));
    } catch (error) {
      if (code(error) === 'ENOENT') return null;
      throw lakeError(error, 'stat', path);
    }
  }

  async read(path: string): Promise<Buffer | null> {
    try {
      return readFileSync(this.localPath(path));
    } catch (error) {
      if (code(error) === 'ENOENT') return null;
      throw lakeError(error, 'read', path);
    }
  }

  async create(path: string, data: Uint8Array): Promise<void> {
    const target = this.localPath(path);
    try {
      mkdirSync(dirname(target), { recursive: true });
      writeNewFile(target, data);
    } catch (error) {
      throw lakeError(error, 'create', path);
    }
  }

  async upload(localFile: string, path: string): Promise<void> {
    const target = this.localPath(path);
    try {
      mkdirSync(dirname(target), { recursive: true });
      try {
        linkSync(localFile, target); // same disk: no copy
      } catch (error) {
        if (code(error) !== 'EXDEV') throw error;
        copyFileSync(localFile, target, constants.COPYFILE_EXCL);
      }
      await fsyncFile(target);
      fsyncPath(dirname(target));
    } catch (error) {
      throw lakeError(error, 'upload', path);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = this.localPath(from);
    const target = this.localPath(to);
    try {
      if (statSync(source).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      mkdirSync(dirname(target), { recursive: true });
      linkSync(source, target);
      unlinkSync(source);
      fsyncPath(dirname(target));
      if (dirname(source) !== dirname(target)) fsyncPath(dirname(source));
    } catch (error) {
      throw lakeError(error, 'rename', code(error) === 'EEXIST' ? to : from);
    }
  }

  async replace(path: string, data: Uint8Array): Promise<void> {
    try {
      writeFileAtomic(this.localPath(path), data);
    } catch (error) {
      throw lakeError(error, 'write', path);
    }
  }

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const target = this.localPath(path);
    try {
      statSync(target);
    } catch (error) {
      if (code(error) === 'ENOENT') return false;
      throw lakeError(error, 'delete', path);
    }
    try {
      rmSync(target, { recursive: options.recursive === true });
      fsyncPath(dirname(target));
      return true;
    } catch (error) {
      throw lakeError(error, 'delete', path);
    }
  }

  async mkdirs(dir: string): Promise<void> {
    try {
      mkdirSync(this.localPath(dir), { recursive: true });
    } catch (error) {
      throw lakeError(error, 'create directory', dir);
    }
  }

  async close(): Promise<void> {}
}

/** A new file written and fsynced in place (the port allows a partial file on a crash: callers name hidden paths). */
function writeNewFile(target: string, data: Uint8Array): void {
  const fd = openSync(target, 'wx');
  try {
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncPath(dirname(target));
}
