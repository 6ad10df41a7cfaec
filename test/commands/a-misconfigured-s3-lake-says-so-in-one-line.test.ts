import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GAMEPIPE_BIN } from '../helpers/cli.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT } from '../lake/s3-test-server.js';

/** Values no output, log line or file may ever show. */
const SECRET = 'wJalrXUtnFEMI-gamepipe-secret-4711';
const TOKEN = 'FwoGZXIvYXdz-gamepipe-session-token-0815';

/** A fresh environment: the SDK's chain sees these credentials and no file of the user's. */
function awsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(AWS_|GAMEPIPE_)/.test(name)) delete env[name];
  const nowhere = tempDir('gamepipe-no-aws-');
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIAGAMEPIPETEST',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_SESSION_TOKEN: TOKEN,
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(nowhere, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(nowhere, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    GAMEPIPE_LOG_LEVEL: 'debug', // the most a log says: still no secret
    ...extra,
  };
}

/** `gamepipe <args>` without blocking this process: the fake stores below answer from it. */
function gamepipe(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [GAMEPIPE_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

/** A server that answers every request with one canned answer, and remembers each method it was asked. */
async function fakeStore(answer: { status: number; type: string; body: string; headers?: Record<string, string> }) {
  const methods: string[] = [];
  const server: Server = createServer((req, res) => {
    methods.push(req.method!);
    req.resume();
    res.writeHead(answer.status, { 'content-type': answer.type, ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, methods };
}

const s3Error = (code: string, message: string, extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>R1</RequestId></Error>`;

/** Exit 1 with one line on stderr that matches `says`, nothing on stdout, no secret anywhere, nothing written. */
async function refusedInOneLine(
  store: { endpoint: string; methods: string[] },
  says: RegExp,
  env: NodeJS.ProcessEnv = awsEnv(),
): Promise<void> {
  const dataDir = tempDir();
  const result = await gamepipe(
    [
      'stream',
      'all',
      '--once',
      '--data-dir',
      dataDir,
      '--lake',
      's3://game-lake/prod',
      '--s3-endpoint',
      store.endpoint,
    ],
    env,
  );
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('gamepipe'));
  assert.equal(result.status, 1, result.stderr);
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0]!, says);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  for (const secret of [SECRET, TOKEN]) assert.ok(!`${result.stdout}${result.stderr}`.includes(secret), 'no secret');
  assert.deepEqual(
    store.methods.filter((m) => m !== 'GET' && m !== 'HEAD'),
    [],
    'nothing was written to the store',
  );
}

describe('an S3 lake that cannot be used is refused in one line, with what to fix, and nothing written', () => {
  it('a wrong secret key names AWS_SECRET_ACCESS_KEY, never its value', async () => {
    const store = await fakeStore({
      status: 403,
      type: 'application/xml',
      body: s3Error(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        '<AWSAccessKeyId>AKIAGAMEPIPETEST</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256</StringToSign>',
      ),
    });
    await refusedInOneLine(store, /SignatureDoesNotMatch.*check AWS_SECRET_ACCESS_KEY/);
  });

  it('an unknown access key names AWS_ACCESS_KEY_ID', async () => {
    const store = await fakeStore({
      status: 403,
      type: 'application/xml',
      body: s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'),
    });
    await refusedInOneLine(store, /InvalidAccessKeyId.*check AWS_ACCESS_KEY_ID/);
  });

  it("a region mismatch names the bucket's region to set", async () => {
    const store = await fakeStore({
      status: 400,
      type: 'application/xml',
      body: s3Error(
        'AuthorizationHeaderMalformed',
        "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
        '<Region>eu-west-1</Region>',
      ),
    });
    await refusedInOneLine(store, /set AWS_REGION=eu-west-1/);
  });

  it('an expired session token says to get fresh credentials', async () => {
    const store = await fakeStore({
      status: 400,
      type: 'application/xml',
      body: s3Error('ExpiredToken', 'The provided token has expired.'),
    });
    await refusedInOneLine(store, /ExpiredToken.*get fresh credentials/);
  });

  it('an endpoint that answers web pages is named as not speaking S3', async () => {
    const store = await fakeStore({ status: 200, type: 'text/html', body: '<html><body>Welcome</body></html>' });
    await refusedInOneLine(store, new RegExp(`${store.endpoint} does not speak S3 .*check --s3-endpoint`));
    const notFound = await fakeStore({ status: 404, type: 'text/html', body: '<html>Not found</html>' });
    await refusedInOneLine(notFound, new RegExp(`${notFound.endpoint} does not speak S3 .*HTTP 404`));
  });

  it('https to a plain-HTTP port says so, not an OpenSSL dump', async () => {
    const store = await fakeStore({ status: 200, type: 'text/html', body: '' });
    const https = { ...store, endpoint: store.endpoint.replace('http:', 'https:') };
    await refusedInOneLine(https, /TLS failed: wrong version number \(the endpoint speaks plain HTTP/);
  });

  it('AWS_PROFILE naming a missing profile is named, even with keys in the environment', async () => {
    const store = await fakeStore({ status: 500, type: 'text/plain', body: 'never asked' });
    await refusedInOneLine(
      store,
      /AWS_PROFILE=no-such-profile names no usable profile/,
      awsEnv({ AWS_PROFILE: 'no-such-profile' }),
    );
    assert.deepEqual(store.methods, [], 'no request without credentials');
  });

  it('an access key without its secret is named, not "no credentials from any providers" alone', async () => {
    const store = await fakeStore({ status: 500, type: 'text/plain', body: 'never asked' });
    const env = awsEnv();
    delete env.AWS_SECRET_ACCESS_KEY;
    await refusedInOneLine(store, /AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY/, env);
  });

  it('status reports the lake as not answering, and who holds the writers as unknown, not as "no writer"', async () => {
    const store = await fakeStore({ status: 200, type: 'text/html', body: '<html>Welcome</html>' });
    const result = await gamepipe(
      [
        'status',
        '--data-dir',
        tempDir(),
        '--port',
        '1',
        '--lake',
        's3://game-lake/prod',
        '--s3-endpoint',
        store.endpoint,
      ],
      awsEnv(),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^lake +s3://game-lake/prod: .*${store.endpoint} does not speak S3`, 'm'));
    assert.match(result.stdout, /^ buy +\| - +\| unknown +\| unknown$/m);
    assert.doesNotMatch(result.stdout, /no writer/);
  });

  it('a store that takes the connection and never answers does not hold status for minutes', async () => {
    const silent = createNetServer((socket) => socket.resume());
    silent.listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    after(() => silent.close());
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const result = await gamepipe(
      ['status', '--data-dir', tempDir(), '--port', '1', '--lake', 's3://game-lake/prod', '--s3-endpoint', endpoint],
      awsEnv(),
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^lake +s3:\/\/game-lake\/prod: S3 could not list .* now \(no answer within 5 s\)$/m);
    assert.ok(Date.now() - started < 45_000, `status took ${Date.now() - started} ms`);
  });

  it('simulate checks the lake before it writes a month of events to the log', async () => {
    const store = await fakeStore({
      status: 404,
      type: 'application/xml',
      body: s3Error('NoSuchBucket', 'The specified bucket does not exist'),
    });
    const dataDir = tempDir();
    const result = await gamepipe(
      [
        'simulate',
        '--players',
        '5',
        '--days',
        '1',
        '--data-dir',
        dataDir,
        '--lake',
        's3://game-lake/x',
        '--s3-endpoint',
        store.endpoint,
      ],
      awsEnv(),
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^gamepipe: could not list s3:\/\/game-lake\/x: the bucket does not exist/m);
    assert.equal(result.stdout, '', 'no simulated month reported');
    assert.ok(!existsSync(join(dataDir, 'log')), 'nothing in the log');
  });
});

