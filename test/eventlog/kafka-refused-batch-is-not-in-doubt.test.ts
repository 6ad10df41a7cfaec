import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KafkaEventLog } from '../../src/eventlog/kafka/kafka-event-log.js';
import { gamepipe } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { rejection } from '../helpers/rejection.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

it('a batch Kafka refuses outright (a record over the broker limit) fails at once, is not in the topic, and the log goes on', async (t) => {
  if (!(await requireKafka(t))) return;
  const topic = uniqueName('gp-refused');
  const log = await KafkaEventLog.connect({ brokers: KAFKA_BROKERS, topic });
  try {
    const [before, after] = sampleRecords(2);
    await log.append([before!]);
    const tooLarge = { key: 'user1', value: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }) };
    assert.equal((await rejection(log.append([tooLarge]))).code, 'LOG_UNAVAILABLE', 'refused, not in doubt');
    await log.append([after!]);
  } finally {
    await log.close();
  }
  const tail = gamepipe(
    ['events', 'tail', '--from-beginning', '--exit', '--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', topic],
    { cwd: tempDir() },
  );
  assert.equal(tail.status, 0, tail.stderr);
  assert.equal(tail.stdout.trim().split('\n').length, 2, 'the two accepted records, not the refused one');
});
