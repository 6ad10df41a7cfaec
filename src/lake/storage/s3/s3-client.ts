import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { logger } from '../../../logger.js';
import type { S3Location } from './s3-location.js';
import type { S3RetryPolicy } from './s3-retry.js';

export interface S3LakeStorageOptions {
  location: S3Location;
  /** An S3-compatible store's address (MinIO, R2, GCS, a test server); unset for AWS S3 itself. */
  endpoint?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; by default on when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** By default the SDK's chain (AWS_REGION, the profile, the instance). */
  region?: string;
  /** Per request: connecting, sending and waiting for the answer, and each gap while it streams; 30 s by default. */
  requestTimeoutMs?: number;
  /**
   * Files larger than this go up as multipart uploads of parts this size; 5 MiB (the least S3 takes) by
   * default: a file still being encoded goes up part by part as it grows, and smaller parts start sooner.
   */
  partSizeBytes?: number;
  /** Parts uploaded at once (memory: about partSize × this); 2 by default. */
  partsInFlight?: number;
  /** Keys per listing request (S3 answers at most 1,000); lower only to test paging. */
  listPageSize?: number;
  retry?: Partial<S3RetryPolicy>;
}

const quiet = () => undefined;

/**
 * The SDK logs a failed call as an object (client, command, input, error): its command and error name
 * make a line; the input (keys, bodies) and the request (signed headers, a session token) never do.
 */
function sdkLine(message: unknown): string {
  if (typeof message !== 'object' || message === null) return String(message).split('\n')[0]!.slice(0, 300);
  const { commandName, error } = message as { commandName?: string; error?: { name?: string; message?: string } };
  const what = [commandName, error?.name, error?.message?.split('\n')[0]].filter(Boolean).join(': ');
  return (what || 'an SDK message').slice(0, 300);
}

const sdkLogger = {
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: (message: unknown) => logger.debug({ from: 'aws-sdk' }, sdkLine(message)),
  error: (message: unknown) => logger.debug({ from: 'aws-sdk' }, sdkLine(message)),
};

/** The SDK's client as the adapter uses it: no retries of its own (withS3Retries reports each), bounded waits. */
export function createS3Client(options: S3LakeStorageOptions): S3Client {
  const timeout = options.requestTimeoutMs ?? 30_000;
  return new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    maxAttempts: 1, // retries are withS3Retries', so each is reported once
    // The SDK warns on the console of failures this adapter handles ("non-retryable streaming request"): debug lines instead.
    logger: sdkLogger,
    // requestTimeout runs until the answer's headers (body sent, at most one part); socketTimeout is the gap while a body streams.
    requestHandler: {
      connectionTimeout: timeout,
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
      socketTimeout: timeout,
    },
    // S3-compatible stores lag behind AWS's default checksums (streamed CRC trailers); send them where required only.
    ...(options.endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

/** An ETag as S3 quotes it, bare: a single-part object's is the MD5 of its bytes. */
export const stripQuotes = (etag: string | undefined) => (etag ?? '').replace(/"/g, '');

/** The MD5 of a local file, streamed, to compare with an ETag. */
export function md5OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
