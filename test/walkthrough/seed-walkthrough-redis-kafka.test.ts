import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sh } from '../helpers/cli.js';
import { KAFKA_BROKERS, REDIS_URL, requireKafka, requireRedis } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { assertSeedEvents, assertSqlMatchesEvents, runSeedWalkthrough } from './seed-walkthrough.js';

it("the seed's whole walkthrough works on real Redis and Kafka; kcat reads well-formed events; SQL counts them", async (t) => {
  if (!(await requireRedis(t)) || !(await requireKafka(t))) return;
  const cwd = tempDir();
  const topic = uniqueName('gp-walkthrough');
  const username = uniqueName('player').replace(/[^A-Za-z0-9_.-]/g, '');
  const flags = ['--redis-url', REDIS_URL, '--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', topic];
  const { events } = await runSeedWalkthrough(cwd, flags, username);
  assertSeedEvents(events, username);

  const kcat = sh(`kcat -C -b ${KAFKA_BROKERS[0]} -t ${topic} -o beginning -e -q -f '%k\\t%s\\n'`);
  const lines = kcat.trim().split('\n');
  const fromKcat = lines.map((line) => {
    const [key, value] = line.split('\t') as [string, string];
    const event = JSON.parse(value) as Record<string, unknown>;
    if (event.username) assert.equal(key, event.username, 'the message key is the username');
    return event;
  });
  assert.deepEqual(fromKcat, events, 'kcat sees exactly what gamepipe events tail sees');
  assertSqlMatchesEvents(cwd, flags, events);
});
