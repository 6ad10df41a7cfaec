import { logger } from '../../../logger.js';
import { backoffDelay } from '../../../util/retry.js';
import { isRetriableS3Failure, s3Reason } from './s3-errors.js';

/** One retry about to happen, as the adapter reports it. */
export interface S3Retry {
  /** The verb and the s3:// name, e.g. "create s3://lake/events/x.parquet". */
  what: string;
  /** 1 for the first retry. */
  retry: number;
  /** How many retries this call may take in all. */
  retries: number;
  delayMs: number;
  reason: string;
}

export interface S3RetryPolicy {
  /** Retries after the first attempt; 4 by default. */
  retries: number;
  /** The first delay's ceiling; doubled each retry up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Told of each retry before its wait; by default one warning line in the log. */
  onRetry: (retry: S3Retry) => void;
}

export const logS3Retry = (retry: S3Retry): void =>
  logger.warn(
    { retry: retry.retry, retries: retry.retries, delayMs: retry.delayMs },
    `S3 could not ${retry.what} (${retry.reason}): retry ${retry.retry} of ${retry.retries} in ${retry.delayMs} ms`,
  );

export const defaultS3RetryPolicy: S3RetryPolicy = {
  retries: 4,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  onRetry: logS3Retry,
};

/** The project's one backoff (capped, doubling, equal jitter) with this policy's bounds. */
export const s3RetryDelay = (policy: S3RetryPolicy, retry: number, random = Math.random): number =>
  backoffDelay(retry, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, random);

/**
 * Runs `attempt` until it succeeds, fails for good, or has been retried `policy.retries` times.
 * Only what `isRetriableS3Failure` calls "not now" is retried (throttling, 5xx, timeouts, refused
 * connections); `attempt` gets the attempt number and whether an earlier one may have taken effect
 * (it failed without a clear refusal), which a conditional write needs to read its own 412 right.
 * The SDK's own retries are off (maxAttempts 1) so that each retry is said here, once.
 */
export async function withS3Retries<T>(
  policy: S3RetryPolicy,
  what: string,
  attempt: (state: { attempt: number; earlierMayHaveLanded: boolean }) => Promise<T>,
): Promise<T> {
  let earlierMayHaveLanded = false;
  for (let n = 0; ; n++) {
    try {
      return await attempt({ attempt: n + 1, earlierMayHaveLanded });
    } catch (error) {
      if (n >= policy.retries || !isRetriableS3Failure(error)) throw error;
      earlierMayHaveLanded = true;
      const delayMs = s3RetryDelay(policy, n + 1);
      policy.onRetry({ what, retry: n + 1, retries: policy.retries, delayMs, reason: s3Reason(error) });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