describe('an S3 lake URI S3 could not hold is a usage error (exit 2), in one line, before anything runs', () => {
  for (const lake of [
    's3://',
    's3:///x',
    's3://game-lake/100%',
    's3://game-lake/a%zz',
    's3://game-lake/a/../b',
    's3://game-lake/a//b',
    's3://game-lake/x?versionId=1',
    's3://game-lake/line\nbreak',
    's3://game-lake/a%0Ab',
  ]) {
    it(JSON.stringify(lake), async () => {
      const result = await gamepipe(['verify', '--data-dir', tempDir(), '--lake', lake], awsEnv());
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^gamepipe: invalid lake "[^\n]*\n$/);
    });
  }

  it('an AWS_ENDPOINT_URL_S3 that is not a URL is named', async () => {
    const result = await gamepipe(['verify', '--data-dir', tempDir(), '--lake', 's3://game-lake/x'], {
      ...awsEnv(),
      AWS_ENDPOINT_URL_S3: 'minio:9000',
    });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, 'gamepipe: invalid AWS_ENDPOINT_URL_S3 "minio:9000": expected http://minio:9000\n');
  });
});

describe('on an S3 lake under DuckDB, the next steps point at Trino', () => {
  it('simulate lands the month and names a report that can run', async (t) => {
    if (!(await requireS3(t))) return;
    const lake = `s3://${S3_BUCKET}/gamepipe-tests/${uniqueName('simulate-next')}`;
    const env: NodeJS.ProcessEnv = { ...awsEnv(), AWS_ACCESS_KEY_ID: 'gamepipe-test', GAMEPIPE_LOG_LEVEL: 'warn' };
    delete env.AWS_SESSION_TOKEN;
    const result = await gamepipe(
      [
        'simulate',
        '--players',
        '5',
        '--days',
        '1',
        '--data-dir',
        tempDir(),
        '--lake',
        lake,
        '--s3-endpoint',
        S3_ENDPOINT,
      ],
      env,
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /next: gamepipe report --trino-url http:\/\/trino:8080 \(DuckDB reads no s3:\/\/ or hdfs:\/\/ lake here\)\n$/,
    );
  });
});
