import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { isS3PreconditionFailed } from './s3-errors.js';

/** Runs one S3 call with the adapter's retries; `earlierMayHaveLanded` as in withS3Retries. */
export type S3Send = <T>(what: string, call: (earlierMayHaveLanded: boolean) => Promise<T>) => Promise<T>;

/** Where a multipart upload's bytes come from, a part at a time: fewer bytes than asked at the end, then none. */
export interface PartSource {
  read(offset: number, length: number): Promise<Buffer>;
  /** After the last part went up: throws when the bytes sent are no longer the source's (the upload is then aborted). */
  verify?(): Promise<void>;
}

export interface MultipartUpload {
  client: S3Client;
  send: S3Send;
  bucket: string;
  key: string;
  source: PartSource;
  /** Bytes per part (S3: at least 5 MiB but the last); memory held is about partSize × partsInFlight. */
  partSize: number;
  partsInFlight: number;
  /** True when the object at `key` has exactly these bytes (HEAD and compare ETags): a completion lost in transit. */
  landedAlready: (expectedEtag: string) => Promise<boolean>;
}

/** A complete local file of `size` bytes as a part source; `run` closes it. */
export async function withLocalFileSource<T>(
  localFile: string,
  size: number,
  run: (source: PartSource) => Promise<T>,
): Promise<T> {
  const file = await open(localFile, 'r');
  try {
    return await run({
      async read(offset, length) {
        const body = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
        const { bytesRead } = await file.read(body, 0, body.length, offset);
        if (bytesRead !== body.length) throw new Error(`${localFile} changed while it was uploaded`);
        return body;
      },
    });
  } finally {
    await file.close();
  }
}

/** The ETag S3 gives a multipart object: the MD5 of the parts' MD5s, then `-<parts>` (unencrypted or SSE-S3 objects). */
export function multipartEtag(parts: CompletedPart[]): string {
  const digests = parts.map((part) => Buffer.from((part.ETag ?? '').replace(/"/g, ''), 'hex'));
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}`;
}

/**
 * Starts a multipart upload to `key` and streams its source into it as parts (at most
 * `partsInFlight` in memory), as far as the source has bytes; returns its id and parts. Nothing is
 * visible until it is completed; a failure aborts it, so no invisible parts are left to pay for.
 */
export async function startUploadInParts(
  upload: Omit<MultipartUpload, 'landedAlready'>,
): Promise<{ uploadId: string; parts: CompletedPart[] }> {
  const { client, send, bucket, key } = upload;
  const created = await send('start a multipart upload of', () =>
    client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })),
  );
  const uploadId = created.UploadId!;
  try {
    const parts = await sendParts(upload, uploadId);
    await upload.source.verify?.();
    return { uploadId, parts };
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Parts 1, 2, … of `partSize` bytes each, read from the source in order by `partsInFlight` workers
 * until one comes back short (the last part) or empty (past the end; part 1 goes up even empty).
 */
async function sendParts(upload: Omit<MultipartUpload, 'landedAlready'>, uploadId: string): Promise<CompletedPart[]> {
  const { client, send, bucket, key, source, partSize } = upload;
  const parts: CompletedPart[] = [];
  let next = 0;
  let end = Number.POSITIVE_INFINITY; // the index of the first part past the end, once a worker has seen it
  const worker = async () => {
    while (next < end) {
      const index = next++;
      const body = await source.read(index * partSize, partSize);
      if (body.length < partSize) end = Math.min(end, body.length === 0 && index > 0 ? index : index + 1);
      if (index >= end) return;
      const answer = await send(`upload part ${index + 1} of`, () =>
        client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: body,
            ContentLength: body.length,
          }),
        ),
      );
      parts[index] = { ETag: answer.ETag, PartNumber: index + 1 };
    }
  };
  await Promise.all(Array.from({ length: upload.partsInFlight }, worker));
  return parts.slice(0, end);
}

/**
 * A local file into one new object, streamed as a multipart upload, then completed with
 * `If-None-Match: *`, so an object that appeared meanwhile is never overwritten: that completion
 * fails with 412, read as LAKE_EXISTS by the caller. Any other failure aborts the upload; a refused
 * completion and a process killed mid-upload do leave parts: a bucket lifecycle rule
 * (AbortIncompleteMultipartUpload) clears those.
 */
export async function uploadInParts(upload: MultipartUpload): Promise<void> {
  const { client, send, bucket, key } = upload;
  const { uploadId, parts } = await startUploadInParts(upload);
  try {
    await send('complete the multipart upload of', async (earlierMayHaveLanded) => {
      try {
        await client.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
            IfNoneMatch: '*',
          }),
        );
      } catch (error) {
        // A completion that landed but whose answer was lost: retried, it is refused (412) or the upload is gone (404).
        if (earlierMayHaveLanded && (await upload.landedAlready(multipartEtag(parts)))) return;
        throw error;
      }
    });
  } catch (error) {
    // Not after a refused completion: S3 would only drop the parts, but S3Mock 4.8.0's abort deletes
    // the object now at the key, the other writer's. Those parts wait for the lifecycle rule.
    if (!isS3PreconditionFailed(error)) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
    }
    throw error;
  }
}
