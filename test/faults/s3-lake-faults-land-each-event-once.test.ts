import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GAMEPIPE_BIN } from '../helpers/cli.js';
import { uniqueName } from '../helpers/temp-dir.js';
import { S3FaultProxy } from '../lake/s3-fault-proxy.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT } from '../lake/s3-test-server.js';
import { type LandedRun, landedRun, verify } from '../verify/landed-run.js';

const s3Script = fileURLToPath(new URL('../../../test/services/s3.sh', import.meta.url));

/** Flags naming a fresh lake in the test bucket, reached through `endpoint`. */
const s3Lake = (endpoint: string) => [
  '--lake',
  `s3://${S3_BUCKET}/gamepipe-tests/${uniqueName('faults')}`,
  '--s3-endpoint',
  endpoint,
];
const withEndpoint = (flags: string[], endpoint: string) =>
  flags.map((f, i) => (flags[i - 1] === '--s3-endpoint' ? endpoint : f));

/** `gamepipe stream all --once` in small batches, as a child this test may SIGKILL; resolves with its exit. */
function streamChild(
  run: LandedRun,
  flags: string[],
  maxBatch = 40,
): { child: ChildProcess; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(
    process.execPath,
    [GAMEPIPE_BIN, 'stream', 'all', '--once', '--max-batch', String(maxBatch), ...flags],
    {
      cwd: run.cwd,
      env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  after(() => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr.slice(-2000));
      resolve(code);
    }),
  );
  return { child, exit, stderr: () => stderr };
}

/** The lake holds exactly what the load run's server accepted, and `verify` finds nothing wrong. */
function assertLakeEqualsAccepted(run: LandedRun): void {
  const { status, report } = verify(run);
  assert.equal(status, 0, JSON.stringify(report.findings));
  for (const [type, count] of Object.entries(run.summary.accepted.events).filter(([type]) => type !== 'default'))
    assert.equal(report.tallies.find((tally) => tally.eventType === type)!.lake, count, type);
}

/** Each step of the rename-free commit, as the store sees it (S3 path-style requests). */
const STEPS: [string, (method: string, url: string) => boolean][] = [
  ['start of a staged upload', (m, u) => m === 'POST' && /\?uploads/.test(u)],
  ['a staged part', (m, u) => m === 'PUT' && /partNumber=/.test(u)],
  ['the intent', (m, u) => m === 'PUT' && u.includes('/_wal/')],
  ['a completion', (m, u) => m === 'POST' && /uploadId=/.test(u)],
  ['a position', (m, u) => m === 'PUT' && u.includes('/_positions/')],
  ['the intent removed', (m, u) => m === 'DELETE' && u.includes('/_wal/')],
];

