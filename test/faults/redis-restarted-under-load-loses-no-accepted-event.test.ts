import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { privateRedis } from '../helpers/private-redis.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertEventsBackedByState } from './events-backed-by-state.js';
import {
  appendedSinceStart,
  freePort,
  loadInBackground,
  serve,
  sleep,
  untilBuying,
  writers,
} from './fault-pipeline.js';

it('Redis stopped and restarted while server and writers run: 503s meanwhile, then service again, and the lake equals what was accepted', async (t) => {
  const redis = await privateRedis(t, await freePort());
  if (redis === null) return;
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, [...flags, '--redis-url', redis.url]);
  const writer = await writers(flags);
  const runFile = join(dataDir, 'run.json');
  const load = loadInBackground(url, runFile, [
    '--players',
    '8',
    '--duration',
    '10s',
    '--connections',
    '4',
    '--seed',
    '41',
  ]);
  await untilBuying(url);
  await redis.stop();
  await sleep(2000);
  const whileDown = await fetch(`${url}/buy/sword`);
  assert.equal(whileDown.status, 401, 'without a session the server refuses before touching Redis');
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 503, 'the server says it cannot serve while Redis is down');
  assert.equal((await health.text()).trim().split('\n').length, 1);
  await redis.start();
  const before = await appendedSinceStart(url, 'buy_item');
  await untilBuying(url, before + 20);
  const { code, stderr } = await load.done;
  assert.equal(code, 0, stderr);
  assert.equal(await server.stop(), 0);
  const run = readRun(runFile);
  assert.ok(run.status['5xx'] > 0, 'requests were refused while Redis was down');
  assert.equal(run.unanswered, 0, 'every request got its answer: the totals are exact');
  t.diagnostic(`2xx ${run.status['2xx']}, 5xx ${run.status['5xx']} while Redis was down, unanswered ${run.unanswered}`);

  await eventuallyLakeEqualsRun(runFile, { flags });
  assert.equal(await writer.stop(), 0);
  const store = await RedisStateStore.connect(redis.url);
  try {
    await assertEventsBackedByState(store, flags);
  } finally {
    await store.close();
  }
});
