import { GamepipeError } from '../../../errors.js';

/** What the AWS SDK throws: a service answer carries `$metadata.httpStatusCode`; a network failure a `code`. */
interface SdkFailure {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  /** The raw answer (the SDK attaches it, not enumerable): its headers tell an HTML page or the bucket's region. */
  $response?: { headers?: Record<string, string | undefined> };
  /** AWS's AuthorizationHeaderMalformed names the bucket's region in its body; the SDK copies it here. */
  Region?: string;
}

const HINT = 'check that the S3 store answers (--s3-endpoint / AWS_ENDPOINT_URL_S3)';

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

const header = (failure: SdkFailure, name: string): string | undefined => failure.$response?.headers?.[name];

/** True when what answered is not S3 speaking: an HTML page (a web server, a proxy's error page, Trino's UI). */
export const answeredHtml = (error: unknown): boolean =>
  /^text\/html/i.test(header(error as SdkFailure, 'content-type') ?? '');

/** The TLS failure in a few words ("wrong version number", "self-signed certificate"), or undefined. */
function tlsFailure(failure: SdkFailure): string | undefined {
  const message = failure.message ?? '';
  const openssl = /SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
  if (openssl) return openssl;
  if (/CERT|SELF_SIGNED|ERR_TLS/.test(failure.code ?? '')) return message.split(';')[0]!.trim();
  return undefined;
}

/** One line a person can read; the SDK's messages carry no credentials, but never more than the first line. */
export function s3Reason(error: unknown): string {
  const failure = error as SdkFailure;
  const status = statusOf(failure);
  const tls = tlsFailure(failure);
  if (tls) return `TLS failed: ${tls}`;
  if (answeredHtml(error)) return `${status ? `HTTP ${status} with ` : ''}an HTML page, not an S3 answer`;
  const timedOut = /exceeded the configured (\d+) ms requestTimeout/.exec(failure.message ?? '');
  if (timedOut) return `no answer within ${Number(timedOut[1]) / 1000} s`;
  const message = (failure.message ?? '').split('\n')[0]!.trim().slice(0, 200);
  const given = failure.code ?? failure.name;
  // "Error" says nothing, and "ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9190" says it twice.
  const name = given === 'Error' || (given && message.includes(given)) ? undefined : given;
  return (
    [status ? `HTTP ${status}` : undefined, name, message && message !== name ? message : undefined]
      .filter(Boolean)
      .join(' ') || 'Error'
  );
}

/** What a person can do about a refusal the store (or the SDK) named, when the name says. */
function hintFor(failure: SdkFailure): string | undefined {
  const name = failure.name ?? '';
  const region = failure.Region ?? header(failure, 'x-amz-bucket-region');
  if (name === 'SignatureDoesNotMatch')
    return "the secret key does not match the access key ID: check AWS_SECRET_ACCESS_KEY (or the profile's aws_secret_access_key)";
  if (name === 'InvalidAccessKeyId')
    return 'the store does not know this access key ID: check AWS_ACCESS_KEY_ID (or the profile named by AWS_PROFILE)';
  if (/^(InvalidToken|ExpiredToken|ExpiredTokenException|TokenRefreshRequired)$/.test(name))
    return "the session token (AWS_SESSION_TOKEN, or the profile's) is invalid or expired: get fresh credentials";
  if (region || /^(AuthorizationHeaderMalformed|PermanentRedirect|IllegalLocationConstraintException)$/.test(name))
    return `the bucket is in ${region ? `region ${region}` : 'another region'}: set AWS_REGION${region ? `=${region}` : ''}`;
  if (answeredHtml(failure) || statusOf(failure) === 405)
    return 'the endpoint does not speak S3: check --s3-endpoint (GAMEPIPE_S3_ENDPOINT, AWS_ENDPOINT_URL_S3)';
  if (/wrong version number|packet length too long/.test(tlsFailure(failure) ?? ''))
    return 'the endpoint speaks plain HTTP: give it as http://… in --s3-endpoint';
  if (tlsFailure(failure))
    return "the store's TLS certificate was refused: NODE_EXTRA_CA_CERTS=<ca.pem> trusts a private CA";
  if (statusOf(failure) === 403) return 'the credentials were refused, or lack permission on this bucket and prefix';
  return undefined;
}

/** The credential chain's refusal, naming the profile when one was asked for (the SDK then ignores AWS_ACCESS_KEY_ID). */
function credentialsHint(env: NodeJS.ProcessEnv): string {
  if (!env.AWS_PROFILE && Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY))
    return `${env.AWS_ACCESS_KEY_ID ? 'AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY' : 'AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID'}: the SDK takes the two together or neither`;
  if (env.AWS_PROFILE)
    return `AWS_PROFILE=${env.AWS_PROFILE} names no usable profile in ~/.aws/config or ~/.aws/credentials (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE); while AWS_PROFILE is set the SDK reads no AWS_ACCESS_KEY_ID`;
  return 'give S3 credentials and a region the AWS way: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance role; AWS_REGION';
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
  // A web server's 404 page is not S3 saying "no such key": the endpoint is wrong, say so.
  if (isS3NotFound(error) && !answeredHtml(error))
    return new GamepipeError('LAKE_NOT_FOUND', `${where} does not exist (${reason})`);
  if (isRetriableS3Failure(error)) {
    return new GamepipeError('LAKE_UNAVAILABLE', `S3 could not ${what} ${where} now (${reason})`, {
      hint: HINT,
      cause: error,
    });
  }
  if (failure.name === 'CredentialsProviderError') {
    return new GamepipeError('CONFIG_INVALID', `could not ${what} ${where}: ${reason}`, {
      hint: credentialsHint(process.env),
      cause: error,
    });
  }
  if (/region is missing|region not accepted/i.test(failure.message ?? '')) {
    return new GamepipeError('CONFIG_INVALID', `could not ${what} ${where}: ${reason}`, {
      hint: "set AWS_REGION to the bucket's region (e.g. eu-west-1; us-east-1 or auto for most S3-compatible stores)",
      cause: error,
    });
  }
  const hint = hintFor(failure);
  return new GamepipeError('LAKE_ERROR', `could not ${what} ${where}: ${reason}`, {
    ...(hint ? { hint } : {}),
    cause: error,
  });
}
