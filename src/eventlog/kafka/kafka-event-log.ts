import { setTimeout as delay } from 'node:timers/promises';
import { Partitioners, type Admin, type Kafka, type Message, type Producer } from 'kafkajs';
import type { AppendRecord, EventLog } from '../event-log.js';
import { createKafka, ensureTopic, type KafkaConnection } from './kafka-client.js';
import { inDoubt, kafkaUnavailable } from './kafka-errors.js';
import { ProduceWatch } from './produce-watch.js';
import { sendFailure } from './send-failure.js';

interface Pending {
  records: AppendRecord[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH_RECORDS = 2000;
/** Half the broker's default max.message.bytes (1 MiB per partition's batch): large events never push a batch over. */
const MAX_BATCH_BYTES = 512 * 1024;
/** Between two sends of a batch in doubt. */
const RESEND_PAUSE_MS = 500;
/** How long a batch in doubt is sent again before its appends are given up as in doubt (the server's request timeout)… */
const IN_DOUBT_MS = 30_000;
/** …and once `close` was called. */
const CLOSE_RESEND_MS = 5000;

/**
 * Lets the current event-loop turn finish: the appends of every request whose state change was
 * answered in the same read from Redis join one produce request instead of waiting for the next.
 */
const lingerOneTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** An idempotent producer, connected: it holds a producer id of its own from the broker. */
async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await producer.connect();
    return producer;
  } catch (error) {
    await producer.disconnect().catch(() => undefined);
    throw error;
  }
}

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
 * is given the partitions in turn here, so that a batch sent again goes where it went the first time.
 *
 * A send that failed before any Produce request left (a broker already down) was not written: its
 * appends reject. One whose answer never came (the broker stopping mid-request, a dropped reply)
 * may have been. Rejecting its appends would let the server answer 503 for an event in the log, so
 * the batch is sent again, the same records in the same partitions, until Kafka answers: the
 * idempotent producer numbers it as before, and the broker writes it or recognises it as written.
 * Meanwhile every other append is refused unsent (LOG_UNAVAILABLE: not in the log). After 30 s
 * (5 s once `close` was called), or when the broker no longer knows the producer, the appends in
 * doubt reject with LOG_IN_DOUBT, and the producer is replaced: kafkajs would number its next batch
 * as the one in doubt, and the broker could acknowledge it unwritten.
 */
export class KafkaEventLog implements EventLog {
  private queue: Pending[] = [];
  private sending: Promise<void> | null = null;
  /** A batch was sent and not answered: until Kafka answers, nothing else is sent. */
  private doubtful = false;
  /** kafkajs would number the next batch as one that may be written: the next batch needs a new producer. */
  private producerSpent = false;
  private closing = false;
  private keylessTurn = 0;

  private constructor(
    private readonly connection: KafkaConnection,
    private readonly kafka: Kafka,
    private readonly watch: ProduceWatch,
    private producer: Producer,
    private readonly admin: Admin,
    private readonly partitions: number,
  ) {}

  static async connect(connection: KafkaConnection): Promise<KafkaEventLog> {
    const watch = new ProduceWatch();
    const kafka = createKafka(connection.brokers, 'gamepipe-server', { socketFactory: watch.socketFactory });
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureTopic(admin, connection.topic);
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [connection.topic] })).topics;
      const partitions = Math.max(1, metadata?.partitions.length ?? 1);
      return new KafkaEventLog(connection, kafka, watch, await connectProducer(kafka), admin, partitions);
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
  }

  append(records: AppendRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.doubtful || this.closing) {
        reject(
          kafkaUnavailable(
            this.connection.brokers,
            new Error(this.closing ? 'the event log is closing' : 'a send waits for the broker to answer'),
          ),
        );
        return;
      }
      this.queue.push({ records, resolve, reject });
      this.sending ??= this.sendQueued();
    });
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      await lingerOneTurn();
      const batch: Pending[] = [];
      const messages: Message[] = [];
      let bytes = 0;
      while (this.queue.length > 0 && messages.length < MAX_BATCH_RECORDS && bytes < MAX_BATCH_BYTES) {
        const next = this.queue.shift()!;
        batch.push(next);
        for (const { key, value } of next.records) {
          bytes += Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key));
          messages.push(
            key === null ? { key, value, partition: this.keylessTurn++ % this.partitions } : { key, value },
          );
        }
      }
      await this.deliver(batch, messages);
    }
    this.sending = null;
  }

  /** Sends the batch until Kafka answers; see the class's comment for what ends the wait otherwise. */
  private async deliver(batch: Pending[], messages: Message[]): Promise<void> {
    const settle = (error?: unknown) => {
      this.doubtful = false;
      for (const p of batch) {
        if (error === undefined) p.resolve();
        else p.reject(error);
      }
    };
    try {
      if (this.producerSpent) await this.renewProducer();
    } catch (error) {
      return settle(kafkaUnavailable(this.connection.brokers, error));
    }
    let givingUpAt = Infinity;
    let mayBeWritten = false;
    for (;;) {
      const producedBefore = this.watch.produceRequests;
      try {
        await this.producer.send({ topic: this.connection.topic, acks: -1, messages });
        return settle();
      } catch (error) {
        mayBeWritten ||= this.watch.produceRequests > producedBefore;
        const failure = mayBeWritten ? sendFailure(error) : 'refused';
        if (failure === 'refused') return settle(kafkaUnavailable(this.connection.brokers, error));
        this.doubtful = true;
        for (const p of this.queue.splice(0)) p.reject(kafkaUnavailable(this.connection.brokers, error));
        givingUpAt = Math.min(givingUpAt, Date.now() + (this.closing ? CLOSE_RESEND_MS : IN_DOUBT_MS));
        if (failure === 'unresolvable' || Date.now() >= givingUpAt) {
          this.producerSpent = true;
          return settle(inDoubt(this.connection.brokers, error));
        }
        await delay(RESEND_PAUSE_MS);
      }
    }
  }

  /** A new producer (connecting asks the broker for a new producer id) in place of one whose numbering is spent. */
  private async renewProducer(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    this.producer = await connectProducer(this.kafka);
    this.producerSpent = false;
  }

  async ping(): Promise<void> {
    try {
      await this.admin.describeCluster();
    } catch (error) {
      throw kafkaUnavailable(this.connection.brokers, error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    while (this.sending) await this.sending;
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect();
  }
}
