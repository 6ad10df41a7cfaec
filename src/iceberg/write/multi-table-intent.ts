import { randomUUID } from 'node:crypto';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import type { DataFile } from '../data-file.js';

/** Where intents wait: hidden from every reader and from Iceberg's table directories. */
export const ICEBERG_INTENT_DIR = '_iceberg_wal';

/** One table's part of a log partition's commit: its files and the positions they reach. */
export interface TableCommit {
  /** The table's directory (and name in the catalog). */
  dir: string;
  files: DataFile[];
  /** Per position key (`<owner>+<partition>`), the next offset once these files are in. */
  positions: Record<string, number>;
  /** Per position key, where the batch started: a table recording more than this, and less than `positions`, was committed to by another writer. */
  starts: Record<string, number>;
}

/** A commit of one log partition that touches more than one table, written before the first table's snapshot. */
export interface MultiTableIntent {
  writer: string;
  partition: number;
  tables: TableCommit[];
}

/** `<writer>+<partition>+<uuid>.json`: unique, so a fenced writer's late intent never replaces the live writer's. */
const intentPrefix = (writer: string, partition: number) => `${writer}+${partition}+`;

/**
 * A write-ahead intent for the commits of one log partition to several tables (an owner's events
 * and its dead letters, or every table of the `all` writer): each table's snapshot is atomic, the
 * set of them is not, so the intent names every table's files and positions before the first
 * snapshot, and `recover` rolls it forward (each table commit skipped where the table already
 * records its positions) before any position is read. See src/iceberg/README.md.
 */
export class MultiTableIntents {
  constructor(private readonly storage: LakeStorage) {}

  async write(intent: MultiTableIntent): Promise<string> {
    const path = `${ICEBERG_INTENT_DIR}/${intentPrefix(intent.writer, intent.partition)}${randomUUID()}.json`;
    await this.storage.replace(path, Buffer.from(JSON.stringify(intent)));
    return path;
  }

  /**
   * The intents `writer` left in `partition` (each is rolled forward on its own). What a `replace`
   * killed before its rename left (`.<intent>.<random>.tmp`, on stores whose replace writes a
   * temporary sibling) is deleted: the caller holds this writer's lease there, so nobody else writes it.
   */
  async pending(writer: string, partition: number): Promise<{ path: string; intent: MultiTableIntent }[]> {
    const prefix = intentPrefix(writer, partition);
    const found: { path: string; intent: MultiTableIntent }[] = [];
    for (const entry of await this.storage.list(ICEBERG_INTENT_DIR)) {
      if (entry.name.startsWith(`.${prefix}`) && entry.name.endsWith('.tmp')) {
        await this.storage.delete(`${ICEBERG_INTENT_DIR}/${entry.name}`);
        continue;
      }
      if (!entry.name.startsWith(prefix) || !entry.name.endsWith('.json')) continue;
      const path = `${ICEBERG_INTENT_DIR}/${entry.name}`;
      const bytes = await this.storage.read(path);
      if (bytes) found.push({ path, intent: JSON.parse(bytes.toString('utf8')) as MultiTableIntent });
    }
    return found;
  }

  async remove(path: string): Promise<void> {
    await this.storage.delete(path);
  }
}
