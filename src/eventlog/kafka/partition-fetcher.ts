import type { LogRecord, Positions } from '../event-log.js';
import { READ_COMMITTED, type FetchedMessage, type KafkaCluster } from './kafka-cluster.js';

/**
 * Bytes per fetch and per partition: about 6,000 buy events, decoded and held until the writer has
 * read them. 8 MB held about 30 MB more of the writer's memory and was no faster over a
 * 1,000,000-record topic (about 9 to 10 s either way, 165 fetches against 40).
 */
const FETCH_MAX_BYTES = 2 * 1024 * 1024;

export interface Fetched {
  records: LogRecord[];
  /** The positions after this fetch, for every partition of the topic (control records skipped). */
  next: Positions;
}

/**
 * One Fetch request per partition leader, from given positions, for every partition of one topic:
 * no consumer group, so nothing to join, no heartbeat and nothing to leave. A partition without a
 * position starts at its earliest retained record.
 */
export class PartitionFetcher {
  private staleMetadata = false;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly topic: string,
    private readonly earliest: () => Promise<Positions>,
  ) {}

  /** After a failed fetch the next one reloads the topic's leaders first. */
  markMetadataStale(): void {
    this.staleMetadata = true;
  }

  /** Records after `from`, waiting up to `maxWaitMs` at the broker when there are none yet. */
  async fetch(from: Positions, maxWaitMs: number, only?: ReadonlySet<number>): Promise<Fetched> {
    if (this.staleMetadata) await this.cluster.refreshMetadata();
    else await this.cluster.refreshMetadataIfNecessary();
    this.staleMetadata = false;
    const partitions = this.cluster
      .findTopicPartitionMetadata(this.topic)
      .map((p) => p.partitionId)
      .filter((p) => !only || only.has(p));
    if (partitions.length === 0) {
      // Nothing to read (a writer whose group holds every partition elsewhere): wait as a broker would.
      await new Promise((resolve) => setTimeout(resolve, maxWaitMs));
      return { records: [], next: new Map(from) };
    }
    const next = await this.startPositions(from, partitions);
    const records: LogRecord[] = [];
    const byLeader = Object.entries(this.cluster.findLeaderForPartitions(this.topic, partitions));
    const responses = await Promise.all(
      byLeader.map(async ([nodeId, led]) =>
        (await this.cluster.findBroker({ nodeId })).fetch({
          isolationLevel: READ_COMMITTED,
          maxWaitTime: Math.max(0, Math.round(maxWaitMs)),
          minBytes: 1,
          maxBytes: FETCH_MAX_BYTES,
          topics: [
            {
              topic: this.topic,
              partitions: led.map((partition) => ({
                partition,
                fetchOffset: String(next.get(partition)),
                maxBytes: FETCH_MAX_BYTES,
              })),
            },
          ],
        }),
      ),
    );
    for (const response of responses) {
      for (const { partitions: fetched } of response.responses) {
        for (const { partition, messages } of fetched)
          next.set(partition, collect(partition, messages, next.get(partition)!, records));
      }
    }
    return { records, next };
  }

  private async startPositions(from: Positions, partitions: number[]): Promise<Positions> {
    const next = new Map(from);
    if (partitions.some((p) => !next.has(p))) {
      const earliest = await this.earliest();
      for (const p of partitions) if (!next.has(p)) next.set(p, earliest.get(p) ?? 0);
    }
    return next;
  }
}

/**
 * Appends the partition's records at or after `fromOffset` (a fetch starts at the beginning of the
 * record batch holding it) and returns the position after the last one.
 */
function collect(partition: number, messages: FetchedMessage[], fromOffset: number, into: LogRecord[]): number {
  let next = fromOffset;
  for (const message of messages) {
    const offset = Number(message.offset);
    if (offset < fromOffset) continue;
    next = offset + 1;
    if (message.isControlRecord) continue;
    into.push({
      partition,
      offset,
      timestamp: Number(message.timestamp),
      key: message.key === null ? null : message.key.toString('utf8'),
      value: message.value === null ? '' : message.value.toString('utf8'),
    });
  }
  return next;
}
