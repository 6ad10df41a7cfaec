import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { GamepipeError } from '../../src/errors.js';
import { KafkaEventLog } from '../../src/eventlog/kafka/kafka-event-log.js';
import { sampleRecords } from '../helpers/events.js';
import { eventually } from '../helpers/eventually.js';
import { privateKafka } from '../helpers/private-kafka.js';
import { rejection } from '../helpers/rejection.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';
import { freePort, freePortPair, sleep } from './fault-pipeline.js';

type Outcome = 'resolved' | 'rejected' | 'pending';

/** Follows an append: how it ended so far (a rejection must be LOG_UNAVAILABLE: refused, not in doubt). */
function follow(append: Promise<void>): { outcome: Outcome; done: Promise<void> } {
  const followed = { outcome: 'pending' as Outcome, done: Promise.resolve() };
  followed.done = append.then(
    () => void (followed.outcome = 'resolved'),
    (error: unknown) => {
      assert.ok(
        error instanceof GamepipeError && error.code === 'LOG_UNAVAILABLE',
        `a refused append says LOG_UNAVAILABLE: ${String(error)}`,
      );
      followed.outcome = 'rejected';
    },
  );
  return followed;
}

/**
 * The broker writes a batch but its answer is lost (a broker stopping mid-request, a dropped reply).
 * The append must not fail (a 503 for an event in the log) and the next batch must not be numbered
 * as the lost one (the broker would take it for a retry and acknowledge it unwritten: a 2xx whose
 * event is nowhere; Kafka's broker restart under load showed that once). The batch is sent again
 * until Kafka answers; appends meanwhile are refused unsent.
 */
it('Kafka wrote a batch whose answer was lost: the append waits and succeeds once, appends meanwhile are refused unwritten, a wait given up says so (504), and every success is in the topic', async (t) => {
  const brokerPort = await freePortPair();
  const proxyPort = await freePort();
  const kafka = privateKafka(t, brokerPort, { advertisedPort: proxyPort });
  if (kafka === null) return;
  const proxy = await tcpProxy(proxyPort, brokerPort);
  const topic = 'gp-lost-answer';
  const log = await KafkaEventLog.connect({ brokers: [kafka.brokers], topic });
  try {
    const records = sampleRecords(43);
    const [lost, next, last] = records;
    proxy.loseAnswers();
    const inDoubt = follow(log.append([lost!]));
    await eventually(() => proxy.answersLost >= 2, 30_000, 50);
    const probes: { value: string; outcome: () => Outcome; done: Promise<void> }[] = [];
    for (const record of records.slice(3, -3)) {
      const probe = follow(log.append([record]));
      probes.push({ value: record.value, outcome: () => probe.outcome, done: probe.done });
      await sleep(500);
      if (probe.outcome === 'rejected') break;
    }
    assert.equal(inDoubt.outcome, 'pending', 'the append whose answer was lost waits for Kafka to answer');
    assert.ok(
      probes.some((p) => p.outcome() === 'rejected'),
      `while a batch is in doubt, appends are refused (${probes.length} tried)`,
    );
    proxy.pass();
    await inDoubt.done;
    assert.equal(inDoubt.outcome, 'resolved', 'once Kafka answers, the append in doubt succeeds');
    await Promise.all(probes.map((p) => p.done));
    await log.append([next!]);
    await log.append([last!]);

    // Kafka silent for longer than the wait: the append gives up as in doubt (a 504), and the next
    // append, on a new producer id, is written (on the old numbering the broker would take it for
    // the one given up and acknowledge it unwritten).
    const [givenUp, afterGivingUp, atClose] = records.slice(-3);
    proxy.loseAnswers();
    assert.equal((await rejection(log.append([givenUp!]))).code, 'LOG_IN_DOUBT');
    proxy.pass();
    await log.append([afterGivingUp!]);

    // Closing bounds the wait: an append in doubt then gives up within seconds.
    proxy.loseAnswers();
    const closing = rejection(log.append([atClose!]));
    const lostBefore = proxy.answersLost;
    await eventually(() => proxy.answersLost > lostBefore, 30_000, 50);
    const closed = log.close();
    assert.equal((await closing).code, 'LOG_IN_DOUBT');
    await closed;
    proxy.pass();

    // kcat runs beside the proxy, which forwards from this process: not spawnSync.
    const { stdout } = await promisify(execFile)(
      'kcat',
      ['-C', '-b', kafka.brokers, '-t', topic, '-e', '-q', '-f', '%s\n'],
      { timeout: 60_000 },
    );
    const counts = new Map<string, number>();
    for (const value of stdout.trim().split('\n')) counts.set(value, (counts.get(value) ?? 0) + 1);
    assert.equal(counts.get(lost!.value), 1, 'the batch whose answer was lost is in the topic once');
    assert.equal(counts.get(next!.value), 1, 'the append after it is in the topic once');
    assert.equal(counts.get(last!.value), 1, 'and so is the one after that');
    for (const probe of probes)
      assert.equal(
        counts.get(probe.value) ?? 0,
        probe.outcome() === 'resolved' ? 1 : 0,
        `an append ${probe.outcome()} while in doubt`,
      );
    assert.equal(
      counts.get(givenUp!.value),
      1,
      'the append given up in doubt was written (the broker took it, its answer was lost)',
    );
    assert.equal(counts.get(afterGivingUp!.value), 1, 'the append after giving up is in the topic once');
    assert.equal(counts.get(atClose!.value), 1, 'the append given up at close was written too');
  } finally {
    proxy.pass();
    await log.close();
  }
});
