import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat as statLocal } from 'node:fs/promises';
import { GamepipeError } from '../../errors.js';
import { checkLakePath } from './lake-path-check.js';
import type { LakeEntry, LakeStorage } from './lake-storage.js';
import { WebHdfsClient, type WebHdfsAnswer } from './webhdfs-client.js';
import type { PutBody } from './webhdfs-datanode-put.js';
import { webHdfsError } from './webhdfs-errors.js';

export interface WebHdfsLakeStorageOptions {
  /** The NameNode's HTTP address, e.g. http://127.0.0.1:9870. */
  webhdfsUrl: string;
  /** The lake's absolute HDFS path, e.g. /lake. */
  root: string;
  /** The HDFS user files are written as (`user.name`). */
  user: string;
  /** The lake as people and engines name it, e.g. hdfs://127.0.0.1:8020/lake. */
  uri: string;
  /** Connect, headers and body-gap timeout per HTTP request; 30 s by default. */
  requestTimeoutMs?: number;
}

interface FileStatus {
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  modificationTime: number;
}

const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** `{"boolean":false}`: how WebHDFS says an operation did nothing, with a 200. */
function saysFalse(answer: WebHdfsAnswer): boolean {
  try {
    return answer.body.length > 0 && (JSON.parse(answer.body.toString()) as { boolean?: boolean }).boolean === false;
  } catch {
    return false;
  }
}

/**
 * The lake on HDFS, through the NameNode's WebHDFS REST API. Every change is one NameNode operation
 * (or a DataNode write the NameNode completes), so it is durable once it resolves.
 * - `rename` uses `renameOptions=NONE`, HDFS's rename2: atomic, and it fails when the destination
 *   exists. Without renameOptions HDFS answers a failed rename with 200 `{"boolean":false}`.
 * - `replace` writes a hidden sibling, then renames it over the target with `renameOptions=OVERWRITE`:
 *   atomic on the NameNode, so readers see the old file or the new one.
 * - `create`/`upload` are two steps (CREATE at the NameNode answers 307 to a DataNode, which takes
 *   the bytes): not atomic, hence the port's rule that they only name hidden paths.
 * - `mkdirs` and `delete` are idempotent; `list`, `stat`, `read` change nothing.
 */
export class WebHdfsLakeStorage implements LakeStorage {
  readonly uri: string;
  /** HDFS's rename2 is one NameNode operation. */
  readonly atomicRename = true;
  private readonly root: string;
  private readonly client: WebHdfsClient;

  constructor(options: WebHdfsLakeStorageOptions) {
    const root = options.root.replace(/\/+$/, '');
    if (!options.root.startsWith('/') || root.split('/').some((s) => s === '.' || s === '..')) {
      throw new GamepipeError('CONFIG_INVALID', `the HDFS lake root must be an absolute path, not "${options.root}"`);
    }
    this.root = root;
    this.uri = options.uri.replace(/\/+$/, '');
    this.client = new WebHdfsClient({
      webhdfsUrl: options.webhdfsUrl,
      user: options.user,
      timeoutMs: options.requestTimeoutMs ?? 30_000,
    });
  }

  /** Answers when the NameNode does; a lake root that does not exist yet is fine (ping changes nothing). */
  async ping(): Promise<void> {
    const answer = await this.client.nameNode('GET', this.abs(''), 'GETFILESTATUS');
    if (answer.status !== 200) this.orNull(answer, 'reach', '');
  }

  async list(dir: string): Promise<LakeEntry[]> {
    const answer = await this.client.nameNode('GET', this.abs(dir), 'LISTSTATUS');
    if (answer.status !== 200) return this.orNull(answer, 'list', dir) ?? [];
    const statuses = (JSON.parse(answer.body.toString()) as { FileStatuses: { FileStatus: FileStatus[] } }).FileStatuses
      .FileStatus;
    // LISTSTATUS of a file answers the file itself, with an empty pathSuffix: nothing is under a file.
    return statuses
      .filter((s) => s.pathSuffix !== '')
      .map((s) => this.entry(dir === '' ? s.pathSuffix : `${dir}/${s.pathSuffix}`, s));
  }

  async stat(path: string): Promise<LakeEntry | null> {
    const answer = await this.client.nameNode('GET', this.abs(path), 'GETFILESTATUS');
    if (answer.status !== 200) return this.orNull(answer, 'stat', path);
    return this.entry(path, (JSON.parse(answer.body.toString()) as { FileStatus: FileStatus }).FileStatus);
  }

  /** The NameNode redirects OPEN to a DataNode holding the blocks; a directory reads as null too. */
  async read(path: string): Promise<Buffer | null> {
    const redirect = await this.client.nameNode('GET', this.abs(path), 'OPEN');
    if (redirect.status === 200) return redirect.body;
    if (redirect.status !== 307 || !redirect.location) return this.orNull(redirect, 'read', path);
    const answer = await this.client.readFromDataNode(redirect.location);
    if (answer.status !== 200) return this.orNull(answer, 'read', path);
    return answer.body;
  }

  /** Not atomic (a crash may leave a partial file); HDFS creates the parents. */
  async create(path: string, data: Uint8Array): Promise<void> {
    await this.write(path, 'create', () => ({ data, length: data.length }));
  }

