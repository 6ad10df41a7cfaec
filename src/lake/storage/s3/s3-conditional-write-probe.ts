import { randomUUID } from 'node:crypto';
import { GamepipeError } from '../../../errors.js';
import { isS3PreconditionFailed, s3Error } from './s3-errors.js';

/** What the probe needs of the store: a conditional PUT, a delete, and how to name a path. */
export interface ProbeTarget {
  /** `the S3-compatible store at …` or `Amazon S3`, for the refusal's one line. */
  store: string;
  /** PUTs a small object at `path` with `If-None-Match: *`, with retries; the SDK's error as it came. */
  putIfAbsent(path: string): Promise<void>;
  remove(path: string): Promise<unknown>;
  show(path: string): string;
}

/**
 * Resolves when the store refuses to overwrite on `If-None-Match: *`: one probe object written
 * twice (the second PUT must answer 412), then deleted. A store that overwrote fails with one line
 * naming it: exactly-once writing there cannot be fenced, so it is refused, not trusted.
 */
export async function probeConditionalWrites(target: ProbeTarget): Promise<void> {
  const path = `_tmp/.conditional-write-probe-${randomUUID()}`;
  try {
    await target.putIfAbsent(path);
  } catch (error) {
    throw s3Error(error, 'write a probe object at', target.show(path));
  }
  let refused = false;
  try {
    await target.putIfAbsent(path);
  } catch (error) {
    if (!isS3PreconditionFailed(error)) throw s3Error(error, 'write a probe object again at', target.show(path));
    refused = true;
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
}
