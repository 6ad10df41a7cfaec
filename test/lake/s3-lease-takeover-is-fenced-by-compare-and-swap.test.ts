import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import { after, describe, it } from 'node:test';
import { isGamepipeError } from '../../src/errors.js';
import { type LeaseRecord, OwnerLeases, readLease } from '../../src/lake/commit/owner-lease.js';
import { redirectLogLines } from '../../src/logger.js';
import { S3LakeStorage } from '../../src/lake/storage/s3/s3-lake-storage.js';
import { S3FaultProxy } from './s3-fault-proxy.js';
import { requireS3, runPrefix, S3_BUCKET, S3_ENDPOINT } from './s3-test-server.js';

const KEY = 'buy+0';
const LOCK = '_locks/buy+0.lock';
let lakes = 0;
const nextPrefix = () => `gamepipe-tests/${runPrefix}/lease-${++lakes}`;
const lakeAt = (endpoint: string, prefix: string) =>
  new S3LakeStorage({
    location: { bucket: S3_BUCKET, prefix },
    endpoint,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });

/** A lease left by a writer of this host that crashed: takeable at once (its pid is gone). */
const crashedHolder = (): LeaseRecord => ({
  host: hostname(),
  pid: spawnSync('true').pid!,
  token: 'crashed-writer',
  what: 'a crashed writer',
});

const isLockWrite = (req: IncomingMessage) =>
  req.method === 'PUT' && decodeURIComponent(req.url ?? '').includes(`/${LOCK}`);

