import { Partitioners, type Admin, type Producer } from 'kafkajs';
import type { AppendRecord, EventLog } from '../event-log.js';
import { createKafka, ensureTopic, kafkaUnavailable, type KafkaConnection } from './kafka-client.js';

interface Pending {
  records: AppendRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH_RECORDS = 2000;

/**
 * Lets the current event-loop turn finish: the appends of every request whose state change was
 * answered in the same read from Redis join one produce request instead of waiting for the next.
 */
const lingerOneTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Event log on a Kafka topic. The producer is idempotent (acks from all in-sync replicas, no
 * duplicates on retry) with one request in flight, so order per key holds. Appends that arrive
 * while a send is in flight are sent together by the next one: throughput comes from batching,
 * not from more requests in flight (several producers, one per key range, measured slower here:
 * smaller requests cost more CPU per event on the client and the broker). An append resolves only
 * once Kafka acknowledged it.
 *
 * Partitions: a record's key picks its partition (kafkajs's default partitioner, murmur2 as in
 * Java's client), so all events of one key stay in one partition, in order. The server keys every
 * event by its player's username; an event without a player (the default route's) has no key and
 * goes to the partitions in turn: it has no player whose order it could break.
 */
export class KafkaEventLog implements EventLog {
  private queue: Pending[] = [];
  private sending: Promise<void> | null = null;

  private constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer,
    private readonly admin: Admin,
  ) {}

  static async connect(connection: KafkaConnection): Promise<KafkaEventLog> {
    const kafka = createKafka(connection.brokers, 'gamepipe-server');
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureTopic(admin, connection.topic);
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
    return new KafkaEventLog(connection, producer, admin);
  }

  append(records: AppendRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      this.sending ??= this.sendQueued();
    });
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      await lingerOneTurn();
      const batch: Pending[] = [];
      const messages: AppendRecord[] = [];
      while (this.queue.length > 0 && messages.length < MAX_BATCH_RECORDS) {
        const next = this.queue.shift()!;
        batch.push(next);
        for (const record of next.records) messages.push(record);
      }
      try {
        await this.producer.send({ topic: this.connection.topic, acks: -1, messages });
        for (const p of batch) p.resolve();
      } catch (error) {
        const unavailable = kafkaUnavailable(this.connection.brokers, error);
        for (const p of batch) p.reject(unavailable);
      }
    }
    this.sending = null;
  }

  async ping(): Promise<void> {
    try {
      await this.admin.describeCluster();
    } catch (error) {
      throw kafkaUnavailable(this.connection.brokers, error);
    }
  }

  async close(): Promise<void> {
    while (this.sending) await this.sending;
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
