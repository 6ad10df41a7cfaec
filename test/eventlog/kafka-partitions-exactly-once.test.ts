import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KafkaEventLog } from '../../src/eventlog/kafka/kafka-event-log.js';
import { gamepipe, sh } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

it('a three-partition Kafka topic lands every event exactly once, across a restart of the writer', async (t) => {
  if (!(await requireKafka(t))) return;
  const cwd = tempDir();
  const topic = uniqueName('gp-partitions');
  const flags = ['--kafka-brokers', KAFKA_BROKERS.join(','), '--topic', topic];
  const created = gamepipe(['topic', 'create', '--partitions', '3', ...flags], { cwd });
  assert.equal(created.stdout, `Created topic "${topic}".\n`, created.stderr);
  assert.equal(
    gamepipe(['topic', 'create', '--partitions', '3', ...flags], { cwd }).stdout,
    `Topic "${topic}" already exists.\n`,
  );
  assert.match(sh(`kcat -L -b ${KAFKA_BROKERS[0]} -t ${topic}`), /3 partitions/);

  const log = await KafkaEventLog.connect({ brokers: KAFKA_BROKERS, topic });
  await log.append(sampleRecords(1500));
  assert.equal(gamepipe(['stream', 'all', '--once', ...flags], { cwd }).status, 0);
  await log.append(sampleRecords(1500, 1500));
  await log.close();
  const second = gamepipe(['stream', 'all', '--once', '--json', ...flags], { cwd });
  assert.equal(second.status, 0, second.stderr);
  const read = second.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { numInputRows: number })
    .reduce((n, p) => n + p.numInputRows, 0);
  assert.equal(read, 1500, 'the restarted writer read only the new events');

  gamepipe(['tables', 'create', 'all'], { cwd });
  const sql =
    'select count(*) as n, count(distinct (log_partition, log_offset)) as positions, count(distinct log_partition) as partitions, count(distinct event_id) as ids from events_buy';
  const counts = gamepipe(['query', '--format', 'csv', sql], { cwd });
  assert.equal(counts.stdout, 'n,positions,partitions,ids\n1800,1800,3,1800\n', counts.stderr);
});
