import { GamepipeError } from '../../../errors.js';

/** What the AWS SDK throws: a service answer carries `$metadata.httpStatusCode`; a network failure a `code`. */
interface SdkFailure {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const HINT = 'check that the S3 store answers (--s3-endpoint / AWS_ENDPOINT_URL_S3); writers retry by themselves';

/** Names S3 and its SDK give to "not now": throttling, a busy or restarting store, a lost connection, a timeout. */
const notNow = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'ThrottlingException',
  'TooManyRequestsException',
  'TimeoutError',
  'RequestTimeoutException',
  // A conditional write racing another write to the same key: S3 asks the client to retry.
  'ConditionalRequestConflict',
]);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

const statusOf = (error: SdkFailure): number | undefined => error.$metadata?.httpStatusCode;

/** True when asking again may succeed: throttling (503 SlowDown), a 5xx, a 409 conflict, a refused or timed-out request. */
export function isRetriableS3Failure(error: unknown): boolean {
  const failure = error as SdkFailure;
  const status = statusOf(failure);
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (failure.name && notNow.has(failure.name)) return true;
  return failure.code !== undefined && networkCodes.has(failure.code);
}

/**
 * True for an answer of the store's own failure (500 InternalError and the like), not throttling
 * (503 SlowDown) nor a request that got no answer: the store is there, and fails this request.
 */
export const isS3ServerError = (error: unknown): boolean => {
  const status = statusOf(error as SdkFailure);
  return status !== undefined && status >= 500 && status !== 503;
};

/** True for an answer meaning "no such key" (GET answers NoSuchKey, HEAD a bare 404). */
export const isS3NotFound = (error: unknown): boolean => {
  const failure = error as SdkFailure;
  return (
    failure.name === 'NoSuchKey' ||
    failure.name === 'NotFound' ||
    (statusOf(failure) === 404 && failure.name !== 'NoSuchBucket')
  );
};

/**
 * True for a refused conditional write (`If-None-Match: *` on a key that exists): S3 answers 412.
 * S3Mock 4.8.0 answers a refused multipart completion with 304, read the same way: only a
 * conditional request can get a 304, and this adapter sends none but these writes.
 */
export const isS3PreconditionFailed = (error: unknown): boolean => {
  const failure = error as SdkFailure;
  return failure.name === 'PreconditionFailed' || statusOf(failure) === 412 || statusOf(failure) === 304;
};

/** One line a person can read; the SDK's messages carry no credentials, but never more than the first line. */
export function s3Reason(error: unknown): string {
  const failure = error as SdkFailure;
  const status = statusOf(failure);
  const message = (failure.message ?? '').split('\n')[0]!.trim().slice(0, 200);
  const name = failure.code ?? failure.name ?? 'Error';
  return [status ? `HTTP ${status}` : undefined, name, message && message !== name ? message : undefined]
    .filter(Boolean)
    .join(' ');
}

/** A failed S3 call as the port's error: `what` is the verb ("create"), `where` the s3:// name of the path. */
export function s3Error(error: unknown, what: string, where: string): GamepipeError {
  if (error instanceof GamepipeError) return error;
  const failure = error as SdkFailure;
  const reason = s3Reason(error);
  if (isS3PreconditionFailed(error)) return new GamepipeError('LAKE_EXISTS', `${where} already exists (${reason})`);
  if (failure.name === 'NoSuchBucket') {
    return new GamepipeError('LAKE_ERROR', `could not ${what} ${where}: the bucket does not exist`, {
      hint: 'create the bucket first; gamepipe never creates buckets',
      cause: error,
    });
  }
  if (isS3NotFound(error)) return new GamepipeError('LAKE_NOT_FOUND', `${where} does not exist (${reason})`);
  if (isRetriableS3Failure(error)) {
    return new GamepipeError('LAKE_UNAVAILABLE', `S3 could not ${what} ${where} now (${reason})`, {
      hint: HINT,
      cause: error,
    });
  }
  if (failure.name === 'CredentialsProviderError' || /region is missing/i.test(failure.message ?? '')) {
    return new GamepipeError('CONFIG_INVALID', `could not ${what} ${where}: ${reason}`, {
      hint: 'give S3 credentials and a region the AWS way: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance role; AWS_REGION',
      cause: error,
    });
  }
  const status = statusOf(failure);
  return new GamepipeError('LAKE_ERROR', `could not ${what} ${where}: ${reason}`, {
    ...(status === 403 ? { hint: 'the credentials were refused, or lack permission on this bucket and prefix' } : {}),
    cause: error,
  });
}