  /** Streams `localFile` to the DataNode without holding it in memory; not atomic, like `create`. */
  async upload(localFile: string, path: string): Promise<void> {
    let length: number;
    try {
      length = (await statLocal(localFile)).size;
    } catch (error) {
      throw new GamepipeError('LAKE_ERROR', `cannot upload ${localFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    await this.write(path, 'upload', () => ({ data: createReadStream(localFile), length }));
  }

  /** Atomic and fenced: fails with LAKE_EXISTS when `to` exists as a file or a directory. */
  async rename(from: string, to: string): Promise<void> {
    const source = this.abs(from);
    const target = this.abs(to);
    // rename2 does not create parents: a missing one answers 404, which would read as a missing source.
    if (parentOf(to) !== '') await this.mkdirs(parentOf(to));
    const answer = await this.client.nameNode('PUT', source, 'RENAME', { destination: target, renameOptions: 'NONE' });
    if (answer.status === 200 && !saysFalse(answer)) return;
    if (answer.status === 200)
      throw new GamepipeError('LAKE_ERROR', `HDFS did not rename ${this.show(from)} to ${this.show(to)}`);
    const error = this.fail(answer, `rename ${this.show(from)} to`, to);
    if (error.code === 'LAKE_NOT_FOUND') throw this.fail(answer, 'rename', from);
    // A file renamed onto a directory answers a plain IOException ("must both be directories").
    if (error.code === 'LAKE_ERROR' && (await this.stat(to)) !== null) {
      throw new GamepipeError('LAKE_EXISTS', `${this.show(to)} already exists (${error.message})`, { cause: error });
    }
    throw error;
  }

  /** Atomic: a hidden temporary sibling renamed over `path` with OVERWRITE, in one NameNode operation. */
  async replace(path: string, data: Uint8Array): Promise<void> {
    const slash = checkLakePath(path).lastIndexOf('/');
    const temp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${randomBytes(6).toString('hex')}.tmp`;
    await this.create(temp, data);
    const answer = await this.client.nameNode('PUT', this.abs(temp), 'RENAME', {
      destination: this.abs(path),
      renameOptions: 'OVERWRITE',
    });
    if (answer.status === 200 && !saysFalse(answer)) return;
    await this.delete(temp).catch(() => false);
    throw answer.status === 200
      ? new GamepipeError('LAKE_ERROR', `HDFS did not replace ${this.show(path)}`)
      : this.fail(answer, 'replace', path);
  }

  /** Idempotent: deleting what is not there answers false. */
  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const answer = await this.client.nameNode('DELETE', this.abs(path), 'DELETE', {
      recursive: String(options.recursive === true),
    });
    if (answer.status !== 200) throw this.fail(answer, 'delete', path);
    return !saysFalse(answer);
  }

  /** Idempotent; a file in the way fails. */
  async mkdirs(dir: string): Promise<void> {
    const answer = await this.client.nameNode('PUT', this.abs(dir), 'MKDIRS');
    if (answer.status !== 200) throw this.fail(answer, 'create directory', dir);
    if (saysFalse(answer)) throw new GamepipeError('LAKE_ERROR', `HDFS did not create directory ${this.show(dir)}`);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async write(path: string, what: string, body: () => PutBody): Promise<void> {
    // The DataNode refuses an existing file with a 403 and closes the connection while the body
    // is still arriving: our write then often fails (EPIPE) before the 403 can be read. Asking the
    // NameNode first makes LAKE_EXISTS exact; a file appearing in between fails as LAKE_UNAVAILABLE,
    // and the retry that follows sees it here.
    if ((await this.stat(path)) !== null) throw new GamepipeError('LAKE_EXISTS', `${this.show(path)} already exists`);
    const redirect = await this.client.nameNode('PUT', this.abs(path), 'CREATE', { overwrite: 'false' });
    if (redirect.status !== 307 || !redirect.location) throw this.fail(redirect, what, path);
    // An existing file is refused only here, by the DataNode: the NameNode's CREATE answers 307 regardless.
    const answer = await this.client.writeToDataNode(redirect.location, body());
    if (answer.status !== 201) throw this.fail(answer, what, path);
  }

  private abs(path: string): string {
    return path === '' ? this.root || '/' : `${this.root}/${checkLakePath(path)}`;
  }

  private show(path: string): string {
    return path === '' ? this.uri : `${this.uri}/${path}`;
  }

  private fail(answer: WebHdfsAnswer, what: string, path: string): GamepipeError {
    return webHdfsError(answer.status, answer.body.toString(), what, this.show(path));
  }

  /** null for a path HDFS says does not exist; any other failure throws. */
  private orNull(answer: WebHdfsAnswer, what: string, path: string): null {
    const error = this.fail(answer, what, path);
    if (error.code === 'LAKE_NOT_FOUND') return null;
    throw error;
  }

  private entry(path: string, status: FileStatus): LakeEntry {
    const isDirectory = status.type === 'DIRECTORY';
    return {
      path,
      name: path.split('/').at(-1) ?? '',
      isDirectory,
      size: isDirectory ? 0 : status.length,
      modifiedMs: status.modificationTime,
    };
  }
}
