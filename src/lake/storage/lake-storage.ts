import type { PendingUploads } from './pending-uploads.js';

/** One entry of a lake directory. */
export interface LakeEntry {
  /** Path relative to the lake root, '/'-separated, never starting with '/'. */
  path: string;
  /** The last path segment. */
  name: string;
  isDirectory: boolean;
  /** Bytes; 0 for a directory. */
  size: number;
  /** Last modification, UTC milliseconds, as the store records it. */
  modifiedMs: number;
}

/** A file's bytes and the version they were read at, for a compare-and-swap (`replaceIfVersion`). */
export interface VersionedFile {
  data: Buffer;
  /** Opaque; names the bytes as stored (on S3 the ETag, their MD5: equal bytes may carry an equal version). */
  version: string;
  /** Last modification, UTC milliseconds, as the store records it (S3: whole seconds). */
  modifiedMs: number;
}

/**
 * Where the lake's files live: a local directory, HDFS over WebHDFS, S3 (or an S3-compatible store),
 * or memory (tests). Paths are
 * relative to the lake root and '/'-separated. Every adapter keeps these rules, checked by one
 * contract suite (test/lake/lake-storage-contract.test.ts):
 * - a method that resolves has taken durable effect (fsynced locally, acknowledged by the NameNode);
 * - `rename` never overwrites and never moves into an existing directory: a destination that exists
 *   fails with LAKE_EXISTS. Where `atomicRename` is true (local, HDFS, memory) it is also atomic: the
 *   fence that makes a lake commit exactly-once. Object stores have no rename: there it is a copy that
 *   never overwrites, then a delete, and code that needs the fence must take another path;
 * - `replace` is atomic: a reader sees the old bytes or the new ones, never a mix;
 * - `replaceIfVersion`, where present, is a compare-and-swap: what an owner lease is taken over and
 *   renewed with where `rename` cannot fence (S3);
 * - `create` and `upload` never overwrite (LAKE_EXISTS) and may leave a partial file on a crash (not
 *   on S3, where an object appears whole), so they only ever name hidden paths (a segment starting
 *   with `_` or `.`) that queries never read;
 * - a store that cannot be reached fails with LAKE_UNAVAILABLE (retriable); a missing path with
 *   LAKE_NOT_FOUND where the method says so.
 */
export interface LakeStorage {
  /** Where the lake is, for people and for engines that read it: `file:///abs/dir`, `hdfs://host:8020/dir` or `s3://bucket/prefix`. */
  readonly uri: string;
  /**
   * True when `rename` is one atomic step that no reader sees half done and that only one of two
   * racing callers can win (a local disk, HDFS, memory); false on object stores (S3), where it is
   * a fenced copy then a delete. A commit that makes files visible by renaming them branches on it.
   */
  readonly atomicRename: boolean;
  /**
   * An object store's invisible staging and atomic "make visible" (S3's multipart uploads), which a
   * commit uses instead of renames where `atomicRename` is false; absent elsewhere.
   */
  readonly pendingUploads?: PendingUploads;
  /** Resolves when the store answers at the lake root. */
  ping(): Promise<void>;
  /** The entries directly under `dir`, any order; [] when `dir` does not exist. */
  list(dir: string): Promise<LakeEntry[]>;
  /** The entry at `path`, or null when there is none. */
  stat(path: string): Promise<LakeEntry | null>;
  /** The whole file, or null when there is none. */
  read(path: string): Promise<Buffer | null>;
  /** A new file holding `data`; parents are created; LAKE_EXISTS when `path` exists. */
  create(path: string, data: Uint8Array): Promise<void>;
  /** A new file with the bytes of the local file `localFile`, streamed; parents are created; LAKE_EXISTS when `path` exists. */
  upload(localFile: string, path: string): Promise<void>;
  /** Moves a file; parents of `to` are created; LAKE_EXISTS when `to` exists, LAKE_NOT_FOUND when `from` does not; atomic only where `atomicRename`. */
  rename(from: string, to: string): Promise<void>;
  /** Sets `path` to `data` atomically, whether it existed or not; parents are created. */
  replace(path: string, data: Uint8Array): Promise<void>;
  /**
   * With `replaceIfVersion`, a compare-and-swap on one file, where the store has one (S3's
   * `If-Match`, memory); both absent on a local disk and HDFS, where the atomic, non-overwriting
   * `rename` fences instead. The whole file with its version, or null when there is none.
   */
  readVersioned?(path: string): Promise<VersionedFile | null>;
  /**
   * Sets `path` to `data` only while it still holds what `version` named (one atomic step: of two
   * callers naming the same version, one wins), and never creates it. The new version; null when the
   * file changed or is gone (nothing written). A store that cannot fence it fails with LAKE_ERROR.
   */
  replaceIfVersion?(path: string, data: Uint8Array, version: string): Promise<string | null>;
  /** Removes a file (or a directory with `recursive`); false when there was nothing. */
  delete(path: string, options?: { recursive?: boolean }): Promise<boolean>;
  /** Creates a directory and its parents; an existing one is fine. */
  mkdirs(dir: string): Promise<void>;
  close(): Promise<void>;
}

/** The store's compare-and-swap, when it has one (see `LakeStorage.readVersioned`). */
export type CompareAndSwap = Required<Pick<LakeStorage, 'readVersioned' | 'replaceIfVersion'>>;
export const compareAndSwapOf = (storage: LakeStorage): CompareAndSwap | undefined =>
  storage.readVersioned && storage.replaceIfVersion
    ? {
        readVersioned: (path) => storage.readVersioned!(path),
        replaceIfVersion: (path, data, version) => storage.replaceIfVersion!(path, data, version),
      }
    : undefined;

/** True for a path whose last segment is hidden from Hive, Trino, Spark and gamepipe's own views. */
export const isHiddenName = (name: string): boolean => name.startsWith('_') || name.startsWith('.');
