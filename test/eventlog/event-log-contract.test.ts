import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { encodeFrame } from '../../src/eventlog/embedded/record-frame.js';
import { SegmentReader } from '../../src/eventlog/embedded/segment-reader.js';
import { listSegmentBases, segmentPath, topicDir } from '../../src/eventlog/embedded/segments.js';
import type { EventLog, EventLogReader, LogRecord } from '../../src/eventlog/event-log.js';
import type { KafkaConnection } from '../../src/eventlog/kafka/kafka-client.js';
import { KafkaEventLog } from '../../src/eventlog/kafka/kafka-event-log.js';
import { KafkaReader } from '../../src/eventlog/kafka/kafka-reader.js';
import { ThreadedKafkaEventLog } from '../../src/eventlog/kafka/threaded-kafka-event-log.js';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

interface LogPair {
  log: EventLog;
  reader: (group: string) => Promise<EventLogReader>;
}

interface Adapter {
  name: string;
  open(t: TestContext): Promise<LogPair | null>;
}

/** A Kafka log on a topic of its own, read by the Kafka reader. */
function kafkaAdapter(name: string, connect: (connection: KafkaConnection) => Promise<EventLog>): Adapter {
  return {
    name,
    open: async (t) => {
      if (!(await requireKafka(t))) return null;
      const connection = { brokers: KAFKA_BROKERS, topic: uniqueName('gp-contract') };
      return { log: await connect(connection), reader: (group) => KafkaReader.connect(connection, { group }) };
    },
  };
}

const adapters: Adapter[] = [
  {
    name: 'embedded',
    open: async () => {
      const dataDir = tempDir();
      return {
        log: await EmbeddedEventLog.open({ dataDir, topic: 'events' }),
        reader: async (group) => SegmentReader.forTopic(dataDir, 'events', { group }),
      };
    },
  },
  kafkaAdapter('kafka', (connection) => KafkaEventLog.connect(connection)),
  kafkaAdapter('kafka, producer on a thread of its own (as the server runs it)', (connection) =>
    ThreadedKafkaEventLog.connect(connection),
  ),
];

async function readAll(reader: EventLogReader, count: number, timeoutMs = 30_000): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) records.push(...(await reader.poll(10_000, 500)));
  return records;
}

/** Reads `count` records with a fresh reader of the embedded log, then closes it. */
async function readEmbedded(dataDir: string, count: number): Promise<LogRecord[]> {
  const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
  const records = await readAll(reader, count, 2000);
  await reader.close();
  return records;
}

const values = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ key: `user${(from + i) % 3}`, value: JSON.stringify({ n: from + i }) }));

for (const adapter of adapters) {
  describe(`event log contract: ${adapter.name}`, () => {
    it('hands back every appended record once, in order, with key and timestamp', async (t) => {
      const pair = await adapter.open(t);
      if (!pair) return;
      const before = Date.now();
      await Promise.all(values(300).map((r) => pair.log.append([r])));
      const reader = await pair.reader(uniqueName('g'));
      const records = await readAll(reader, 300);
      await reader.close();
      await pair.log.close();
      assert.deepEqual(
        records.map((r) => JSON.parse(r.value).n),
        Array.from({ length: 300 }, (_, i) => i),
      );
      assert.deepEqual(
        records.map((r) => r.offset),
        Array.from({ length: 300 }, (_, i) => i),
      );
      assert.equal(records[4]!.key, 'user1');
      assert.ok(records.every((r) => r.timestamp >= before - 1000 && r.timestamp <= Date.now()));
    });

    it('reports end offsets and starts reading where seek says', async (t) => {
      const pair = await adapter.open(t);
      if (!pair) return;
      await pair.log.append(values(20));
      const reader = await pair.reader(uniqueName('g'));
      assert.deepEqual(await reader.endOffsets(), new Map([[0, 20]]));
      await reader.seek(new Map([[0, 15]]));
      const records = await readAll(reader, 5);
      assert.deepEqual(
        records.map((r) => r.offset),
        [15, 16, 17, 18, 19],
      );
      assert.deepEqual(await reader.poll(10, 300), [], 'nothing past the end');
      await reader.close();
      await pair.log.close();
    });

    it('a reader sees records appended while it reads', async (t) => {
      const pair = await adapter.open(t);
      if (!pair) return;
      await pair.log.append(values(1));
      const reader = await pair.reader(uniqueName('g'));
      const first = await readAll(reader, 1);
      const writing = (async () => {
        for (let i = 1; i < 200; i += 20) await pair.log.append(values(20, i).slice(0, Math.min(20, 200 - i)));
      })();
      const rest = await readAll(reader, 199);
      await writing;
      await reader.close();
      await pair.log.close();
      assert.deepEqual(
        [...first, ...rest].map((r) => JSON.parse(r.value).n),
        Array.from({ length: 200 }, (_, i) => i),
      );
    });
  });
}

