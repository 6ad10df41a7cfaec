import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { duplicateEventIds, kafkaCluster, topicValues } from '../helpers/kafka-cluster.js';
import { assertLakeEqualsAccepted, clusterTopic, endLoad, pipelineUnderLoad, sleep } from './fault-pipeline.js';

/** The soak's length: GAMEPIPE_TEST_SOAK_MINUTES (CI keeps the default 2; the soak is 10). */
const MINUTES = Number(process.env.GAMEPIPE_TEST_SOAK_MINUTES ?? 2);
/** How long the restarted broker stays down: past the controller's session timeout, so leadership moves. */
const DOWN_MS = 15_000;

it(`on three brokers, ${MINUTES} minutes of load with the leader of a partition stopped and restarted half-way: the lake equals what was accepted, verify is clean, no event_id twice`, {
  timeout: (MINUTES + 8) * 60_000,
}, async (t) => {
  assert.ok(
    MINUTES > 0,
    `GAMEPIPE_TEST_SOAK_MINUTES must be a positive number, not ${process.env.GAMEPIPE_TEST_SOAK_MINUTES}`,
  );
  const cluster = kafkaCluster(t);
  if (cluster === null) return;
  const { dataDir, topic, flags } = clusterTopic(cluster.brokers, 'gp-soak');
  const started = Date.now();
  const pipeline = await pipelineUnderLoad({
    dataDir,
    flags,
    load: ['--players', '32', '--duration', `${MINUTES * 60}s`, '--connections', '16', '--rate', '300', '--seed', '26'],
    buyingTimeoutMs: 120_000,
  });

  await sleep(Math.max(0, started + (MINUTES * 60_000) / 2 - Date.now()));
  const restarted = cluster.leader(topic, 0);
  cluster.stopNode(restarted);
  await sleep(DOWN_MS);
  cluster.startNode(restarted);
  const run = await endLoad(pipeline, { untilItEnds: true });
  t.diagnostic(
    `node ${restarted} restarted half-way; 2xx ${run.status['2xx']}, 5xx ${run.status['5xx']}, unanswered ${run.unanswered}, bought ${run.accepted.events.buy_item}`,
  );
  assert.ok(Date.now() - started >= MINUTES * 60_000, 'the load ran its whole duration');

  const values = topicValues(cluster.brokers, topic);
  assert.deepEqual(duplicateEventIds(values), [], 'no event_id is in the topic twice');
  await assertLakeEqualsAccepted(pipeline, flags, () => EmbeddedStateStore.open(dataDir), 300_000);
});
