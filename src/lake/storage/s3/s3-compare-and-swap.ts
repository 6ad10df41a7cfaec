import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GamepipeError } from '../../../errors.js';
import type { VersionedFile } from '../lake-storage.js';
import { stripQuotes } from './s3-client.js';
import type { ConditionalWrites } from './s3-conditional-write-probe.js';
import { isS3NotFound, isS3PreconditionFailed } from './s3-errors.js';

/** What the compare-and-swap needs of the adapter. */
export interface S3CompareAndSwapDeps {
  client: S3Client;
  bucket: string;
  store: string;
  key(path: string): string;
  show(path: string): string;
  /** One call with retries; its failure as the port's error. */
  call<T>(what: string, path: string, attempt: (state: { earlierMayHaveLanded: boolean }) => Promise<T>): Promise<T>;
  /** The object's ETag as S3 quotes it, or undefined when there is none. */
  etagOf(path: string): Promise<string | undefined>;
  /** The probe's verdict (run once per adapter). */
  conditionalWrites(): Promise<ConditionalWrites>;
}

/**
 * The port's compare-and-swap on S3: a version is the object's ETag, and the swap is one PUT with
 * `If-Match: <ETag>`, which S3 (since November 2024), MinIO and R2 refuse with 412 once the object
 * changed, and with 404 once it is gone. Of two PUTs naming the same ETag, S3 lets one win.
 */
export class S3CompareAndSwap {
  constructor(private readonly deps: S3CompareAndSwapDeps) {}

  async readVersioned(path: string): Promise<VersionedFile | null> {
    const { client, bucket, key, call } = this.deps;
    try {
      return await call('read', path, async () => {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(path) }));
        const data = Buffer.from(await answer.Body!.transformToByteArray());
        return { data, version: answer.ETag ?? '', modifiedMs: answer.LastModified?.getTime() ?? 0 };
      });
    } catch (error) {
      if (error instanceof GamepipeError && error.code === 'LAKE_NOT_FOUND') return null;
      throw error;
    }
  }

  /** A 412 after an attempt that may have landed is ours when the object now holds exactly these bytes. */
  async replaceIfVersion(path: string, data: Uint8Array, version: string): Promise<string | null> {
    const { client, bucket, key, call, show, store } = this.deps;
    if (!(await this.deps.conditionalWrites()).ifMatch) {
      throw new GamepipeError(
        'LAKE_ERROR',
        `${store} ignores If-Match (a PUT naming a wrong ETag overwrote the probe object), so ${show(path)} cannot be replaced only if unchanged: an owner lease there cannot be taken over or renewed safely`,
        {
          hint: 'use a store that honours If-Match on PUT (AWS S3, MinIO, R2); or stop the writer that holds this lease, for sure, and delete the lease by hand',
        },
      );
    }
    return call('replace if unchanged', path, async ({ earlierMayHaveLanded }) => {
      try {
        const answer = await client.send(
          new PutObjectCommand({ Bucket: bucket, Key: key(path), Body: data, IfMatch: version }),
        );
        return answer.ETag ?? '';
      } catch (error) {
        if (!isS3PreconditionFailed(error) && !isS3NotFound(error)) throw error;
        if (earlierMayHaveLanded) {
          const now = await this.deps.etagOf(path);
          if (stripQuotes(now) === createHash('md5').update(data).digest('hex')) return now!;
        }
        return null;
      }
    });
  }
}