describe('embedded event log files', () => {
  it('ignores a torn last record after a crash and keeps offsets dense', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(values(10));
    await log.close();
    appendFileSync(segmentPath(topicDir(dataDir, 'events'), 0), Buffer.from([0, 0, 0, 90, 1, 2, 3, 4, 5]));
    const reopened = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    assert.equal(reopened.endOffset, 10);
    await reopened.append(values(1, 10));
    await reopened.close();
    const records = await readEmbedded(dataDir, 11);
    assert.deepEqual(
      records.map((r) => r.offset),
      Array.from({ length: 11 }, (_, i) => i),
    );
  });

  it('rolls segments by size and reads and seeks across them', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events', segmentBytes: 4096 });
    for (let i = 0; i < 1000; i += 50) await log.append(values(50, i));
    await log.close();
    assert.ok(listSegmentBases(topicDir(dataDir, 'events')).length > 5);
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
    assert.equal((await readAll(reader, 1000, 2000)).length, 1000);
    await reader.seek(new Map([[0, 777]]));
    assert.deepEqual(
      (await reader.poll(3, 0)).map((r) => r.offset),
      [777, 778, 779],
    );
    assert.deepEqual(await reader.endOffsets(), new Map([[0, 1000]]));
    // Seek steps over frames by their headers: it must land on the very record asked, on either side of each segment's start.
    const bases = listSegmentBases(topicDir(dataDir, 'events'));
    for (const target of [0, 1, 998, 999, ...bases.flatMap((b) => [b - 1, b, b + 1]).filter((o) => o >= 0)]) {
      await reader.seek(new Map([[0, target]]));
      const [first] = await reader.poll(1, 0);
      assert.deepEqual([first?.offset, first && JSON.parse(first.value)], [target, { n: target }], `seek to ${target}`);
    }
    await reader.seek(new Map([[0, 1000]]));
    assert.deepEqual(await reader.poll(10, 0), [], 'nothing past the end');
    await reader.close();
  });

  it("seeks from each segment's index, and lands on the very record asked even when an index is wrong or cut short", async () => {
    const dataDir = tempDir();
    const dir = topicDir(dataDir, 'events');
    const open = () => EmbeddedEventLog.open({ dataDir, topic: 'events', segmentBytes: 8192, indexEveryBytes: 300 });
    let log = await open();
    for (let i = 0; i < 600; i += 5) await log.append(values(5, i));
    await log.close();
    const indexes = readdirSync(dir).filter((n) => n.endsWith('.index'));
    assert.ok(
      indexes.length >= 3 &&
        indexes.every((n) => statSync(join(dir, n)).size % 16 === 0 && statSync(join(dir, n)).size >= 32),
      `an index per segment, entries of 16 bytes: ${indexes}`,
    );
    const seekEach = async (label: string, count: number) => {
      const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
      for (let target = 0; target < count; target += 7) {
        await reader.seek(new Map([[0, target]]));
        const [first] = await reader.poll(1, 0);
        assert.deepEqual(
          [first?.offset, first && JSON.parse(first.value)],
          [target, { n: target }],
          `${label}: seek to ${target}`,
        );
      }
      await reader.close();
    };
    await seekEach('index as written', 600);

    // Entries naming frames that are not there (a bad disk, a bug): checked, and passed over.
    const entry = (offset: number, byte: number) => {
      const bytes = Buffer.alloc(16);
      bytes.writeBigUInt64BE(BigInt(offset), 0);
      bytes.writeBigUInt64BE(BigInt(byte), 8);
      return bytes;
    };
    for (const name of indexes) {
      const written = readFileSync(join(dir, name));
      const [offset, byte] = [
        Number(written.readBigUInt64BE(written.length - 16)),
        Number(written.readBigUInt64BE(written.length - 8)),
      ];
      writeFileSync(join(dir, name), Buffer.concat([written, entry(offset + 3, byte), entry(offset + 5, byte + 5)]));
    }
    await seekEach('index with wrong entries', 600);

    // A crash cut the active segment's index mid-entry: the log trims it on open, and its next entries are whole.
    const active = indexes.sort().at(-1)!;
    appendFileSync(join(dir, active), Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    log = await open();
    for (let i = 600; i < 700; i += 5) await log.append(values(5, i));
    await log.close();
    assert.equal(statSync(join(dir, active)).size % 16, 0);
    await seekEach('after the index was trimmed', 700);
  });

  it('reads records larger than its read chunk among small ones, in polls of any size, byte for byte', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    const sizes = [10, 5 * 2 ** 20, 3, 9 * 2 ** 20, 4 * 2 ** 20 - 30, 7, 12 * 2 ** 20, 1];
    const written = sizes.map((size, i) => ({
      key: `k${i}`,
      value: `${i}:`.padEnd(size, String.fromCharCode(97 + i)) + 'é',
    }));
    for (const record of written) await log.append([record]);
    await log.close();
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
    const read: LogRecord[] = [];
    for (let polls = 0; read.length < written.length && polls < 100; polls++)
      read.push(...(await reader.poll(1 + (polls % 3), 100)));
    await reader.close();
    assert.deepEqual(
      read.map((r) => r.offset),
      written.map((_, i) => i),
    );
    assert.ok(
      read.every((r, i) => r.key === written[i]!.key && r.value === written[i]!.value),
      'a value came back changed',
    );
    const seeker = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
    for (const target of [6, 3, 1, 7, 0]) {
      await seeker.seek(new Map([[0, target]]));
      const [first] = await seeker.poll(1, 0);
      assert.equal(first?.value, written[target]!.value, `seek to ${target} over records larger than the read chunk`);
    }
    await seeker.close();
  });

  it('a reader that saw bytes past the durable end reads what is written there after a rollback, not those bytes', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(values(3));
    await log.close();
    const segment = segmentPath(topicDir(dataDir, 'events'), 0);
    const durableSize = statSync(segment).size;
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
    // Whole frames written but never durable, then a torn one: what a failed append leaves until it rolls back.
    for (const leftover of [
      Buffer.concat([encodeFrame(3, 1, 'k', 'rolled-back-3'), encodeFrame(4, 1, 'k', 'rolled-back-4')]),
      encodeFrame(3, 1, 'k', 'torn').subarray(0, 20),
    ]) {
      appendFileSync(segment, leftover);
      assert.deepEqual(
        (await reader.poll(100, 0)).map((r) => r.offset),
        statSync(segment).size > durableSize + 20 ? [0, 1, 2] : [],
      );
      truncateSync(segment, durableSize);
    }
    const reopened = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await reopened.append([
      { key: 'k', value: 'accepted-3' },
      { key: 'k', value: 'accepted-4' },
    ]);
    await reopened.close();
    const after = await reader.poll(100, 0);
    await reader.close();
    assert.deepEqual(
      after.map((r) => [r.offset, r.value]),
      [
        [3, 'accepted-3'],
        [4, 'accepted-4'],
      ],
    );
  });

  it('readers never see a record that is written but not yet durable', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(values(3));
    appendFileSync(segmentPath(topicDir(dataDir, 'events'), 0), encodeFrame(3, Date.now(), null, '{"n":3}'));
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'g' });
    assert.deepEqual(
      (await reader.poll(10, 100)).map((r) => r.offset),
      [0, 1, 2],
    );
    assert.deepEqual(await reader.endOffsets(), new Map([[0, 3]]));
    await reader.close();
    await log.close();
  });

  it('keeps committed group positions', async () => {
    const dataDir = tempDir();
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'writers' });
    await reader.commit(new Map([[0, 42]]));
    assert.deepEqual(SegmentReader.forTopic(dataDir, 'events', { group: 'writers' }).committed(), new Map([[0, 42]]));
  });

  it('a failed write is rejected and leaves no record behind', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(values(2));
    log.injectFault(new Error('disk gone'));
    await assert.rejects(log.append(values(1, 2)), { code: 'LOG_UNAVAILABLE' });
    log.injectFault(null);
    await log.append(values(1, 3));
    await log.close();
    const records = await readEmbedded(dataDir, 3);
    assert.deepEqual(
      records.map((r) => JSON.parse(r.value).n),
      [0, 1, 3],
    );
  });
});
