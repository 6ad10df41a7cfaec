import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat as statLocal } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GamepipeError } from '../../../errors.js';
import { checkLakePath } from '../lake-path-check.js';
import type { LakeEntry, LakeStorage, VersionedFile } from '../lake-storage.js';
import { createS3Client, md5OfFile, type S3LakeStorageOptions, stripQuotes } from './s3-client.js';
import { S3CompareAndSwap } from './s3-compare-and-swap.js';
import { type ConditionalWrites, probeConditionalWrites } from './s3-conditional-write-probe.js';
import { isS3NotFound, isS3PreconditionFailed, s3Error } from './s3-errors.js';
import { s3Uri } from './s3-location.js';
import { uploadInParts, withLocalFileSource } from './s3-multipart-upload.js';
import { S3PendingUploads } from './s3-pending-uploads.js';
import { defaultS3RetryPolicy, type S3RetryPolicy, withS3Retries } from './s3-retry.js';
import { S3Tree } from './s3-tree.js';

export type { S3LakeStorageOptions } from './s3-client.js';

const MiB = 1024 * 1024;
/** A one-key listing answers in well under a second; five is a store that is not answering. */
const PING_TIMEOUT_MS = 5_000;

/**
 * The lake on S3 or an S3-compatible store, through the AWS SDK v3 (credentials and region from the
 * SDK's standard chain, never logged). How the port's rules hold on an object store:
 * - `create`/`upload` never overwrite: a conditional PUT (`If-None-Match: *`; multipart: on its
 *   completion), refused with 412 when the key exists; a store that ignores the header is refused
 *   (`checkConditionalWrites`). A new object appears whole or not at all.
 * - `replace` is one unconditional PUT: atomic per object (readers get the old bytes or the new).
 * - `replaceIfVersion` is a PUT with `If-Match: <ETag>` (S3CompareAndSwap): owner leases' fence here.
 * - `rename` is NOT atomic (`atomicRename` is false): a fenced copy, then a delete; commits use
 *   `pendingUploads` instead (see ObjectStoreTableFormat).
 * - Directories are emulated: key prefixes split on '/', plus an empty `dir/` marker from `mkdirs`.
 * - Throttling (503 SlowDown), 5xx answers, timeouts and refused connections are retried with capped
 *   backoff and jitter, one log line per retry; then LAKE_UNAVAILABLE (retriable).
 */
export class S3LakeStorage implements LakeStorage {
  readonly uri: string;
  readonly atomicRename = false;
  /** Open multipart uploads: the invisible staging the rename-free commit lands files through. */
  readonly pendingUploads: S3PendingUploads;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly store: string;
  private readonly policy: S3RetryPolicy;
  private readonly partSize: number;
  private readonly partsInFlight: number;
  private readonly tree: S3Tree;
  private readonly compareAndSwap: S3CompareAndSwap;
  private probe: Promise<ConditionalWrites> | undefined;
  private readonly pingTimeoutMs: number;

  constructor(options: S3LakeStorageOptions) {
    this.bucket = options.location.bucket;
    this.prefix = options.location.prefix;
    this.uri = s3Uri(options.location);
    this.store = options.endpoint ? `the S3-compatible store at ${options.endpoint}` : 'Amazon S3';
    this.policy = { ...defaultS3RetryPolicy, ...options.retry };
    this.partSize = Math.max(5 * MiB, options.partSizeBytes ?? 5 * MiB);
    this.partsInFlight = Math.max(1, options.partsInFlight ?? 2);
    this.client = createS3Client(options);
    this.pingTimeoutMs = Math.min(options.requestTimeoutMs ?? PING_TIMEOUT_MS, PING_TIMEOUT_MS);
    this.tree = new S3Tree(this.client, this.bucket, options.listPageSize ?? 1000, this.send);
    this.pendingUploads = new S3PendingUploads({
      ...{ client: this.client, bucket: this.bucket, partSize: this.partSize, partsInFlight: this.partsInFlight },
      key: (path) => this.key(path),
      show: (path) => this.show(path),
      send: (what, call) => this.send(what, ({ earlierMayHaveLanded }) => call(earlierMayHaveLanded)),
      checkConditionalWrites: () => this.checkConditionalWrites(),
    });
    this.compareAndSwap = new S3CompareAndSwap({
      ...{ client: this.client, bucket: this.bucket, store: this.store },
      key: (path) => this.key(path),
      show: (path) => this.show(path),
      call: (what, path, attempt) => this.call(what, path, attempt),
      etagOf: async (path) => (await this.head(path))?.etag,
      conditionalWrites: () => this.conditionalWrites(),
    });
  }

