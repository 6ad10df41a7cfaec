import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createAdmin } from '../../src/eventlog/kafka/kafka-client.js';
import { KafkaEventLog } from '../../src/eventlog/kafka/kafka-event-log.js';
import { KafkaReader } from '../../src/eventlog/kafka/kafka-reader.js';
import type { EventLogReader, LogRecord } from '../../src/eventlog/event-log.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { uniqueName } from '../helpers/temp-dir.js';

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `player${i % 4}`, value: JSON.stringify({ n: i }) }));

async function readUntil(reader: EventLogReader, count: number): Promise<LogRecord[]> {
  const read: LogRecord[] = [];
  const deadline = Date.now() + 30_000;
  while (read.length < count && Date.now() < deadline) read.push(...(await reader.poll(1000, 500)));
  return read;
}

it("a Kafka reader's committed positions show in Kafka's own group offsets", async (t) => {
  if (!(await requireKafka(t))) return;
  const connection = { brokers: KAFKA_BROKERS, topic: uniqueName('gp-group-offsets') };
  const log = await KafkaEventLog.connect(connection);
  await log.append(records(12));
  await log.close();
  const group = uniqueName('gp-writers');
  const reader = await KafkaReader.connect(connection, { group });
  const admin = createAdmin(KAFKA_BROKERS, 'gamepipe-test');
  try {
    assert.equal((await readUntil(reader, 12)).length, 12);
    await reader.commit(new Map([[0, 12]]));
    const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
    assert.deepEqual(
      offsets?.topics
        .find((t) => t.name === connection.topic)
        ?.partitions.map((p) => [p.partitionIndex, p.committedOffset]),
      [[0, 12n]],
    );
  } finally {
    await admin.close();
    await reader.close();
  }
});

it('a Kafka reader whose position was deleted from the log goes on from the earliest record left', async (t) => {
  if (!(await requireKafka(t))) return;
  const connection = { brokers: KAFKA_BROKERS, topic: uniqueName('gp-retention') };
  const log = await KafkaEventLog.connect(connection);
  await log.append(records(20));
  await log.close();
  const admin = createAdmin(KAFKA_BROKERS, 'gamepipe-test');
  try {
    await admin.deleteRecords({ topics: [{ name: connection.topic, partitions: [{ partition: 0, offset: 10n }] }] });
  } finally {
    await admin.close();
  }

  const unnamed = await KafkaReader.connect(connection, { group: uniqueName('g') });
  const fromEarliest = await readUntil(unnamed, 10);
  await unnamed.close();
  assert.deepEqual(
    fromEarliest.map((r) => r.offset),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    'a partition not named starts at its earliest record left',
  );

  const deleted = await KafkaReader.connect(connection, { group: uniqueName('g') });
  await deleted.seek(new Map([[0, 4]]));
  const afterReset = await readUntil(deleted, 10);
  await deleted.close();
  assert.deepEqual(
    afterReset.map((r) => r.offset),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    'a position before the earliest record goes on from there',
  );
  assert.deepEqual(
    afterReset.map((r) => JSON.parse(r.value).n),
    [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
  );
});
