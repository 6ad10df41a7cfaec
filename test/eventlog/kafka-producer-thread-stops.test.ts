import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { it } from 'node:test';
import type { GamepipeError } from '../../src/errors.js';
import { KafkaReader } from '../../src/eventlog/kafka/kafka-reader.js';
import { ThreadedKafkaEventLog } from '../../src/eventlog/kafka/threaded-kafka-event-log.js';
import { rejection } from '../helpers/rejection.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

it('when the producer thread stops mid-load, every append settles: acknowledged ones are in the topic, the rest are in doubt or refused', async (t) => {
  if (!(await requireKafka(t))) return;
  const connection = { brokers: KAFKA_BROKERS, topic: uniqueName('gp-thread-stops') };
  const log = await ThreadedKafkaEventLog.connect(connection);
  const outcomes = Array.from({ length: 3000 }, (_, n) =>
    log.append([{ key: `user${n % 7}`, value: JSON.stringify({ n }) }]).then(
      () => 'ok' as const,
      (error: GamepipeError) => error.code,
    ),
  );
  // What a crash inside the thread comes to: the thread is gone with appends in its hands.
  setTimeout(() => void (log as unknown as { worker: Worker }).worker.terminate(), 20);
  const settled = await Promise.all(outcomes);
  assert.ok(
    settled.every((o) => o === 'ok' || o === 'LOG_IN_DOUBT' || o === 'LOG_UNAVAILABLE'),
    `unexpected outcomes: ${[...new Set(settled)].join(', ')}`,
  );
  assert.ok(
    settled.includes('LOG_IN_DOUBT') || settled.includes('LOG_UNAVAILABLE'),
    'the thread stopped before all 3000 were acknowledged',
  );
  assert.equal(
    (await rejection(log.append([{ key: null, value: '{}' }]))).code,
    'LOG_UNAVAILABLE',
    'a later append is refused at once',
  );
  await log.close();

  const reader = await KafkaReader.connect(connection, { group: uniqueName('g') });
  try {
    const written = new Set<number>();
    for (let empty = 0; empty < 3; ) {
      const records = await reader.poll(10_000, 500);
      if (records.length === 0) empty++;
      for (const r of records) written.add((JSON.parse(r.value) as { n: number }).n);
    }
    const acknowledged = settled.flatMap((o, n) => (o === 'ok' ? [n] : []));
    assert.deepEqual(
      acknowledged.filter((n) => !written.has(n)),
      [],
      'no acknowledged append is missing from the topic',
    );
    const refused = settled.flatMap((o, n) => (o === 'LOG_UNAVAILABLE' ? [n] : []));
    assert.deepEqual(
      refused.filter((n) => written.has(n)),
      [],
      'no refused append is in the topic',
    );
  } finally {
    await reader.close();
  }
});

it('a producer thread that cannot reach Kafka fails to connect, naming the broker, with a hint', async () => {
  const started = Date.now();
  const error = await rejection(ThreadedKafkaEventLog.connect({ brokers: ['127.0.0.1:1'], topic: 'events' }));
  assert.equal(error.code, 'LOG_UNAVAILABLE');
  assert.match(error.message, /127\.0\.0\.1:1/);
  assert.ok(error.hint, 'a hint a user can act on');
  assert.ok(Date.now() - started < 30_000);
});

it("the producer thread's log lines go where the server thread's go: to the file while the dashboard draws, never to the terminal", () => {
  const dir = tempDir();
  const file = join(dir, 'dashboard.log');
  const script = join(dir, 'connect.mjs'); // a file: the thread would inherit --input-type, which only -e takes
  writeFileSync(
    script,
    `
    const { redirectLogs } = await import(${JSON.stringify(new URL('../../src/logger.js', import.meta.url).href)});
    const { ThreadedKafkaEventLog } = await import(${JSON.stringify(new URL('../../src/eventlog/kafka/threaded-kafka-event-log.js', import.meta.url).href)});
    const restore = redirectLogs(${JSON.stringify(file)});
    const outcome = await ThreadedKafkaEventLog.connect({ brokers: ['127.0.0.1:1'], topic: 'events' }).then(() => 'connected', (error) => error.code);
    restore();
    process.stdout.write(outcome);
  `,
  );
  // At debug level what the client tried (here: the refused connections) is logged, from the producer's thread.
  const run = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'debug' },
    timeout: 60_000,
  });
  assert.equal(run.stdout, 'LOG_UNAVAILABLE', run.stderr);
  assert.match(readFileSync(file, 'utf8'), /"component":"kafka".*ECONNREFUSED/);
  assert.equal(run.stderr, '', 'nothing on the terminal');
});
