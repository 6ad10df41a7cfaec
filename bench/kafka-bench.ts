import { spawnSync } from 'node:child_process';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { clientOptions, createAdmin, ensureTopic } from '../src/eventlog/kafka/kafka-client.js';
import { benchDir, fmt, GAMEPIPE_BIN, median } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { buyRecords } from './lake-fixture.js';

const BROKERS = (process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const BACKLOG = Number(process.env.BENCH_KAFKA_EVENTS ?? 1_000_000);
/** Records per produce request: a request's record batch stays under the broker's 1 MB message.max.bytes. */
const FILL_BATCH = 2000;
const FILL_IN_FLIGHT = 4;

interface Case {
  records: number;
  /** Wall-time target on the reference 2-core machine, in seconds. */
  targetS: number;
  why: string;
}

const cases: Case[] = [
  { records: BACKLOG, targetS: 15, why: 'half of the 30 s it took before issue 12' },
  { records: 10, targetS: 2, why: 'no fixed wait' },
];

/**
 * A topic of `partitions` partitions holding exactly `count` bench buy events (keyed by player). The
 * topic is named for its size and kept between runs: a later run that finds it full reuses it
 * instead of filling it again.
 */
export async function filledTopic(count: number, partitions = 1): Promise<{ topic: string; fillS: number | null }> {
  const topic = partitions === 1 ? `gamepipe-bench-buy-${count}` : `gamepipe-bench-buy-${count}-p${partitions}`;
  const admin = createAdmin(BROKERS, 'gamepipe-bench');
  try {
    if ((await admin.listTopics()).includes(topic)) {
      const watermarks = async (timestamp: bigint) =>
        (
          await admin.listOffsets({
            topics: [
              {
                name: topic,
                partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })),
              },
            ],
          })
        )[0]?.partitions ?? [];
      const [low, high] = [await watermarks(-2n), await watermarks(-1n)];
      const held =
        high.reduce((sum, p) => sum + Number(p.offset), 0) - low.reduce((sum, p) => sum + Number(p.offset), 0);
      const metadata = await admin.metadata({ topics: [topic] });
      if (
        metadata.topics.get(topic)?.partitionsCount === partitions &&
        low.every((p) => p.offset === 0n) &&
        held === count
      )
        return { topic, fillS: null };
      await admin.deleteTopics({ topics: [topic] });
    }
    await ensureTopic(admin, topic, partitions, 1);
  } finally {
    await admin.close();
  }
  const started = Date.now();
  const producer = new Producer({
    ...clientOptions(BROKERS, 'gamepipe-bench'),
    acks: 1,
    serializers: stringSerializers,
  });
  try {
    const now = Date.now();
    let next = 0;
    const sender = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + FILL_BATCH);
        const messages = buyRecords(from, next - from, now + from);
        await producer.send({ messages: messages.map((m) => ({ topic, ...m, key: m.key ?? undefined })) });
      }
    };
    await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, sender));
  } finally {
    await producer.close();
  }
  return { topic, fillS: (Date.now() - started) / 1000 };
}

/** Wall time of `gamepipe stream buy --once` over the topic into an empty lake; throws unless it landed every record. */
function timeStreamOnce(topic: string, expected: number, bin = GAMEPIPE_BIN): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    [
      bin,
      'stream',
      'buy',
      '--once',
      '--json',
      '--kafka-brokers',
      BROKERS.join(','),
      '--topic',
      topic,
      '--data-dir',
      benchDir('kafka'),
    ],
    { encoding: 'utf8', env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'error' }, maxBuffer: 64 * 1024 * 1024 },
  );
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`stream buy --once over ${topic} exited ${run.status}: ${run.stderr}`);
  const landed = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .reduce((sum, line) => sum + (JSON.parse(line) as { numInputRows: number }).numInputRows, 0);
  if (landed !== expected) throw new Error(`stream buy --once over ${topic} read ${landed} records, not ${expected}`);
  return wallS;
}

/**
 * Another build's bin/gamepipe.js (BENCH_KAFKA_COMPARE_BIN, e.g. a checkout from before a client
 * change) read over the same large backlog, taking turns with this one: ROUNDS of each, medians.
 */
const COMPARE_BIN = process.env.BENCH_KAFKA_COMPARE_BIN;
const COMPARE_ROUNDS = 2;

function compareWith(bin: string, topic: string, records: number): void {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < COMPARE_ROUNDS; round++) {
    theirs.push(timeStreamOnce(topic, records, bin));
    ours.push(timeStreamOnce(topic, records));
  }
  const base = figure({
    label: `the same, by ${bin}`,
    value: median(theirs),
    unit: 's wall',
    digits: 2,
  });
  figure({
    label: `stream buy --once, this build`,
    value: median(ours),
    unit: 's wall',
    digits: 2,
    baseline: { label: 'the other build', value: base.value },
    target: { op: '<=', value: 1 },
  });
  note(
    `alternating runs: the other build ${theirs.map((s) => fmt(s, 2)).join(', ')} s; this build ${ours.map((s) => fmt(s, 2)).join(', ')} s`,
  );
}

/** `gamepipe stream buy --once` on real Kafka: a large single-partition backlog, and a tiny one (startup and shutdown). */
export async function kafkaBench(): Promise<void> {
  suite(
    'kafka',
    `gamepipe stream buy --once over single-partition topics on Kafka at ${BROKERS.join(',')}, into an empty lake`,
  );
  for (const { records, targetS, why } of cases) {
    const { topic, fillS } = await filledTopic(records);
    const wallS = timeStreamOnce(topic, records);
    figure({
      label: `stream buy --once, ${fmt(records)} records`,
      value: wallS,
      unit: 's wall',
      digits: 2,
      target: { op: '<=', value: targetS },
    });
    note(
      `${fmt(records / wallS)} records/s; target: ${why}; ${fillS === null ? `topic ${topic} reused` : `topic ${topic} filled in ${fmt(fillS, 1)} s`}`,
    );
    if (COMPARE_BIN !== undefined && records === BACKLOG) compareWith(COMPARE_BIN, topic, records);
  }
}
