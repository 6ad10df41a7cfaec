import type { Admin } from 'kafkajs';
import { logger } from '../../logger.js';
import type { EventLogReader, LogRecord, Positions, ReaderOptions } from '../event-log.js';
import { createKafka, ensureTopic, type KafkaConnection } from './kafka-client.js';
import { kafkaUnavailable } from './kafka-errors.js';
import { createCluster, type KafkaCluster } from './kafka-cluster.js';
import { PartitionFetcher } from './partition-fetcher.js';

const MAX_RETRY_DELAY_MS = 2000;

/** Waits for `promise`, or `ms`, whichever comes first. */
function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * Reader of every partition of a topic, from positions it is given (the lake is the source of
 * truth), like a Java consumer after `assign` and `seek`: it joins no consumer group, so it starts
 * without a rebalance and closes without waiting for one.
 *
 * Fetching: a poll that finds nothing buffered sends a Fetch that the broker holds for at most the
 * poll's own wait, so a poll returns as soon as records exist and no fetch outlives the wait its
 * caller chose (closing never waits for a long poll). After handing records out, the reader fetches
 * the next ones without waiting at the broker while the caller works on these, so reading a backlog
 * overlaps writing it; at most one fetch (8 MB) beyond a poll's worth is held in memory.
 */
export class KafkaReader implements EventLogReader {
  private positions: Positions = new Map();
  /** The partitions read, when not all of them. */
  private only: ReadonlySet<number> | undefined;
  private buffer: LogRecord[] = [];
  private fetching: Promise<void> | null = null;
  /** Bumped by `seek` and `close`: a fetch that started before is dropped. */
  private generation = 0;
  private closed = false;
  private failures = 0;
  private retryAt = 0;
  private commitWarned = false;
  private readonly fetcher: PartitionFetcher;

  private constructor(
    private readonly connection: KafkaConnection,
    private readonly group: string,
    private readonly cluster: KafkaCluster,
    private readonly admin: Admin,
  ) {
    this.fetcher = new PartitionFetcher(cluster, connection.topic, async () => this.offsets('low'));
  }

  static async connect(connection: KafkaConnection, options: ReaderOptions): Promise<KafkaReader> {
    const kafka = createKafka(connection.brokers, `gamepipe-${options.group}`);
    const admin = kafka.admin();
    const cluster = createCluster(kafka);
    try {
      await admin.connect();
      await ensureTopic(admin, connection.topic);
      await cluster.connect();
      await cluster.addTargetTopic(connection.topic);
    } catch (error) {
      await cluster.disconnect().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
    return new KafkaReader(connection, options.group, cluster, admin);
  }

  async endOffsets(): Promise<Positions> {
    return this.offsets('high');
  }

  async seek(positions: Positions, partitions?: readonly number[]): Promise<void> {
    this.generation++;
    this.positions = new Map(positions);
    this.only = partitions ? new Set(partitions) : undefined;
    this.buffer = [];
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    const deadline = Date.now() + maxWaitMs;
    for (let left = maxWaitMs; this.buffer.length === 0 && left > 0 && !this.closed; left = deadline - Date.now()) {
      const pause = this.retryAt - Date.now();
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
      else await within((this.fetching ??= this.fetchMore(left)), left);
    }
    const taken = this.buffer.length <= maxRecords ? this.buffer : this.buffer.slice(0, maxRecords);
    this.buffer = this.buffer.length <= maxRecords ? [] : this.buffer.slice(maxRecords);
    if (this.buffer.length < maxRecords && !this.closed && Date.now() >= this.retryAt)
      this.fetching ??= this.fetchMore(0);
    return taken;
  }

  /**
   * Records the group's positions with Kafka (a commit without membership, as a consumer that
   * assigns its partitions makes), so Kafka's own tools show the writer's lag. Writers recover from
   * the lake, never from here: a failure is logged, once, and changes nothing.
   */
  async commit(positions: Positions): Promise<void> {
    try {
      const coordinator = await this.cluster.findGroupCoordinator({ groupId: this.group });
      await coordinator.offsetCommit({
        groupId: this.group,
        groupGenerationId: -1,
        memberId: '',
        topics: [
          {
            topic: this.connection.topic,
            partitions: [...positions].map(([partition, offset]) => ({ partition, offset: String(offset) })),
          },
        ],
      });
    } catch (error) {
      if (!this.commitWarned)
        logger.warn(
          { err: error, group: this.group },
          "could not record the group's positions in Kafka (informational: writers recover from the lake)",
        );
      this.commitWarned = true;
    }
  }

  /** Waits for the fetch in flight, if any (it waits at the broker no longer than the poll that sent it). */
  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    await this.fetching;
    await this.cluster.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** The topic's low or high watermarks; LOG_UNAVAILABLE (retriable) when the brokers do not answer. */
  private async offsets(which: 'low' | 'high'): Promise<Positions> {
    try {
      const offsets = await this.admin.fetchTopicOffsets(this.connection.topic);
      return new Map(offsets.map((o) => [o.partition, Number(o[which])]));
    } catch (error) {
      throw kafkaUnavailable(this.connection.brokers, error);
    }
  }

  /** One fetch into the buffer; never rejects (after a failure, polls wait until `retryAt` before the next). */
  private async fetchMore(maxWaitMs: number): Promise<void> {
    const generation = this.generation;
    try {
      const { records, next } = await this.fetcher.fetch(this.positions, maxWaitMs, this.only);
      if (generation !== this.generation) return;
      this.positions = next;
      this.buffer = this.buffer.length === 0 ? records : this.buffer.concat(records);
      this.failures = 0;
    } catch (error) {
      if (generation === this.generation) this.fetchFailed(error);
    } finally {
      this.fetching = null;
    }
  }

  private fetchFailed(error: unknown): void {
    const outOfRange = error as { name?: string; partition?: number };
    if (outOfRange.name === 'KafkaJSOffsetOutOfRange' && outOfRange.partition !== undefined) {
      logger.warn(
        {
          topic: this.connection.topic,
          partition: outOfRange.partition,
          offset: this.positions.get(outOfRange.partition),
        },
        'position no longer in the log (records removed by retention, or the topic was recreated): reading from its earliest record',
      );
      this.positions.delete(outOfRange.partition);
      return;
    }
    this.fetcher.markMetadataStale();
    this.failures++;
    this.retryAt = Date.now() + Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** this.failures);
    if (this.failures === 1)
      logger.warn({ err: error, topic: this.connection.topic }, 'fetching from Kafka failed; retrying');
  }
}