  /**
   * A one-key listing, each try bounded by PING_TIMEOUT_MS (retried as any call: throttling at a
   * writer's start is ridden out): a store that takes the connection and never answers must not hold
   * `status` (or any command's first check) for the minutes the writes' 30 s timeouts allow.
   */
  async ping(): Promise<void> {
    await this.tree.hasAnyUnder(this.dirPrefix(''), this.show(''), this.pingTimeoutMs);
  }

  list(dir: string): Promise<LakeEntry[]> {
    return this.tree.list(this.dirPrefix(dir), dir, this.show(dir));
  }

  async stat(path: string): Promise<LakeEntry | null> {
    if (path === '') return { path, name: '', isDirectory: true, size: 0, modifiedMs: 0 };
    const head = await this.head(path);
    if (head)
      return { path, name: path.split('/').at(-1)!, isDirectory: false, size: head.size, modifiedMs: head.modifiedMs };
    if (!(await this.tree.hasAnyUnder(this.dirPrefix(path), this.show(path)))) return null;
    return { path, name: path.split('/').at(-1)!, isDirectory: true, size: 0, modifiedMs: 0 };
  }

  async read(path: string): Promise<Buffer | null> {
    try {
      return await this.send(`read ${this.show(path)}`, async () => {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
        return Buffer.from(await answer.Body!.transformToByteArray());
      });
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw s3Error(error, 'read', this.show(path));
    }
  }

  async create(path: string, data: Uint8Array): Promise<void> {
    const md5 = createHash('md5').update(data).digest('hex');
    await this.putNew(
      path,
      'create',
      () => ({ Body: data, ContentLength: data.length }),
      async () => md5,
    );
  }