/** Resolves `promise`, or fails the test after `ms` with `what` (a gate that never opens must not hang it). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

after(async () => {
  if (!(await requireS3({ skip: () => undefined }))) return;
  const all = new S3LakeStorage({ location: { bucket: S3_BUCKET, prefix: 'gamepipe-tests' }, endpoint: S3_ENDPOINT });
  await all.delete(runPrefix, { recursive: true });
  await all.close();
});

describe('owner leases on S3 are fenced by a compare-and-swap (PUT If-Match)', () => {
  it('two takers of one stale lease: exactly one wins, the other is told who owns it', async (t) => {
    if (!(await requireS3(t))) return;
    const prefix = nextPrefix();
    const seed = lakeAt(S3_ENDPOINT, prefix);
    await seed.create(LOCK, Buffer.from(JSON.stringify(crashedHolder())));
    // Both takers judge the lease stale and send their takeover; the store then sees them one at a time
    // (S3Mock 4.8.0 lets two conditional PUTs that arrive together both win; S3 does not).
    const waiting: (() => void)[] = [];
    let bothWaiting!: () => void;
    const bothSent = new Promise<void>((resolve) => {
      bothWaiting = resolve;
    });
    const proxy = new S3FaultProxy(
      S3_ENDPOINT,
      () => ({ kind: 'forward' }),
      async (req) => {
        if (!isLockWrite(req) || !req.headers['if-match']) return;
        await new Promise<void>((release) => {
          waiting.push(release);
          if (waiting.length === 2) bothWaiting();
        });
      },
    );
    const endpoint = await proxy.start();
    const one = lakeAt(endpoint, prefix);
    const two = lakeAt(endpoint, prefix);
    const outcomes = [OwnerLeases.acquire(one, [KEY], 'taker one'), OwnerLeases.acquire(two, [KEY], 'taker two')].map(
      (taking) =>
        taking.then(
          (leases) => ({ leases }),
          (error: unknown) => ({ error }),
        ),
    );
    t.after(async () => {
      for (const release of waiting) release();
      for (const outcome of await Promise.all(outcomes)) if ('leases' in outcome) await outcome.leases.release();
      for (const lake of [seed, one, two]) await lake.close();
      await proxy.stop();
    });

    await within(bothSent, 15_000, 'both takers judged the lease stale and sent a takeover naming its ETag');
    waiting[0]!();
    const first = await within(Promise.race(outcomes), 15_000, 'the first takeover answered');
    waiting[1]!();
    const all = await within(Promise.all(outcomes), 15_000, 'the second taker answered');

    const winners = all.filter((o) => 'leases' in o);
    const losers = all.flatMap((o) => ('error' in o ? [o.error] : []));
    assert.equal(winners.length, 1, 'exactly one taker holds the lease');
    assert.ok('leases' in first, 'the takeover the store saw first won');
    assert.equal(losers.length, 1);
    const holder = (await readLease(seed, KEY)) as LeaseRecord;
    assert.ok(
      isGamepipeError(losers[0]) &&
        losers[0].code === 'DATA_DIR_LOCKED' &&
        losers[0].message.includes(`${holder.what} already owns buy (log partition 0)`),
      `the loser names the winner: ${String(losers[0])}`,
    );
    await winners[0]!.leases.verify();
    assert.deepEqual(
      (await seed.list('_locks')).map((e) => e.name),
      ['buy+0.lock'],
      'no lease moved aside: takeover replaced it in place',
    );
  });

  it('a renewal sent just before a takeover does not overwrite the new holder, and the old holder is fenced', async (t) => {
    if (!(await requireS3(t))) return;
    const prefix = nextPrefix();
    const lockWrites: string[] = [];
    let holdNextWrite = false;
    let held: IncomingMessage | undefined;
    let releaseHeld: () => void = () => undefined;
    let sent!: () => void;
    let answered!: (status: number) => void;
    const renewalSent = new Promise<void>((resolve) => {
      sent = resolve;
    });
    const renewalAnswered = new Promise<number>((resolve) => {
      answered = resolve;
    });
    const proxy = new S3FaultProxy(
      S3_ENDPOINT,
      () => ({ kind: 'forward' }),
      async (req) => {
        if (!isLockWrite(req)) return;
        lockWrites.push(String(req.headers['if-match'] ?? req.headers['if-none-match'] ?? 'unconditional'));
        if (!holdNextWrite) return;
        holdNextWrite = false;
        held = req;
        await new Promise<void>((resolve) => {
          releaseHeld = resolve;
          sent();
        });
      },
      (req, status) => {
        if (req === held) answered(status);
      },
    );
    const endpoint = await proxy.start();
    const oldLake = lakeAt(endpoint, prefix);
    const newLake = lakeAt(S3_ENDPOINT, prefix);
    // Renewed every second (a third of its time to live): its next renewal is held at the proxy.
    const old = await OwnerLeases.acquire(oldLake, [KEY], 'the old holder', 3000);
    let takerLeases: OwnerLeases | undefined;
    t.after(async () => {
      releaseHeld();
      await old.release();
      await takerLeases?.release();
      await oldLake.close();
      await newLake.close();
      await proxy.stop();
    });
    holdNextWrite = true;
    await within(renewalSent, 5000, 'the old holder read its lease and sent its renewal');

    // Meanwhile the old holder looks stale to another host (a 1 ms time to live), which takes over.
    takerLeases = await OwnerLeases.acquire(newLake, [KEY], 'the taker', 1);
    releaseHeld();
    const status = await within(renewalAnswered, 5000, 'the held renewal answered');

    assert.equal(status, 412, 'the renewal named the ETag the takeover replaced, so S3 refused it');
    assert.equal(((await readLease(newLake, KEY)) as LeaseRecord).what, 'the taker', 'the taker keeps its lease');
    await takerLeases.verify();
    await assert.rejects(old.verify(), (error: unknown) => isGamepipeError(error) && error.code === 'LAKE_FENCED');

    const writesBefore = lockWrites.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(lockWrites.length, writesBefore, 'the old holder stopped renewing the lease it lost');
    assert.ok(
      lockWrites.every((condition) => condition !== 'unconditional'),
      `every lease write through the old holder was conditional: ${lockWrites.join(', ')}`,
    );
    await old.release();
    assert.equal(((await readLease(newLake, KEY)) as LeaseRecord).what, 'the taker', 'releasing did not delete it');
  });

  it('on a store that ignores If-Match, a stale lease is not taken over: one line says why, the lease stays', async (t) => {
    if (!(await requireS3(t))) return;
    const prefix = nextPrefix();
    const proxy = new S3FaultProxy(S3_ENDPOINT, () => ({ kind: 'forward', dropHeaders: ['if-match'] }));
    const lake = lakeAt(await proxy.start(), prefix);
    t.after(async () => {
      await lake.close();
      await proxy.stop();
    });
    const stale = crashedHolder();
    await lake.create(LOCK, Buffer.from(JSON.stringify(stale)));

    await assert.rejects(OwnerLeases.acquire(lake, [KEY], 'a new writer'), (error: unknown) => {
      assert.ok(isGamepipeError(error) && error.code === 'LAKE_ERROR', String(error));
      assert.match(error.message, /ignores If-Match .* an owner lease there cannot be taken over or renewed safely$/);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    });
    assert.deepEqual(await readLease(lake, KEY), stale, 'the stale lease is untouched');
    assert.deepEqual(await lake.list('_tmp'), [], 'the probe left nothing behind');

    // A new lease is still created (If-None-Match holds), but its renewals are refused: said once.
    const lines: string[] = [];
    const restore = redirectLogLines({ write: (line: string) => lines.push(line) });
    const holder = await OwnerLeases.acquire(lake, ['buy+1'], 'a writer there', 3000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2300)); // two renewal ticks
    } finally {
      restore();
      await holder.release();
    }
    const warnings = lines.map((line) => JSON.parse(line) as { msg: string; level: number });
    assert.equal(warnings.length, 1, `one line, not one per tick: ${lines.join('')}`);
    assert.equal(warnings[0]!.level, 40);
    assert.match(warnings[0]!.msg, /^a writer there cannot renew its lease: .* ignores If-Match/);
    assert.equal(await lake.read('_locks/buy+1.lock'), null, 'released');
  });
});
