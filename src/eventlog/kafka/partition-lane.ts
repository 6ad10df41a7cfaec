import type { Producer } from '@platformatic/kafka';
import type { AppendRecord } from '../event-log.js';
import { sendFailure } from './send-failure.js';

/** A part of one append: its records that go to this lane's partition. */
export interface LanePart {
  records: AppendRecord[];
  /** Called once: undefined when Kafka acknowledged every record, else why not. */
  settle: (failure?: LaneFailure) => void;
}

/** `unsent`: no request carried the records (503). `in-doubt`: one may have written them (504). */
export interface LaneFailure {
  kind: 'unsent' | 'in-doubt';
  cause: unknown;
}

const MAX_BATCH_RECORDS = 2000;
/** Half the broker's default max.message.bytes (1 MiB per partition's batch): large events never push a batch over. */
const MAX_BATCH_BYTES = 512 * 1024;
/** A send out this long is retrying (a leader gone): appends arriving meanwhile are refused, not queued. */
const STALLED_MS = 2000;

/**
 * Lets the current event-loop turn finish: the appends of every request whose state change was
 * answered in the same read from Redis join one produce request instead of waiting for the next.
 */
const lingerOneTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One partition's appends, sent in order with at most one produce request of this partition in
 * flight: appends that arrive while it is out are sent together by the next one. Lanes of other
 * partitions send meanwhile, so one partition's leader failing over holds back only its own
 * partition, and every batch's outcome is known per partition (a batch never spans two leaders).
 *
 * The client retries a batch whose answer was lost with the same producer id and sequence numbers,
 * so the broker writes it once or recognises it as written. When the client gives up, the batch
 * is in doubt if any attempt may have reached the log, else unsent; appends queued behind it were
 * never sent and are refused. After a failed send the client takes a new producer id, so no later
 * batch can be acknowledged as a duplicate of one that was never written.
 */
export class PartitionLane {
  private queue: LanePart[] = [];
  private sending: Promise<void> | null = null;
  private sendStartedAt = 0;

  constructor(
    private readonly producer: Producer<string, string, string, string>,
    private readonly topic: string,
    readonly partition: number,
  ) {}

  /** Refused (unsent) at once when this partition's send has been retrying for a while. */
  push(part: LanePart): void {
    if (this.sending && this.sendStartedAt > 0 && Date.now() - this.sendStartedAt > STALLED_MS) {
      part.settle({ kind: 'unsent', cause: new Error(`partition ${this.partition} waits for its leader to answer`) });
      return;
    }
    this.queue.push(part);
    this.sending ??= this.sendQueued();
  }

  /** Resolves once every part pushed so far is settled. */
  async drained(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      await lingerOneTurn();
      const batch: LanePart[] = [];
      let records = 0;
      let bytes = 0;
      while (this.queue.length > 0 && records < MAX_BATCH_RECORDS && bytes < MAX_BATCH_BYTES) {
        const next = this.queue.shift()!;
        batch.push(next);
        records += next.records.length;
        for (const { key, value } of next.records)
          bytes += Buffer.byteLength(value) + (key === null ? 0 : Buffer.byteLength(key));
      }
      await this.deliver(batch);
    }
    this.sending = null;
  }

  private async deliver(batch: LanePart[]): Promise<void> {
    const messages = batch.flatMap((part) =>
      part.records.map(({ key, value }) => ({
        topic: this.topic,
        partition: this.partition,
        value,
        ...(key === null ? {} : { key }),
      })),
    );
    this.sendStartedAt = Date.now();
    try {
      await this.producer.send({ messages, idempotent: true, acks: -1 });
      for (const part of batch) part.settle();
    } catch (error) {
      const kind = sendFailure(error) === 'in-doubt' ? 'in-doubt' : 'unsent';
      for (const part of batch) part.settle({ kind, cause: error });
      for (const part of this.queue.splice(0)) part.settle({ kind: 'unsent', cause: error });
    } finally {
      this.sendStartedAt = 0;
    }
  }
}
