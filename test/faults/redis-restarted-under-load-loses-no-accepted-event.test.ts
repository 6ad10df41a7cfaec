import assert from 'node:assert/strict';
import { it } from 'node:test';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { privateRedis } from '../helpers/private-redis.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  appendedSinceStart,
  assertLakeEqualsAccepted,
  endLoad,
  freePort,
  pipelineUnderLoad,
  sleep,
  untilBuying,
} from './fault-pipeline.js';

it('Redis stopped and restarted while server and writers run: 503s meanwhile, then service again, and the lake equals what was accepted', async (t) => {
  const redis = await privateRedis(t, await freePort());
  if (redis === null) return;
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir];
  const pipeline = await pipelineUnderLoad({
    dataDir,
    flags,
    serverFlags: ['--redis-url', redis.url],
    load: ['--players', '8', '--duration', '10s', '--connections', '4', '--seed', '41'],
  });
  await redis.stop();
  await sleep(2000);
  const whileDown = await fetch(`${pipeline.url}/buy/sword`);
  assert.equal(whileDown.status, 401, 'without a session the server refuses before touching Redis');
  const health = await fetch(`${pipeline.url}/healthz`);
  assert.equal(health.status, 503, 'the server says it cannot serve while Redis is down');
  assert.equal((await health.text()).trim().split('\n').length, 1);
  await redis.start();
  const before = await appendedSinceStart(pipeline.url, 'buy_item');
  await untilBuying(pipeline.url, before + 20);
  const run = await endLoad(pipeline, { untilItEnds: true });
  assert.ok(run.status['5xx'] > 0, 'requests were refused while Redis was down');
  assert.equal(run.unanswered, 0, 'every request got its answer: the totals are exact');
  t.diagnostic(`2xx ${run.status['2xx']}, 5xx ${run.status['5xx']} while Redis was down, unanswered ${run.unanswered}`);

  await assertLakeEqualsAccepted(pipeline, flags, () => RedisStateStore.connect(redis.url));
});
