import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { duplicateEventIds, kafkaCluster, topicValues } from '../helpers/kafka-cluster.js';
import {
  appendedSinceStart,
  assertLakeEqualsAccepted,
  clusterTopic,
  endLoad,
  pipelineUnderLoad,
  sleep,
  untilBuying,
} from './fault-pipeline.js';

it('on three brokers, the leader of a partition SIGKILLed under load and restarted: every accepted purchase is in the topic once, no event_id twice, and the lake equals what was accepted', async (t) => {
  const cluster = kafkaCluster(t);
  if (cluster === null) return;
  const { dataDir, topic, flags } = clusterTopic(cluster.brokers, 'gp-leader-killed');
  const pipeline = await pipelineUnderLoad({
    dataDir,
    flags,
    load: ['--players', '32', '--duration', '5m', '--connections', '16', '--seed', '24'],
    buying: 200,
    buyingTimeoutMs: 120_000,
  });

  const killed = cluster.killLeader(topic, 0);
  await sleep(15_000); // past the controller's session timeout: the partition has a new leader
  const duringFailover = await appendedSinceStart(pipeline.url, 'buy_item');
  cluster.startNode(killed);
  await untilBuying(pipeline.url, duringFailover + 200, 120_000);
  const run = await endLoad(pipeline);
  t.diagnostic(
    `node ${killed} killed; 2xx ${run.status['2xx']}, 5xx ${run.status['5xx']}, unanswered ${run.unanswered}, bought ${run.accepted.events.buy_item}`,
  );

  const values = topicValues(cluster.brokers, topic);
  assert.deepEqual(duplicateEventIds(values), [], 'no event_id is in the topic twice');
  const bought = values.filter((v) => (JSON.parse(v) as { event_type: string }).event_type === 'buy_item').length;
  const accepted = run.accepted.events.buy_item ?? 0;
  assert.ok(bought >= accepted, `every accepted purchase is in the topic (${bought} of ${accepted})`);
  assert.ok(
    bought - accepted <= run.unanswered,
    `the topic holds no purchase beyond the unanswered (${bought - accepted} > ${run.unanswered})`,
  );

  await assertLakeEqualsAccepted(pipeline, flags, () => EmbeddedStateStore.open(dataDir), 180_000);
});
