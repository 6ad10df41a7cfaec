import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { isGamepipeError } from '../../src/errors.js';
import { lakeLocation, openLakeStorage } from '../../src/lake/storage/open-lake-storage.js';
import { parseS3Uri, s3Uri } from '../../src/lake/storage/s3/s3-location.js';
import { s3RetryDelay, defaultS3RetryPolicy } from '../../src/lake/storage/s3/s3-retry.js';

const invalid = (raw: string) =>
  assert.throws(
    () => parseS3Uri(raw),
    (error: unknown) => isGamepipeError(error) && error.code === 'CONFIG_INVALID' && !error.message.includes('\n'),
    raw,
  );

describe('an S3 lake named by its URI', () => {
  it('takes s3://bucket/prefix, with or without slashes around the prefix, and s3a://', () => {
    assert.deepEqual(parseS3Uri('s3://game-lake'), { bucket: 'game-lake', prefix: '' });
    assert.deepEqual(parseS3Uri('s3://game-lake/'), { bucket: 'game-lake', prefix: '' });
    assert.deepEqual(parseS3Uri('s3://game-lake/prod/lake/'), { bucket: 'game-lake', prefix: 'prod/lake' });
    assert.deepEqual(parseS3Uri('s3a://game.lake/x'), { bucket: 'game.lake', prefix: 'x' });
    assert.equal(s3Uri(parseS3Uri('s3a://game-lake/prod/')), 's3://game-lake/prod');
  });

  it('refuses what is not a bucket and a prefix inside it, in one line', () => {
    for (const raw of [
      's3://',
      's3:///prefix',
      's3://Upper/x',
      's3://a/x',
      's3://lake/a/../b',
      's3://lake/a//b',
      's3://lake/x?y=1',
      's3://lake/100%',
      's3://lake/%zz',
      's3://lake/a%2F..%2Fb',
      's3://lake/tab\there',
      's3://lake/a%0Ab',
      `s3://lake/${'x'.repeat(901)}`,
    ]) {
      invalid(raw);
    }
  });

  it('decodes an escaped prefix and keeps spaces and unicode, which S3 keys may hold', () => {
    assert.deepEqual(parseS3Uri('s3://game-lake/100%25/with%20space'), {
      bucket: 'game-lake',
      prefix: '100%/with space',
    });
    assert.deepEqual(parseS3Uri('s3://game-lake/ünï/çødé/'), { bucket: 'game-lake', prefix: 'ünï/çødé' });
  });

  it('refuses a bad S3 lake where the config is read, so the command line is at fault (exit 2)', () => {
    assert.throws(
      () => loadConfig({ flags: { lake: 's3://game-lake/100%' }, env: {} }),
      (error: unknown) =>
        isGamepipeError(error) && error.code === 'CONFIG_INVALID' && /escape like %20/.test(error.message),
    );
  });

  it('reads the endpoint of an S3-compatible store from the SDK variables, for path-style addressing', async () => {
    const config = { ...loadConfig({ flags: {}, env: {} }), lake: 's3://game-lake/prod' };
    assert.deepEqual(lakeLocation(config, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' }), {
      kind: 's3',
      uri: 's3://game-lake/prod',
      location: { bucket: 'game-lake', prefix: 'prod' },
      endpoint: 'http://127.0.0.1:9000',
    });
    assert.equal((lakeLocation(config, {}) as { endpoint?: string }).endpoint, undefined, 'AWS S3 itself');
    const storage = await openLakeStorage(config);
    assert.equal(storage.uri, 's3://game-lake/prod');
    assert.equal(storage.atomicRename, false);
    await storage.close();
  });
});

describe('S3 retry delays', () => {
  it('grow, stay under the cap, and are jittered in the upper half of the ceiling', () => {
    const policy = { ...defaultS3RetryPolicy, baseDelayMs: 200, maxDelayMs: 5000 };
    assert.equal(
      s3RetryDelay(policy, 1, () => 0),
      100,
    );
    assert.equal(
      s3RetryDelay(policy, 1, () => 1),
      200,
    );
    assert.equal(
      s3RetryDelay(policy, 3, () => 1),
      800,
    );
    assert.equal(
      s3RetryDelay(policy, 10, () => 1),
      5000,
    );
    assert.equal(
      s3RetryDelay(policy, 10, () => 0),
      2500,
    );
  });
});
