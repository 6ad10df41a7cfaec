import { Consumer, type Admin } from '@platformatic/kafka';
import { logger } from '../../logger.js';
import { backoffDelay } from '../../util/retry.js';
import type { EventLogReader, LogRecord, Positions, ReaderOptions } from '../event-log.js';
import { clientOptions, createAdmin, ensureTopic, errorIds, type KafkaConnection } from './kafka-client.js';
import { kafkaUnavailable } from './kafka-errors.js';
import { PartitionFetcher } from './partition-fetcher.js';

/** Fetch retries back off from 0.2 s to 2 s (with jitter): the writer waits out a broker's failover. */
const FETCH_BACKOFF = { baseMs: 200, maxMs: 2000 };

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
    private readonly client: Consumer<Buffer, Buffer, Buffer, Buffer>,
    private readonly admin: Admin,
  ) {
    this.fetcher = new PartitionFetcher(client, connection.topic, async () => this.offsets('low'));
  }

  static async connect(connection: KafkaConnection, options: ReaderOptions): Promise<KafkaReader> {
    const admin = createAdmin(connection.brokers, `gamepipe-${options.group}`);
    // A consumer only for its `fetch` (one request to a named leader): it never joins the group.
    const client = new Consumer({
      ...clientOptions(connection.brokers, `gamepipe-${options.group}`),
      groupId: options.group,
      retries: 0,
    });
    try {
      await ensureTopic(admin, connection.topic);
    } catch (error) {
      await client.close().catch(() => undefined);
      await admin.close().catch(() => undefined);
      throw kafkaUnavailable(connection.brokers, error);
    }
    return new KafkaReader(connection, options.group, client, admin);
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
      await this.admin.alterConsumerGroupOffsets({
        groupId: this.group,
        topics: [
          {
            name: this.connection.topic,
            partitionOffsets: [...positions].map(([partition, offset]) => ({ partition, offset: BigInt(offset) })),
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
    await this.client.close(true).catch(() => undefined);
    await this.admin.close().catch(() => undefined);
  }

  /** The topic's low or high watermarks; LOG_UNAVAILABLE (retriable) when the brokers do not answer. */
  private async offsets(which: 'low' | 'high'): Promise<Positions> {
    try {
      // -2 asks for the earliest retained offset, -1 for the next one to be written (committed).
      const offsets = await this.client.listOffsets({
        topics: [this.connection.topic],
        timestamp: which === 'low' ? -2n : -1n,
        isolationLevel: 1,
      });
      return new Map(
        (offsets.get(this.connection.topic) ?? []).map((offset, partition) => [partition, Number(offset)]),
      );
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
      if (generation === this.generation) await this.fetchFailed(error);
    } finally {
      this.fetching = null;
    }
  }

  private async fetchFailed(error: unknown): Promise<void> {
    if (errorIds(error).includes('OFFSET_OUT_OF_RANGE') && (await this.dropPositionsOutOfRange())) return;
    this.fetcher.markMetadataStale();
    this.failures++;
    this.retryAt = Date.now() + backoffDelay(this.failures, FETCH_BACKOFF);
    if (this.failures === 1)
      logger.warn({ err: error, topic: this.connection.topic }, 'fetching from Kafka failed; retrying');
  }

  /**
   * Positions before the earliest retained record (removed by retention, or the topic was
   * recreated) go on from the earliest one. False when none was (the next fetch retries).
   */
  private async dropPositionsOutOfRange(): Promise<boolean> {
    const earliest = await this.offsets('low').catch(() => undefined);
    const latest = earliest && (await this.offsets('high').catch(() => undefined));
    if (!earliest || !latest) return false;
    let dropped = false;
    for (const [partition, offset] of this.positions) {
      if (offset >= (earliest.get(partition) ?? 0) && offset <= (latest.get(partition) ?? 0)) continue;
      logger.warn(
        { topic: this.connection.topic, partition, offset },
        'position no longer in the log (records removed by retention, or the topic was recreated): reading from its earliest record',
      );
      this.positions.delete(partition);
      dropped = true;
    }
    return dropped;
  }
}
