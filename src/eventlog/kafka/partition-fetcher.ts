import type { Consumer } from '@platformatic/kafka';
import type { LogRecord, Positions } from '../event-log.js';

/**
 * Bytes per fetch and per partition: about 6,000 buy events, decoded and held until the writer has
 * read them. 8 MB held about 30 MB more of the writer's memory and was no faster over a
 * 1,000,000-record topic (about 9 to 10 s either way, 165 fetches against 40).
 */
const FETCH_MAX_BYTES = 2 * 1024 * 1024;
/** Reads what is committed (the log's high watermark), as Java's consumer does by default. */
const READ_COMMITTED = 1;
/** A record batch's attribute bit for control records (transaction markers): not events. */
const CONTROL_BATCH = 0x20;

export interface Fetched {
  records: LogRecord[];
  /** The positions after this fetch, for every partition read (control records skipped). */
  next: Positions;
}

type Client = Consumer<Buffer, Buffer, Buffer, Buffer>;
type FetchResponse = Awaited<ReturnType<Client['fetch']>>;

/**
 * One Fetch request per partition leader, from given positions, for every partition of one topic,
 * through the client's public `fetch` (a node and its partitions): no consumer group, so nothing
 * to join, no heartbeat and nothing to leave. A partition without a position starts at its
 * earliest retained record.
 */
export class PartitionFetcher {
  private staleMetadata = false;

  constructor(
    private readonly client: Client,
    private readonly topic: string,
    private readonly earliest: () => Promise<Positions>,
  ) {}

  /** After a failed fetch the next one reloads the topic's leaders first. */
  markMetadataStale(): void {
    this.staleMetadata = true;
  }

  /** Records after `from`, waiting up to `maxWaitMs` at the broker when there are none yet. */
  async fetch(from: Positions, maxWaitMs: number, only?: ReadonlySet<number>): Promise<Fetched> {
    const metadata = await this.client.metadata({ topics: [this.topic], forceUpdate: this.staleMetadata });
    this.staleMetadata = false;
    const topic = metadata.topics.get(this.topic);
    const partitions = (topic?.partitions ?? []).map((_, p) => p).filter((p) => !only || only.has(p));
    if (!topic || partitions.length === 0) {
      // Nothing to read (a writer whose group holds every partition elsewhere): wait as a broker would.
      await new Promise((resolve) => setTimeout(resolve, maxWaitMs));
      return { records: [], next: new Map(from) };
    }
    const next = await this.startPositions(from, partitions);
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = topic.partitions[p]!.leader;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const responses = await Promise.all(
      [...byLeader].map(([node, led]) =>
        this.client.fetch({
          node,
          isolationLevel: READ_COMMITTED,
          maxWaitTime: Math.max(0, Math.round(maxWaitMs)),
          minBytes: 1,
          maxBytes: FETCH_MAX_BYTES,
          topics: [
            {
              topicId: topic.id,
              partitions: led.map((partition) => ({
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: BigInt(next.get(partition)!),
                lastFetchedEpoch: -1,
                partitionMaxBytes: FETCH_MAX_BYTES,
              })),
            },
          ],
        }),
      ),
    );
    const records: LogRecord[] = [];
    for (const response of responses) collect(response, next, records);
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
 * Appends each partition's records at or after its position (a fetch starts at the beginning of
 * the record batch holding it) and moves the position past the last one.
 */
function collect(response: FetchResponse, positions: Positions, into: LogRecord[]): void {
  for (const { partitions } of response.responses) {
    for (const { partitionIndex: partition, records: batches } of partitions) {
      const from = positions.get(partition)!;
      let next = from;
      for (const batch of batches ?? []) {
        const control = (batch.attributes & CONTROL_BATCH) !== 0;
        for (const record of batch.records) {
          const offset = Number(batch.firstOffset) + record.offsetDelta;
          if (offset < from) continue;
          next = offset + 1;
          if (control) continue;
          into.push({
            partition,
            offset,
            timestamp: Number(batch.firstTimestamp + record.timestampDelta),
            key: record.key === null || record.key.length === 0 ? null : record.key.toString('utf8'),
            value: record.value === null ? '' : record.value.toString('utf8'),
          });
        }
      }
      positions.set(partition, next);
    }
  }
}
