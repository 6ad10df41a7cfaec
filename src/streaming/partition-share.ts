import { isGamepipeError } from '../errors.js';
import type { EventLogReader } from '../eventlog/event-log.js';
import { WriterGroup } from '../lake/commit/writer-group.js';
import type { LakeWriter } from '../lake/lake-writer.js';
import { writerStatusPath } from '../metrics/writer-status.js';

/** Log partitions a writer gives back and claims to match its group's shares. */
export interface ShareChange {
  leaving: number[];
  joining: number[];
}

/** How often a grouped writer looks at its group again (a killed member's partitions move within its lease's time to live). */
const REBALANCE_EVERY_MS = 1000;

/**
 * The log partitions a stream writer reads. Alone (the embedded log, or `--once`), it claims every
 * partition and refuses to start when another writer holds one. In a group (writers of one table on
 * Kafka, on any number of hosts), it claims its share and, between batches, gives back what is no
 * longer its share and claims what became so: a partition is read by one writer at a time, and a
 * partition still held by a member that has not let go yet is claimed at a later round.
 */
export class PartitionShare {
  private lastLook = 0;

  private constructor(
    private readonly lake: LakeWriter,
    private readonly reader: EventLogReader,
    private readonly group: WriterGroup | undefined,
    private readonly target: string,
  ) {}

  static async open(
    lake: LakeWriter,
    reader: EventLogReader,
    target: string,
    grouped: boolean,
  ): Promise<PartitionShare> {
    if (!grouped) {
      await lake.claim([...(await reader.endOffsets()).keys()]);
      return new PartitionShare(lake, reader, undefined, target);
    }
    const statusOf = (id: string) => writerStatusPath(`${target}+${id}`);
    const group = await WriterGroup.join(
      lake.storage,
      target,
      async (id) => void (await lake.storage.delete(statusOf(id))),
    );
    const share = new PartitionShare(lake, reader, group, target);
    await share.rebalance();
    return share;
  }

  /** The name of this writer's status record: its table, and its group member id when it shares the table with others. */
  get statusName(): string {
    return this.group ? `${this.group.target}+${this.group.id}` : this.target;
  }

  holds(partition: number): boolean {
    return this.lake.holds(partition);
  }

  /**
   * Takes and gives back partitions to match the group's shares now; true when the partitions held
   * changed. A log or lake that does not answer leaves the shares as they are until the next look.
   */
  async rebalance(): Promise<boolean> {
    const change = await this.look();
    return change !== undefined && (await this.apply(change));
  }

  /**
   * What should change in the partitions held (looked at in the group at most once a second), or
   * undefined: nothing. Cheap, and safe while batches land; `apply` is not (see StreamWriter).
   */
  async look(): Promise<ShareChange | undefined> {
    if (!this.group || Date.now() - this.lastLook < REBALANCE_EVERY_MS) return undefined;
    this.lastLook = Date.now();
    let mine: number[];
    try {
      mine = await this.group.share([...(await this.reader.endOffsets()).keys()]);
    } catch (error) {
      if (isGamepipeError(error) && error.retriable) return undefined;
      throw error;
    }
    const held = this.lake.partitions;
    const change = { leaving: held.filter((p) => !mine.includes(p)), joining: mine.filter((p) => !held.includes(p)) };
    return change.leaving.length + change.joining.length > 0 ? change : undefined;
  }

  /** Gives back and claims partitions, with no batch in hand; true when the partitions held changed. */
  async apply({ leaving, joining }: ShareChange): Promise<boolean> {
    if (leaving.length > 0) await this.lake.release(leaving);
    let joined = false;
    for (const partition of joining) {
      try {
        await this.lake.claim([partition]);
        joined = true;
      } catch (error) {
        // Still held by a member letting go, or the lake did not answer: tried again at the next look.
        if (!isGamepipeError(error) || (error.code !== 'DATA_DIR_LOCKED' && !error.retriable)) throw error;
      }
    }
    return joined || leaving.length > 0;
  }

  /** Leaves the group; a member's own status record goes with it (a lone writer's stays, for the next one to take up). */
  async leave(): Promise<void> {
    if (!this.group) return;
    await this.group.leave();
    await this.lake.storage.delete(writerStatusPath(this.statusName)).catch(() => false);
  }
}
