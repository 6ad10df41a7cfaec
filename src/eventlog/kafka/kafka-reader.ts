import type { Admin, Consumer, KafkaMessage } from 'kafkajs';
import type { EventLogReader, LogRecord, Positions, ReaderOptions } from '../event-log.js';
import { createKafka, ensureTopic, kafkaUnavailable, type KafkaConnection } from './kafka-client.js';

/**
 * Pull-style reader over a kafkajs consumer group. kafkajs pushes batches; each batch waits here
 * until `poll` has taken all of it, so at most one fetched batch is held in memory. Start positions
 * come from `seek` (the lake is the source of truth): they are written as the group's offsets
 * before the consumer joins, so its first fetch starts exactly there (a seek after joining races
 * the first fetch and can hand a record out twice). `commit` updates them for Kafka's own tools.
 */
export class KafkaReader implements EventLogReader {
  private buffer: LogRecord[] = [];
  private drained: (() => void) | null = null;
  private arrived: (() => void) | null = null;
  private running = false;
  private startPositions: Positions = new Map();

  private constructor(
    private readonly connection: KafkaConnection,
    private readonly group: string,
    private readonly consumer: Consumer,
    private readonly admin: Admin,
  ) {}

  static async connect(connection: KafkaConnection, options: ReaderOptions): Promise<KafkaReader> {
    const kafka = createKafka(connection.brokers, `gamepipe-${options.group}`);
    const admin = kafka.admin();
    const consumer = kafka.consumer({ groupId: options.group, allowAutoTopicCreation: false, maxBytes: 8 * 1024 * 1024 });
    try {
      await admin.connect();
      await ensureTopic(admin, connection.topic);
      await consumer.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
    return new KafkaReader(connection, options.group, consumer, admin);
  }

  async endOffsets(): Promise<Positions> {
    const offsets = await this.admin.fetchTopicOffsets(this.connection.topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  async seek(positions: Positions): Promise<void> {
    this.startPositions = positions;
    if (!this.running) return;
    this.buffer = [];
    for (const [partition, offset] of positions) this.consumer.seek({ topic: this.connection.topic, partition, offset: String(offset) });
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (!this.running) await this.start();
    if (this.buffer.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        this.arrived = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.arrived = null;
    }
    const taken = this.buffer.splice(0, maxRecords);
    if (this.buffer.length === 0) this.drained?.();
    return taken;
  }

  async commit(positions: Positions): Promise<void> {
    await this.consumer.commitOffsets(
      [...positions].map(([partition, offset]) => ({ topic: this.connection.topic, partition, offset: String(offset) })),
    );
  }

  async close(): Promise<void> {
    this.drained?.();
    await this.consumer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    this.running = true;
    const offsets = await this.admin.fetchTopicOffsets(this.connection.topic);
    await this.admin.setOffsets({
      groupId: this.group,
      topic: this.connection.topic,
      partitions: offsets.map(({ partition, low }) => ({ partition, offset: String(this.startPositions.get(partition) ?? low) })),
    });
    await this.consumer.subscribe({ topic: this.connection.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, isStale, isRunning }) => {
        if (!isRunning() || isStale()) return;
        for (const message of batch.messages) this.buffer.push(toRecord(batch.partition, message));
        const last = batch.messages.at(-1);
        await new Promise<void>((resolve) => {
          this.drained = resolve;
          this.arrived?.();
        });
        this.drained = null;
        if (last) resolveOffset(last.offset);
      },
    });
  }
}

function toRecord(partition: number, message: KafkaMessage): LogRecord {
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? '' : message.value.toString('utf8'),
  };
}
