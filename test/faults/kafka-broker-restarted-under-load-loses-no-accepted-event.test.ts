import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { privateKafka } from '../helpers/private-kafka.js';
import { tempDir } from '../helpers/temp-dir.js';
import {
  appendedSinceStart,
  assertLakeEqualsAccepted,
  endLoad,
  freePortPair,
  pipelineUnderLoad,
  sleep,
  untilBuying,
} from './fault-pipeline.js';

it('the Kafka broker stopped and restarted while server and writers run: 503s meanwhile, then service again, and the lake equals what was accepted', async (t) => {
  const kafka = privateKafka(t, await freePortPair());
  if (kafka === null) return;
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir, '--kafka-brokers', kafka.brokers];
  const created = gamepipe(['topic', 'create', ...flags]);
  assert.equal(created.status, 0, created.stderr);
  const pipeline = await pipelineUnderLoad({
    dataDir,
    flags,
    load: ['--players', '8', '--duration', '5m', '--connections', '4', '--seed', '51'],
    buying: 20,
  });
  kafka.stop();
  await sleep(2000);
  const health = await fetch(`${pipeline.url}/healthz`);
  assert.equal(health.status, 503, 'the server says it cannot serve while the broker is down');
  kafka.resume();
  const before = await appendedSinceStart(pipeline.url, 'buy_item');
  await untilBuying(pipeline.url, before + 20, 120_000);
  const run = await endLoad(pipeline);
  t.diagnostic(
    `2xx ${run.status['2xx']}, 5xx ${run.status['5xx']}, errors ${run.errors}, timeouts ${run.timeouts}, unanswered ${run.unanswered}`,
  );

  assert.equal(
    pipeline.writer.child.exitCode,
    null,
    `the writers outlived the broker's restart: ${pipeline.writer.output()}`,
  );
  await assertLakeEqualsAccepted(pipeline, flags, () => EmbeddedStateStore.open(dataDir), 120_000);
});