  /** One PUT of the file's stream up to the part size; beyond it a multipart upload (see uploadInParts). */
  async upload(localFile: string, path: string): Promise<void> {
    let size: number;
    try {
      size = (await statLocal(localFile)).size;
    } catch (error) {
      throw new GamepipeError('LAKE_ERROR', `cannot upload ${localFile}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (size <= this.partSize) {
      await this.putNew(
        path,
        'upload',
        () => ({ Body: createReadStream(localFile), ContentLength: size }),
        () => md5OfFile(localFile),
      );
      return;
    }
    await this.checkConditionalWrites();
    if (await this.head(path)) throw new GamepipeError('LAKE_EXISTS', `${this.show(path)} already exists`);
    try {
      await withLocalFileSource(localFile, size, (source) =>
        uploadInParts({
          client: this.client,
          send: (what, call) =>
            this.send(`${what} ${this.show(path)}`, ({ earlierMayHaveLanded }) => call(earlierMayHaveLanded)),
          bucket: this.bucket,
          key: this.key(path),
          source,
          partSize: this.partSize,
          partsInFlight: this.partsInFlight,
          landedAlready: async (etag) => stripQuotes((await this.head(path))?.etag) === etag,
        }),
      );
    } catch (error) {
      throw s3Error(error, 'upload', this.show(path));
    }
  }

  /**
   * Not atomic (see the class): a conditional PUT of the bytes under the new name (not CopyObject:
   * S3Mock 4.8.0 ignores If-None-Match on a copy), then a delete. At most 5 GiB (S3's PUT limit).
   */
  async rename(from: string, to: string): Promise<void> {
    const source = await this.head(from);
    if (!source) throw new GamepipeError('LAKE_NOT_FOUND', `${this.show(from)} does not exist`);
    // A conditional PUT sees only its own key: a directory (a prefix) at `to` must be looked for.
    if (await this.stat(to)) throw new GamepipeError('LAKE_EXISTS', `${this.show(to)} already exists`);
    await this.putNew(
      to,
      'rename',
      async () => {
        const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(from) }));
        return { Body: answer.Body as Readable, ContentLength: answer.ContentLength ?? source.size };
      },
      async () => stripQuotes(source.etag), // a multipart source's ETag never matches: a lost answer then reads as LAKE_EXISTS
    );
    await this.call('delete', from, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(from) })),
    );
  }

  /** One PUT: S3 makes an object's new bytes visible at once, so readers see the old file or the new one. */
  async replace(path: string, data: Uint8Array): Promise<void> {
    await this.call('replace', path, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: data })),
    );
  }

  readVersioned = (path: string): Promise<VersionedFile | null> => this.compareAndSwap.readVersioned(path);
  replaceIfVersion = (path: string, data: Uint8Array, version: string): Promise<string | null> =>
    this.compareAndSwap.replaceIfVersion(path, data, version);

  async delete(path: string, options: { recursive?: boolean } = {}): Promise<boolean> {
    const file = path !== '' && (await this.head(path)) !== null;
    if (file) {
      await this.call('delete', path, () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) })),
      );
    }
    if (!file || options.recursive) {
      const removed = await this.tree.deleteUnder(this.dirPrefix(path), options.recursive === true, this.show(path));
      return file || removed;
    }
    return true;
  }

  /** A `dir/` marker object, only where no key is under `dir/` yet; a file named `dir` in the way fails. */
  async mkdirs(dir: string): Promise<void> {
    if (dir === '') return;
    if (await this.head(dir)) throw new GamepipeError('LAKE_EXISTS', `${this.show(dir)} is a file, not a directory`);
    if (await this.tree.hasAnyUnder(this.dirPrefix(dir), this.show(dir))) return;
    await this.call('create directory', dir, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.dirPrefix(dir), Body: new Uint8Array() })),
    );
  }

  /**
   * Resolves when the store refuses to overwrite on `If-None-Match: *` (probeConditionalWrites). Done
   * once, before the first write that needs it; a store that overwrote fails for good with one line naming it.
   */
  async checkConditionalWrites(): Promise<void> {
    await this.conditionalWrites();
  }

  /** The probe's verdict, also on `If-Match` (whether `replaceIfVersion` can fence here). */
  private conditionalWrites(): Promise<ConditionalWrites> {
    this.probe ??= probeConditionalWrites({
      ...{ store: this.store, client: this.client, bucket: this.bucket, send: this.send },
      key: (path) => this.key(path),
      remove: (path) => this.delete(path),
      show: (path) => this.show(path),
    }).catch((error: unknown) => {
      this.probe = undefined; // an outage is not a verdict: the next write probes again
      throw error;
    });
    return this.probe;
  }

  close = async (): Promise<void> => this.client.destroy();

  /** A PUT that must not overwrite; a 412 after an attempt that may have landed is ours when the bytes match. */
  private async putNew(
    path: string,
    what: string,
    body: () =>
      | Pick<PutObjectCommandInput, 'Body' | 'ContentLength'>
      | Promise<Pick<PutObjectCommandInput, 'Body' | 'ContentLength'>>,
    md5: () => Promise<string>,
  ): Promise<void> {
    await this.checkConditionalWrites();
    await this.call(what, path, async ({ earlierMayHaveLanded }) => {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), IfNoneMatch: '*', ...(await body()) }),
        );
      } catch (error) {
        if (
          earlierMayHaveLanded &&
          isS3PreconditionFailed(error) &&
          stripQuotes((await this.head(path))?.etag) === (await md5())
        )
          return;
        throw error;
      }
    });
  }

  private async head(path: string): Promise<{ size: number; modifiedMs: number; etag: string | undefined } | null> {
    try {
      const answer = await this.send(`stat ${this.show(path)}`, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) })),
      );
      return { size: answer.ContentLength ?? 0, modifiedMs: answer.LastModified?.getTime() ?? 0, etag: answer.ETag };
    } catch (error) {
      if (isS3NotFound(error)) return null;
      throw s3Error(error, 'stat', this.show(path));
    }
  }

  /** One call with retries; its failure as the port's error. */
  private async call<T>(what: string, path: string, attempt: Parameters<typeof withS3Retries<T>>[2]): Promise<T> {
    try {
      return await withS3Retries(this.policy, `${what} ${this.show(path)}`, attempt);
    } catch (error) {
      throw s3Error(error, what, this.show(path));
    }
  }

  private readonly send: <T>(what: string, attempt: Parameters<typeof withS3Retries<T>>[2]) => Promise<T> = (
    what,
    attempt,
  ) => withS3Retries(this.policy, what, attempt);

  private key(path: string): string {
    if (path === '') return this.prefix;
    return this.prefix ? `${this.prefix}/${checkLakePath(path)}` : checkLakePath(path);
  }

  /** The prefix of every key under `dir` ('' for the bucket root). */
  private dirPrefix(dir: string): string {
    const key = this.key(dir);
    return key === '' ? '' : `${key}/`;
  }

  private show(path: string): string {
    return path === '' ? this.uri : `${this.uri}/${path}`;
  }
}
