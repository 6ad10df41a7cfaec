import { createConnection } from 'node:net';
import type { TestContext } from 'node:test';
import { S3LakeStorage, type S3LakeStorageOptions } from '../../src/lake/storage/s3/s3-lake-storage.js';
import { uniqueName } from '../helpers/temp-dir.js';

/** The test S3 server (test/services/s3.sh): its endpoint and the bucket it created. */
export const S3_ENDPOINT = process.env.GAMEPIPE_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9190';
export const S3_BUCKET = process.env.GAMEPIPE_TEST_S3_BUCKET ?? 'gamepipe-test';

// S3Mock checks no signature, but the SDK signs every request: placeholders unless `s3.sh env` was sourced.
process.env.AWS_ACCESS_KEY_ID ??= 'gamepipe-test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'gamepipe-test-placeholder';
process.env.AWS_REGION ??= 'us-east-1';

function reachable(endpoint: string): Promise<boolean> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(1000);
    const answer = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    socket.once('timeout', () => answer(false));
  });
}

/** True when the server answers; under CI a missing server fails the test, elsewhere it skips it. */
export async function requireS3(t: Pick<TestContext, 'skip'>): Promise<boolean> {
  if (await reachable(S3_ENDPOINT)) return true;
  const message = `the test S3 server is not reachable at ${S3_ENDPOINT}; start it with: test/services/s3.sh start`;
  if (process.env.CI) throw new Error(message);
  t.skip(message);
  return false;
}

/** This test file's own prefix in the bucket, so that runs never see each other's keys. */
export const runPrefix = uniqueName('lake');
let lakesMade = 0;

/** An adapter on a fresh, empty lake root under this run's prefix. */
export const freshS3Lake = (options: Partial<S3LakeStorageOptions> = {}): S3LakeStorage =>
  new S3LakeStorage({
    location: { bucket: S3_BUCKET, prefix: `gamepipe-tests/${runPrefix}/${++lakesMade}` },
    endpoint: S3_ENDPOINT,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
