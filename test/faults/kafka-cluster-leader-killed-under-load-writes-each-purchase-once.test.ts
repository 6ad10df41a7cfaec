import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { gamepipe } from '../helpers/cli.js';
import { kafkaCluster, topicValues } from '../helpers/kafka-cluster.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { uniqueName, tempDir } from '../helpers/temp-dir.js';
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

/** Event ids found more than once among the topic's records (read with kcat, a client gamepipe did not write). */
function duplicateIds(values: string[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const value of values) {
    const id = (JSON.parse(value) as { event_id: string }).event_id;
    if (seen.has(id)) twice.push(id);
    seen.add(id);
  }
  return twice;
}

it('on three brokers, the leader of a partition SIGKILLed under load and restarted: every accepted purchase is in the topic once, no event_id twice, and the lake equals what was accepted', async (t) => {
  const cluster = kafkaCluster(t);
  if (cluster === null) return;
  const dataDir = tempDir();
  const topic = uniqueName('gp-leader-killed');
  const flags = ['--data-dir', dataDir, '--kafka-brokers', cluster.brokers, '--topic', topic];
  const created = gamepipe(['topic', 'create', '--partitions', '3', '--replication-factor', '3', ...flags]);
  assert.equal(created.status, 0, created.stderr);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  const writer = await writers(flags);
  const runFile = join(dataDir, 'run.json');
  const load = loadInBackground(url, runFile, [
    '--players',
    '32',
    '--duration',
    '5m',
    '--connections',
    '16',
    '--seed',
    '24',
  ]);
  await untilBuying(url, 200, 120_000);

  const killed = cluster.killLeader(topic, 0);
  await sleep(15_000); // past the controller's session timeout: the partition has a new leader
  const duringFailover = await appendedSinceStart(url, 'buy_item');
  cluster.startNode(killed);
  await untilBuying(url, duringFailover + 200, 120_000);
  load.stop();
  const { code, stderr } = await load.done;
  assert.equal(code, 0, stderr);
  assert.equal(await server.stop(), 0);
  const run = readRun(runFile);
  t.diagnostic(
    `node ${killed} killed; 2xx ${run.status['2xx']}, 5xx ${run.status['5xx']}, unanswered ${run.unanswered}, bought ${run.accepted.events.buy_item}`,
  );

  const values = topicValues(cluster.brokers, topic);
  assert.deepEqual(duplicateIds(values), [], 'no event_id is in the topic twice');
  const bought = values.filter((v) => (JSON.parse(v) as { event_type: string }).event_type === 'buy_item').length;
  const accepted = run.accepted.events.buy_item ?? 0;
  assert.ok(bought >= accepted, `every accepted purchase is in the topic (${bought} of ${accepted})`);
  assert.ok(
    bought - accepted <= run.unanswered,
    `the topic holds no purchase beyond the unanswered (${bought - accepted} > ${run.unanswered})`,
  );

  await eventuallyLakeEqualsRun(runFile, { flags }, 180_000);
  assert.equal(await writer.stop(), 0);
  const store = await EmbeddedStateStore.open(dataDir);
  try {
    await assertEventsBackedByState(store, flags);
  } finally {
    await store.close();
  }
});
