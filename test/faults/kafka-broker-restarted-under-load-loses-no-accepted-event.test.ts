import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { privateKafka } from '../helpers/private-kafka.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertEventsBackedByState } from './events-backed-by-state.js';
import {
  appendedSinceStart,
  freePort,
  freePortPair,
  loadInBackground,
  serve,
  sleep,
  untilBuying,
  writers,
} from './fault-pipeline.js';

it('the Kafka broker stopped and restarted while server and writers run: 503s meanwhile, then service again, and the lake equals what was accepted', async (t) => {
  const kafka = privateKafka(t, await freePortPair());
  if (kafka === null) return;
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir, '--kafka-brokers', kafka.brokers];
  const created = gamepipe(['topic', 'create', ...flags]);
  assert.equal(created.status, 0, created.stderr);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  const writer = await writers(flags);
  const runFile = join(dataDir, 'run.json');
  const load = loadInBackground(url, runFile, [
    '--players',
    '8',
    '--duration',
    '5m',
    '--connections',
    '4',
    '--seed',
    '51',
  ]);
  await untilBuying(url, 20);
  kafka.stop();
  await sleep(2000);
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 503, 'the server says it cannot serve while the broker is down');
  kafka.resume();
  const before = await appendedSinceStart(url, 'buy_item');
  await untilBuying(url, before + 20, 120_000);
  load.stop();
  const { code, stderr } = await load.done;
  assert.equal(code, 0, stderr);
  assert.equal(await server.stop(), 0);
  const run = readRun(runFile);
  t.diagnostic(
    `2xx ${run.status['2xx']}, 5xx ${run.status['5xx']}, errors ${run.errors}, timeouts ${run.timeouts}, unanswered ${run.unanswered}`,
  );

  assert.equal(writer.child.exitCode, null, `the writers outlived the broker's restart: ${writer.output()}`);
  await eventuallyLakeEqualsRun(runFile, { flags }, 120_000);
  assert.equal(await writer.stop(), 0);
  const store = await EmbeddedStateStore.open(dataDir);
  try {
    await assertEventsBackedByState(store, flags);
  } finally {
    await store.close();
  }
});
