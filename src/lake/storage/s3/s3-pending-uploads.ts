import { stat as statLocal } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type CompletedPart,
  type ListMultipartUploadsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GamepipeError } from '../../../errors.js';
import { logger } from '../../../logger.js';
import { FileRewrittenError, GrowingFile } from '../local/growing-file.js';
import type { WrittenFile } from '../local/scratch-dir.js';
import type { CompletedAs, PendingUpload, PendingUploads } from '../pending-uploads.js';
import { isS3NotFound, isS3PreconditionFailed, isS3ServerError, s3Error } from './s3-errors.js';
import {
  multipartEtag,
  type PartSource,
  type S3Send,
  startUploadInParts,
  withLocalFileSource,
} from './s3-multipart-upload.js';

/** What the pending uploads need of the S3 adapter that owns them (its client, names and retries). */
export interface S3PendingUploadsAccess {
  client: S3Client;
  bucket: string;
  partSize: number;
  partsInFlight: number;
  key(path: string): string;
  show(path: string): string;
  send: S3Send;
  checkConditionalWrites(): Promise<void>;
}

async function sizeOf(localFile: string): Promise<number> {
  try {
    return (await statLocal(localFile)).size;
  } catch (error) {
    throw new GamepipeError('LAKE_ERROR', `cannot upload ${localFile}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Pending uploads on S3: open multipart uploads (see PendingUploads). Completion is conditional
 * (`If-None-Match: *`, which the adapter's probe has checked the store honours). A completion retried
 * after a lost answer, or repeated by a recovery, is refused (412) or finds its upload gone (404);
 * the object's ETag (the MD5 of the parts' MD5s) then tells whether it is this upload's.
 */
export class S3PendingUploads implements PendingUploads {
  constructor(private readonly s3: S3PendingUploadsAccess) {}

  async begin(localFile: string | WrittenFile, path: string): Promise<PendingUpload> {
    const { s3 } = this;
    await s3.checkConditionalWrites();
    try {
      const { uploadId, parts } =
        typeof localFile === 'string'
          ? await withLocalFileSource(localFile, await sizeOf(localFile), (source) => this.start(source, path))
          : await this.startWhileWritten(localFile, path);
      return { path, uploadId, parts: parts.map((p) => (p.ETag ?? '').replace(/"/g, '')) };
    } catch (error) {
      throw s3Error(error, 'upload', s3.show(path));
    }
  }

  /**
   * Parts go up as the encoder writes them. Should it go back over bytes already sent (no Parquet
   * encoder here does), that upload is aborted and the whole file goes up again once complete.
   */
  private async startWhileWritten(
    file: WrittenFile,
    path: string,
  ): Promise<{ uploadId: string; parts: CompletedPart[] }> {
    const growing = await GrowingFile.open(file);
    try {
      return await this.start({ read: (o, n) => growing.read(o, n), verify: () => growing.checkUnchanged() }, path);
    } catch (error) {
      if (!(error instanceof FileRewrittenError)) throw error;
      logger.warn(`${error.message} while it went up to ${this.s3.show(path)}: uploading it again, whole`);
    } finally {
      await growing.close();
    }
    await file.written;
    return withLocalFileSource(file.path, await sizeOf(file.path), (source) => this.start(source, path));
  }

  private start(source: PartSource, path: string): Promise<{ uploadId: string; parts: CompletedPart[] }> {
    const { s3 } = this;
    return startUploadInParts({
      client: s3.client,
      send: (what, call) => s3.send(`${what} ${s3.show(path)}`, call),
      bucket: s3.bucket,
      key: s3.key(path),
      source,
      partSize: s3.partSize,
      partsInFlight: s3.partsInFlight,
    });
  }

  async complete(upload: PendingUpload): Promise<CompletedAs> {
    const { s3 } = this;
    const parts = upload.parts.map((etag, index) => ({ ETag: `"${etag}"`, PartNumber: index + 1 }));
    try {
      await s3.send(`complete the upload of ${s3.show(upload.path)}`, () =>
        s3.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: s3.bucket,
            Key: s3.key(upload.path),
            UploadId: upload.uploadId,
            MultipartUpload: { Parts: parts },
            IfNoneMatch: '*',
          }),
        ),
      );
      return 'completed';
    } catch (error) {
      const refused = isS3PreconditionFailed(error) || isS3NotFound(error);
      // The store answers, but fails this completion through every retry: S3Mock 4.8.0 does so for
      // ever for an upload open when it restarted (S3 keeps open uploads). Read below as lost when
      // nothing is at the key: the commit then removes what its intent made visible, which is safe
      // whatever the store did, and the batch is staged again.
      if (!refused && !isS3ServerError(error)) throw s3Error(error, 'complete', s3.show(upload.path));
      // Refused, gone or failing: an earlier completion of this very upload, another object, or nothing.
      let etag: string | undefined;
      try {
        etag = await this.etagAt(upload.path);
      } catch {
        throw s3Error(error, 'complete', s3.show(upload.path)); // the store does not answer now: the completion's failure
      }
      if (etag === multipartEtag(parts)) return 'completed';
      if (etag !== undefined) return 'taken';
      if (isS3NotFound(error) || !refused) return 'lost';
      throw s3Error(error, 'complete', s3.show(upload.path));
    }
  }

  /**
   * Never while an object is at the path: S3 would only drop the parts, but S3Mock 4.8.0's abort
   * deletes the object at the key (see README.md). Those parts wait for the bucket's lifecycle rule.
   */
  async abort(upload: Pick<PendingUpload, 'path' | 'uploadId'>): Promise<void> {
    const { s3 } = this;
    if ((await this.etagAt(upload.path)) !== undefined) return;
    try {
      await s3.send(`abort the upload of ${s3.show(upload.path)}`, () =>
        s3.client.send(
          new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: s3.key(upload.path), UploadId: upload.uploadId }),
        ),
      );
    } catch (error) {
      if (!isS3NotFound(error)) throw s3Error(error, 'abort', s3.show(upload.path));
    }
  }

  /** The ETag of the object at `path`, bare; undefined when there is none. */
  private async etagAt(path: string): Promise<string | undefined> {
    const { s3 } = this;
    try {
      const answer = await s3.send(`stat ${s3.show(path)}`, () =>
        s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: s3.key(path) })),
      );
      return answer.ETag?.replace(/"/g, '');
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw s3Error(error, 'stat', s3.show(path));
    }
  }

  async listOpen(dir: string): Promise<Pick<PendingUpload, 'path' | 'uploadId'>[]> {
    const { s3 } = this;
    const prefix = `${s3.key(dir)}/`;
    const open: Pick<PendingUpload, 'path' | 'uploadId'>[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      let page: ListMultipartUploadsCommandOutput;
      try {
        page = await s3.send(`list the open uploads under ${s3.show(dir)}`, () =>
          s3.client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket, Prefix: prefix, ...markers })),
        );
      } catch (error) {
        throw s3Error(error, 'list the open uploads under', s3.show(dir));
      }
      for (const upload of page.Uploads ?? []) {
        const name = upload.Key!.slice(prefix.length);
        if (name === '') continue;
        open.push({ path: dir === '' ? name : `${dir}/${name}`, uploadId: upload.UploadId! });
      }
      if (!page.IsTruncated) return open;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }
}
