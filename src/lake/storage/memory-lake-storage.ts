import { readFileSync } from 'node:fs';
import { GamepipeError } from '../../errors.js';
import { checkLakePath } from './lake-path-check.js';
import type { LakeEntry, LakeStorage, VersionedFile } from './lake-storage.js';

type Method =
  | 'list'
  | 'stat'
  | 'read'
  | 'readVersioned'
  | 'create'
  | 'upload'
  | 'rename'
  | 'replace'
  | 'replaceIfVersion'
  | 'delete'
  | 'mkdirs'
  | 'ping';

/** A fault to inject: the call fails with `error` when `when` says so (all calls by default). */
interface Fault {
  methods: Method[];
  error: () => Error;
  when: (path: string) => boolean;
  remaining: number;
}

const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/**
 * The lake in memory: the fast fake for unit tests of the commit protocol. Files are byte arrays
 * keyed by path, directories are implied by their files or made by `mkdirs`. Faults can be injected
 * per method and path (`failNext`), to stop a commit at any step as a crash or an outage would.
 */
export class MemoryLakeStorage implements LakeStorage {
  readonly uri = 'memory://lake';
  readonly atomicRename = true;
  private readonly files = new Map<string, { data: Buffer; modifiedMs: number; version: number }>();
  /** Every write gets a new version (stricter than S3's ETag, which equal bytes share). */
  private writes = 0;
  private readonly dirs = new Set<string>(['']);
  private faults: Fault[] = [];
  /** Every call made, in order, as `method path`: lets a test see the protocol's steps. */
  readonly calls: string[] = [];

  /** The next `times` calls of these methods (on paths matching `when`) fail with LAKE_UNAVAILABLE, or `error`. */
  failNext(
    methods: Method[],
    options: { times?: number; when?: (path: string) => boolean; error?: () => Error } = {},
  ): void {
    this.faults.push({
      methods,
      remaining: options.times ?? 1,
      when: options.when ?? (() => true),
      error: options.error ?? (() => new GamepipeError('LAKE_UNAVAILABLE', 'injected fault: the lake does not answer')),
    });
  }

  async ping(): Promise<void> {
    this.enter('ping', '');
  }

  async list(dir: string): Promise<LakeEntry[]> {
    this.enter('list', dir);
    const prefix = dir === '' ? '' : `${dir}/`;
    const children = new Map<string, LakeEntry>();
    for (const [path, file] of this.files) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const name = rest.split('/')[0]!;
      const isDirectory = rest.includes('/');
      children.set(name, {
        path: prefix + name,
        name,
        isDirectory,
        size: isDirectory ? 0 : file.data.length,
        modifiedMs: file.modifiedMs,
      });
    }
    for (const d of this.dirs) {
      if (d === '' || !d.startsWith(prefix) || d.slice(prefix.length).includes('/')) continue;
      const name = d.slice(prefix.length);
      if (!children.has(name)) children.set(name, { path: d, name, isDirectory: true, size: 0, modifiedMs: 0 });
    }
    return [...children.values()];
  }

  async stat(path: string): Promise<LakeEntry | null> {
    this.enter('stat', path);
    const file = this.files.get(path);
    const name = path.split('/').at(-1)!;
    if (file) return { path, name, isDirectory: false, size: file.data.length, modifiedMs: file.modifiedMs };
    return this.isDir(path) ? { path, name, isDirectory: true, size: 0, modifiedMs: 0 } : null;
  }

  async read(path: string): Promise<Buffer | null> {
    this.enter('read', path);
    return this.files.get(path)?.data ?? null;
  }

  async readVersioned(path: string): Promise<VersionedFile | null> {
    this.enter('readVersioned', path);
    const file = this.files.get(path);
    return file ? { data: file.data, version: String(file.version), modifiedMs: file.modifiedMs } : null;
  }

  /** Checked and set in one synchronous step: no other call runs in between. */
  async replaceIfVersion(path: string, data: Uint8Array, version: string): Promise<string | null> {
    this.enter('replaceIfVersion', path);
    if (String(this.files.get(path)?.version) !== version) return null;
    this.files.set(path, this.written(Buffer.from(data)));
    return String(this.writes);
  }

  async create(path: string, data: Uint8Array): Promise<void> {
    this.enter('create', path);
    this.putNew(path, Buffer.from(data));
  }

  async upload(localFile: string, path: string): Promise<void> {
    this.enter('upload', path);
    this.putNew(path, readFileSync(localFile));
  }

  async rename(from: string, to: string): Promise<void> {
    this.enter('rename', from);
    const file = this.files.get(from);
    if (!file) throw new GamepipeError('LAKE_NOT_FOUND', `${from} does not exist in the lake`);
    if (this.files.has(to) || this.isDir(to))
      throw new GamepipeError('LAKE_EXISTS', `${to} already exists in the lake`);
    this.files.delete(from);
    this.files.set(checkLakePath(to), file);
  }

  async replace(path: string, data: Uint8Array): Promise<void> {
    this.enter('replace', path);
    this.files.set(path, this.written(Buffer.from(data)));
  }

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    this.enter('delete', path);
    if (this.files.delete(path)) return true;
    if (!this.isDir(path)) return false;
    const inside = [...this.files.keys()].filter((p) => p.startsWith(`${path}/`));
    if (inside.length > 0 && !options.recursive)
      throw new GamepipeError('LAKE_ERROR', `${path} is a directory that is not empty`);
    for (const p of inside) this.files.delete(p);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(`${path}/`)) this.dirs.delete(d);
    return true;
  }

  async mkdirs(dir: string): Promise<void> {
    this.enter('mkdirs', dir);
    if (this.files.has(dir)) throw new GamepipeError('LAKE_EXISTS', `${dir} is a file`);
    this.dirs.add(dir);
  }

  async close(): Promise<void> {}

  private isDir(path: string): boolean {
    return this.dirs.has(path) || [...this.files.keys()].some((p) => p.startsWith(`${path}/`));
  }

  private putNew(path: string, data: Buffer): void {
    if (this.files.has(path) || this.isDir(path))
      throw new GamepipeError('LAKE_EXISTS', `${path} already exists in the lake`);
    this.files.set(path, this.written(data));
    this.dirs.add(parentOf(path));
  }

  private written(data: Buffer): { data: Buffer; modifiedMs: number; version: number } {
    return { data, modifiedMs: Date.now(), version: ++this.writes };
  }

  private enter(method: Method, path: string): void {
    if (path !== '') checkLakePath(path);
    this.calls.push(`${method} ${path}`);
    const fault = this.faults.find((f) => f.remaining > 0 && f.methods.includes(method) && f.when(path));
    if (!fault) return;
    fault.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    throw fault.error();
  }
}
