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
 * Event log on a Kafka topic. The producer is idempotent (acks from all in-sync replicas, no
 * duplicates on retry) with one request in flight, so order per key holds. Appends that arrive
 * while a send is in flight are sent together by the next one: throughput comes from batching,
 * not from more requests in flight. An append resolves only once Kafka acknowledged it.
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
      const batch: Pending[] = [];
      let count = 0;
      while (this.queue.length > 0 && count < MAX_BATCH_RECORDS) {
        const next = this.queue.shift()!;
        batch.push(next);
        count += next.records.length;
      }
      try {
        await this.producer.send({
          topic: this.connection.topic,
          acks: -1,
          messages: batch.flatMap((p) => p.records.map((r) => ({ key: r.key, value: r.value }))),
        });
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
