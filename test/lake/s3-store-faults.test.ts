import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGamepipeError } from '../../src/errors.js';
import { redirectLogLines } from '../../src/logger.js';
import type { S3Retry } from '../../src/lake/storage/s3/s3-retry.js';
import { S3FaultProxy, slowDown } from './s3-fault-proxy.js';
import { freshS3Lake, requireS3, S3_ENDPOINT } from './s3-test-server.js';

const bytes = (text: string) => Buffer.from(text);

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(
    promise,
    (error: unknown) => isGamepipeError(error) && error.code === code && (!message || message.test(error.message)),
    `expected ${code}${message ? ` matching ${message}` : ''}`,
  );
}

/** A lake behind a proxy that misbehaves as `decide` says; both closed when the test ends. */
async function lakeBehind(
  t: { after: (fn: () => Promise<void>) => void },
  decide: ConstructorParameters<typeof S3FaultProxy>[1],
  options: Parameters<typeof freshS3Lake>[0] = {},
) {
  const proxy = new S3FaultProxy(S3_ENDPOINT, decide);
  const lake = freshS3Lake({ endpoint: await proxy.start(), ...options });
  t.after(async () => {
    await lake.close();
    await proxy.stop();
  });
  return { lake, proxy };
}

describe('S3 lake storage when the store misbehaves', () => {
  it('retries 503 SlowDown with backoff, one log line per retry, and then succeeds', async (t) => {
    if (!(await requireS3(t))) return;
    let throttled = 0;
    const { lake } = await lakeBehind(t, (req) =>
      req.method === 'GET' && throttled++ < 2 ? slowDown() : { kind: 'forward' },
    );
    const lines: string[] = [];
    const restore = redirectLogLines({ write: (line: string) => lines.push(line) });
    try {
      await lake.ping();
    } finally {
      restore();
    }
    const retries = lines.map((line) => JSON.parse(line) as { msg: string; level: number });
    assert.equal(retries.length, 2, lines.join(''));
    assert.match(retries[0]!.msg, /^S3 could not list s3:\/\/.+ \(HTTP 503 SlowDown .*\): retry 1 of 4 in \d+ ms$/);
    assert.match(retries[1]!.msg, /retry 2 of 4/);
    assert.ok(
      retries.every((r) => r.level === 40),
      'warnings',
    );
    assert.ok(!lines.join('').includes(process.env.AWS_SECRET_ACCESS_KEY!), 'no secret in the log');
  });

  it('gives up after its retries with LAKE_UNAVAILABLE (retriable), having asked exactly 1 + retries times', async (t) => {
    if (!(await requireS3(t))) return;
    const seen: S3Retry[] = [];
    const { lake, proxy } = await lakeBehind(t, () => slowDown(), {
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20, onRetry: (r) => seen.push(r) },
    });
    await rejectsWith(
      lake.read('any/file.parquet'),
      'LAKE_UNAVAILABLE',
      /S3 could not read s3:\/\/.+any\/file\.parquet now \(HTTP 503 SlowDown/,
    );
    assert.equal(proxy.seen.length, 4);
    assert.deepEqual(
      seen.map((r) => r.retry),
      [1, 2, 3],
    );
    assert.ok(
      seen.every((r) => r.delayMs >= 2 && r.delayMs <= 20),
      'capped',
    );
  });

  it('times out a request the store never answers, and retries it', async (t) => {
    if (!(await requireS3(t))) return;
    let hung = 0;
    const { lake } = await lakeBehind(t, () => (hung++ < 1 ? { kind: 'hang' } : { kind: 'forward' }), {
      requestTimeoutMs: 300,
      retry: { onRetry: () => undefined, baseDelayMs: 5, maxDelayMs: 10 },
    });
    const started = Date.now();
    assert.equal(await lake.stat('nothing/here'), null);
    assert.ok(Date.now() - started < 5000);
    assert.equal(hung, 3, 'one request hung, then HEAD and the directory listing went through');
  });

  it('a create whose answer was lost succeeds on retry: the 412 is its own object, recognised by its bytes', async (t) => {
    if (!(await requireS3(t))) return;
    let cut = 0;
    const { lake } = await lakeBehind(
      t,
      (req) =>
        req.method === 'PUT' && req.url?.includes('lost.json') && cut++ === 0
          ? { kind: 'forward-then-cut' }
          : { kind: 'forward' },
      { retry: { onRetry: () => undefined, baseDelayMs: 5, maxDelayMs: 10 } },
    );
    await lake.create('_locks/lost.json', bytes('{"mine":true}'));
    assert.equal(cut, 2, 'the first PUT landed unanswered; the retry was refused with 412');
    assert.equal((await lake.read('_locks/lost.json'))!.toString(), '{"mine":true}');
  });

  it('a create whose answer was lost still fails with LAKE_EXISTS when the object there has other bytes', async (t) => {
    if (!(await requireS3(t))) return;
    let cut = 0;
    const { lake } = await lakeBehind(
      t,
      (req) =>
        req.method === 'PUT' && req.url?.includes('taken.json') && cut++ === 0
          ? { kind: 'answer', status: 500, body: '' }
          : { kind: 'forward' },
      { retry: { onRetry: () => undefined, baseDelayMs: 5, maxDelayMs: 10 } },
    );
    // Another writer's object is there first; our first attempt fails with a 500 (so it may have landed), the retry gets 412.
    await lake.replace('_locks/taken.json', bytes('{"theirs":true}'));
    await rejectsWith(lake.create('_locks/taken.json', bytes('{"mine":true}')), 'LAKE_EXISTS');
    assert.equal((await lake.read('_locks/taken.json'))!.toString(), '{"theirs":true}');
  });

  it('refuses, in one line naming the store, a store that ignores If-None-Match, and writes nothing', async (t) => {
    if (!(await requireS3(t))) return;
    const { lake } = await lakeBehind(t, () => ({ kind: 'forward', dropHeaders: ['if-none-match'] }));
    let message = '';
    await assert.rejects(lake.create('_locks/a.json', bytes('a')), (error: unknown) => {
      message = isGamepipeError(error) && error.code === 'LAKE_ERROR' ? error.message : '';
      return message !== '';
    });
    assert.match(
      message,
      /^the S3-compatible store at http:\/\/127\.0\.0\.1:\d+ ignores conditional writes .*cannot write its lake there exactly once$/,
    );
    assert.ok(!message.includes('\n'));
    assert.equal(await lake.stat('_locks/a.json'), null, 'nothing written');
    assert.deepEqual(await lake.list('_tmp'), [], 'the probe object is removed');
    await rejectsWith(lake.upload('/dev/null', '_tmp/x.parquet'), 'LAKE_ERROR', /ignores conditional writes/);
  });
});
