import { Producer, murmur2, stringSerializers, type Admin } from '@platformatic/kafka';
import type { AppendRecord, EventLog } from '../event-log.js';
import { clientOptions, createAdmin, ensureTopic, type KafkaConnection } from './kafka-client.js';
import { logger } from '../../logger.js';
import { deepMessage, inDoubt, kafkaUnavailable } from './kafka-errors.js';
import { PartitionLane, type LaneFailure } from './partition-lane.js';

/**
 * How long the producer retries one batch (a leader killed is replaced after the controller's
 * session timeout, 9 s by default): attempts back off from 100 ms to 1 s, about 20 s in all.
 */
const PRODUCE_RETRIES = 25;
const produceRetryDelay = (_client: unknown, _operation: string, attempt: number) => Math.min(1000, 100 * 2 ** attempt);

/** Java's default partitioner for a keyed record (murmur2 of the key, made positive), as kafkajs's was. */
const partitionOf = (key: string, partitions: number) => (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

/**
 * Event log on a Kafka topic, written by @platformatic/kafka's idempotent producer (acks from all
 * in-sync replicas, duplicates recognised by the broker on retry). Each partition has a lane of
 * its own (partition-lane.ts): batches of one partition go out one at a time, in order, while other
 * partitions' go out beside them. An append resolves only once Kafka acknowledged every record.
 *
 * Partitions: a record's key picks its partition (Java's murmur2), so all events of one key stay
 * in one partition, in order. The server keys every event by its player's username; an event
 * without a player is given the partitions in turn. An append whose records span partitions
 * (the simulator's) is acknowledged when every partition's part is; when one part fails the others
 * may still be written, so it rejects as in doubt if any part was written or may have been.
 *
 * Failures: unsent (no connection, the broker answered that it did not append, a partition whose
 * send is already retrying) reject with LOG_UNAVAILABLE: not in the log. In doubt (an attempt
 * went unanswered and the retries ran out) reject with LOG_IN_DOUBT.
 */
export class KafkaEventLog implements EventLog {
  private readonly lanes: PartitionLane[];
  private keylessTurn = 0;
  private closing = false;

  private constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: Producer<string, string, string, string>,
    private readonly admin: Admin,
    partitions: number,
  ) {
    this.lanes = Array.from({ length: partitions }, (_, p) => new PartitionLane(producer, connection.topic, p));
  }

  static async connect(connection: KafkaConnection): Promise<KafkaEventLog> {
    const admin = createAdmin(connection.brokers);
    const producer = new Producer({
      ...clientOptions(connection.brokers, 'gamepipe-server'),
      idempotent: true,
      acks: -1,
      retries: PRODUCE_RETRIES,
      retryDelay: produceRetryDelay,
      serializers: stringSerializers,
    });
    try {
      await ensureTopic(admin, connection.topic);
      const metadata = await admin.metadata({ topics: [connection.topic] });
      const partitions = Math.max(1, metadata.topics.get(connection.topic)?.partitionsCount ?? 1);
      await producer.initIdempotentProducer({});
      return new KafkaEventLog(connection, producer, admin, partitions);
    } catch (error) {
      // The client logs nothing itself; what it tried is kept for debugging (GAMEPIPE_LOG_LEVEL=debug).
      logger.debug({ component: 'kafka', brokers: connection.brokers }, `connecting failed: ${deepMessage(error)}`);
      await producer.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
  }

  append(records: AppendRecord[]): Promise<void> {
    if (this.closing)
      return Promise.reject(kafkaUnavailable(this.connection.brokers, new Error('the event log is closing')));
    const byPartition = new Map<number, AppendRecord[]>();
    for (const record of records) {
      const partition =
        record.key === null ? this.keylessTurn++ % this.lanes.length : partitionOf(record.key, this.lanes.length);
      const list = byPartition.get(partition);
      if (list) list.push(record);
      else byPartition.set(partition, [record]);
    }
    if (byPartition.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let open = byPartition.size;
      let written = false;
      let failure: LaneFailure | undefined;
      const settle = (outcome?: LaneFailure) => {
        if (outcome === undefined) written = true;
        else if (failure === undefined || outcome.kind === 'in-doubt') failure = outcome;
        if (--open > 0) return;
        if (failure === undefined) resolve();
        else if (failure.kind === 'in-doubt' || written) reject(inDoubt(this.connection.brokers, failure.cause));
        else reject(kafkaUnavailable(this.connection.brokers, failure.cause));
      };
      for (const [partition, part] of byPartition) this.lanes[partition]!.push({ records: part, settle });
    });
  }

  async ping(): Promise<void> {
    try {
      await this.admin.metadata({ topics: [this.connection.topic], forceUpdate: true });
    } catch (error) {
      throw kafkaUnavailable(this.connection.brokers, error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.lanes.map((lane) => lane.drained()));
    await this.producer.close().catch(() => undefined);
    await this.admin.close().catch(() => undefined);
  }
}
