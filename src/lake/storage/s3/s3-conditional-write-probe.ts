import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GamepipeError } from '../../../errors.js';
import { isRetriableS3Failure, isS3PreconditionFailed, s3Error } from './s3-errors.js';

/** What the probe needs of the adapter: its client and bucket, retries, a delete, and how to name a path. */
export interface ProbeTarget {
  /** `the S3-compatible store at …` or `Amazon S3`, for the refusal's one line. */
  store: string;
  client: S3Client;
  bucket: string;
  key(path: string): string;
  /** One call with retries; the SDK's error as it came. */
  send<T>(what: string, attempt: () => Promise<T>): Promise<T>;
  remove(path: string): Promise<unknown>;
  show(path: string): string;
}

/** A small probe object at `path`, PUT with these conditions. */
const putProbe = (target: ProbeTarget, path: string, conditions: { IfNoneMatch?: string; IfMatch?: string }) =>
  target.send(`write a probe object at ${target.show(path)}`, async () => {
    await target.client.send(
      new PutObjectCommand({ Bucket: target.bucket, Key: target.key(path), Body: 'probe', ...conditions }),
    );
  });

/** What the store was seen to honour; `If-None-Match: *` always (else the probe fails). */
export interface ConditionalWrites {
  /** A PUT with `If-Match: <a wrong ETag>` was refused: a compare-and-swap holds there. */
  ifMatch: boolean;
}

/** No object's ETag: an MD5 in hex is never all zeros in practice. */
const WRONG_ETAG = '"00000000000000000000000000000000"';

/**
 * Resolves when the store refuses to overwrite on `If-None-Match: *`: one probe object written
 * twice (the second PUT must answer 412), then once more naming a wrong ETag (`If-Match`: refused
 * means a compare-and-swap holds), then deleted. A store that overwrote on `If-None-Match` fails with
 * one line naming it: exactly-once writing there cannot be fenced, so it is refused, not trusted. One
 * that ignores `If-Match` only loses the compare-and-swap (`ifMatch: false`): what needs it refuses.
 * Both checks are of one request at a time; S3Mock 4.8.0 passes them yet lets two conditional PUTs
 * that arrive together both succeed (see README.md), which no single probe can see.
 */
export async function probeConditionalWrites(target: ProbeTarget): Promise<ConditionalWrites> {
  const path = `_tmp/.conditional-write-probe-${randomUUID()}`;
  try {
    await putProbe(target, path, { IfNoneMatch: '*' });
  } catch (error) {
    throw s3Error(error, 'write a probe object at', target.show(path));
  }
  let refused = false;
  let ifMatch = false;
  try {
    try {
      await putProbe(target, path, { IfNoneMatch: '*' });
    } catch (error) {
      if (!isS3PreconditionFailed(error)) throw s3Error(error, 'write a probe object again at', target.show(path));
      refused = true;
    }
    if (refused) ifMatch = await refusesWrongEtag(target, path);
  } finally {
    await target.remove(path).catch(() => false);
  }
  if (!refused) {
    throw new GamepipeError(
      'LAKE_ERROR',
      `${target.store} ignores conditional writes (a PUT with If-None-Match: * overwrote an existing object), so gamepipe cannot write its lake there exactly once`,
      { hint: 'use a store that honours If-None-Match (AWS S3, MinIO, R2, GCS)' },
    );
  }
  return { ifMatch };
}

/** True when a PUT naming a wrong ETag is refused (412); false when it overwrote, or the store rejects If-Match itself (501, 400). */
async function refusesWrongEtag(target: ProbeTarget, path: string): Promise<boolean> {
  try {
    await putProbe(target, path, { IfMatch: WRONG_ETAG });
    return false;
  } catch (error) {
    if (isS3PreconditionFailed(error)) return true;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 501 && isRetriableS3Failure(error))
      throw s3Error(error, 'write a probe object with If-Match at', target.show(path));
    return false;
  }
}