describe('a lake on S3 under faults', () => {
  it('a writer SIGKILLed at each step of its commits (first and later batches) lands each accepted event once', async (t) => {
    if (!(await requireS3(t))) return;
    const direct = s3Lake(S3_ENDPOINT);
    // The load run lands into a lake of its own; the test's lake below starts empty and is written by the killed writers.
    const run = await landedRun([], 300);
    const lake = { ...run, lakeFlags: direct };
    let kills = 0;
    for (const [step, matches] of STEPS) {
      for (const occurrence of [1, 4]) {
        let seen = 0;
        let victim: ChildProcess | undefined;
        const proxy = new S3FaultProxy(
          S3_ENDPOINT,
          () => ({ kind: 'forward' }),
          async (req) => {
            if (!matches(req.method!, req.url!) || ++seen !== occurrence) return;
            victim?.kill('SIGKILL'); // before the store sees the request: the writer dies with the step not taken
            throw new Error('killed');
          },
        );
        // Batches cut differently from one writer to the next: a batch retried after a kill has other boundaries.
        const { child, exit } = streamChild(lake, withEndpoint(direct, await proxy.start()), kills % 2 ? 25 : 40);
        victim = child;
        const code = await exit;
        await proxy.stop();
        // A step that a short run never reaches a 4th time: the writer finished, nothing to recover.
        assert.ok(code === null || (code === 0 && seen < occurrence), `${step} #${occurrence}: exit ${code}`);
        if (code === null) kills++;
      }
    }
    assert.ok(kills >= STEPS.length, `the writer was killed ${kills} times`);
    const last = streamChild(lake, direct, 33);
    assert.equal(await last.exit, 0);
    assertLakeEqualsAccepted(lake);
  });

  it('a slow store (every answer delayed) changes nothing but the time: each accepted event lands once', async (t) => {
    if (!(await requireS3(t))) return;
    const run = await landedRun([], 200);
    const direct = s3Lake(S3_ENDPOINT);
    const lake = { ...run, lakeFlags: direct };
    const proxy = new S3FaultProxy(
      S3_ENDPOINT,
      () => ({ kind: 'forward' }),
      () => new Promise((resolve) => setTimeout(resolve, 150)),
    );
    const { exit } = streamChild(lake, withEndpoint(direct, await proxy.start()));
    assert.equal(await exit, 0);
    await proxy.stop();
    assert.ok(proxy.seen.length > 20, `${proxy.seen.length} requests were delayed`);
    assertLakeEqualsAccepted(lake);
  });

  it('the store stopped mid-batch and restarted: the writer waits, resumes, and lands each accepted event once', async (t) => {
    if (!(await requireS3(t))) return;
    // Its own S3Mock (the shared one on 9190 is never stopped), on a port of its own.
    const port = String(9390 + (process.pid % 50));
    // C1 alone: it starts (twice) sooner, and serves this test's few thousand events as well.
    const env = {
      ...process.env,
      GAMEPIPE_TEST_S3_PORT: port,
      GAMEPIPE_S3MOCK_JVM_OPTS: '-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1',
    };
    const s3 = (command: string) =>
      new Promise<number | null>((resolve) => {
        const script = spawn('bash', [s3Script, command], { env, stdio: 'inherit' });
        script.once('exit', resolve);
      });
    assert.equal(await s3('start'), 0);
    after(() => void spawnSync('bash', [s3Script, 'stop'], { env }));
    const endpoint = `http://127.0.0.1:${port}`;
    const run = await landedRun([], 300);
    const flags = s3Lake(endpoint);
    const lake = { ...run, lakeFlags: flags };
    // The store goes away as the writer completes the uploads of its third batch (staged, so open
    // uploads in the store, and the next batch's maybe too), and comes back 15 s later. S3Mock 4.8.0
    // forgets open uploads' locks on a restart and answers every later completion of them with 500
    // (a NullPointerException), which S3 itself never does: the writer reads them as lost, removes
    // what their intent made visible, and stages those batches again.
    let commitsDone = 0;
    let stopped: Promise<void> | undefined;
    let down: Promise<void> | undefined;
    const proxy = new S3FaultProxy(
      endpoint,
      () => ({ kind: 'forward' }),
      async (req) => {
        if (req.method === 'DELETE' && req.url!.includes('/_wal/')) commitsDone++;
        if (!stopped && commitsDone >= 2 && req.method === 'POST' && /[?&]uploadId=/.test(req.url!)) {
          down = s3('stop').then((code) => assert.equal(code, 0));
          stopped = (async () => {
            await down;
            await new Promise((resolve) => setTimeout(resolve, 15_000));
            assert.equal(await s3('resume'), 0);
          })();
        }
        await down; // this request, and any meanwhile, reach a store that is gone
      },
    );
    const { exit, stderr } = streamChild(lake, withEndpoint(flags, await proxy.start()));
    assert.equal(await exit, 0);
    await proxy.stop();
    assert.ok(stopped, 'the store was stopped mid-run');
    assert.match(stderr(), /can no longer be completed/, 'the uploads the store lost were staged again');
    await stopped;
    assertLakeEqualsAccepted(lake);
  });
});
