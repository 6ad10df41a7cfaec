import { positionKey, tablesOfOwner } from './gamepipe-tables.js';
import type { TableCommit } from './multi-table-intent.js';

/** How often an owner without rows records its moved position in a snapshot of its own while the writer reads on. */
export const POSITIONS_ONLY_EVERY_MS = 60_000;

interface HeldBack {
  owner: string;
  partition: number;
  next: number;
}

const emptyCommit = (dir: string): TableCommit => ({ dir, files: [], positions: {}, starts: {} });

/**
 * Where an Iceberg writer's owners without rows stand: a table is committed to only with rows of it,
 * so an owner whose tables got no row in a batch (`unrouted`, whose rows are dead letters; any
 * table idle for a while) records its moved position in a positions-only snapshot (no file, as
 * Flink's Iceberg committer does after empty checkpoints) in its first table, or with no snapshot of
 * its own:
 * - riding along, at no cost, when the batch commits a snapshot of that table anyway;
 * - at most once a minute while the writer reads on (so a table gets at most one such snapshot a
 *   minute per owner and log partition, whatever the trigger: the snapshot count stays bounded);
 * - what that minute held back, once the writer has caught up with the log (again at most once a
 *   minute) and, all of it, before it lets its partitions go (closing, a rebalance): else a one-shot
 *   writer (`simulate`, `stream --once`) would leave such owners most of the log behind, to be read
 *   again by queries (the log's tail), by status (lag) and by the next writer.
 * A held-back position is safe to record at any time: every record before it held no row of its
 * owner that is not committed already (its commits landed before the position was reached).
 */
export class IdleOwnerPositions {
  /** Per position key, the highest position this writer knows a table records (read from the tables, or committed by it). */
  private readonly recorded = new Map<string, number>();
  /** Per position key, a position reached with no table recording it yet. */
  private readonly heldBack = new Map<string, HeldBack>();
  /** Per position key, when it was last recorded in a positions-only snapshot of its own. */
  private readonly positionsOnlyAt = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** What the tables record for a key, as read back (undefined: nothing): it replaces what this writer believed. */
  read(key: string, at: number | undefined): void {
    this.heldBack.delete(key);
    if (at === undefined) this.recorded.delete(key);
    else this.recorded.set(key, at);
  }

  /** A table now records `next` for `key` (a commit landed, or found it had landed). */
  recordedAt(key: string, next: number): void {
    if ((this.recorded.get(key) ?? 0) < next) this.recorded.set(key, next);
    const held = this.heldBack.get(key);
    if (held && held.next <= next) this.heldBack.delete(key);
  }

  /**
   * Adds to `byTable` (a log partition's commit, table by table) the positions of the owners without
   * rows in it whose position moved past `known` (where each one's batch started): in their first
   * table's snapshot when the commit has one, else in a positions-only snapshot if the last was a
   * minute ago or more. Returns the keys given a snapshot of their own.
   */
  addPositionsOnly(
    partition: number,
    positions: ReadonlyMap<string, number>,
    byTable: Map<string, TableCommit>,
    known: (key: string) => number,
  ): string[] {
    const own: string[] = [];
    for (const [owner, next] of positions) {
      const key = positionKey(owner, partition);
      if ([...byTable.values()].some((c) => key in c.positions) || known(key) >= next) continue;
      const home = tablesOfOwner(owner)[0]!.dir;
      let commit = byTable.get(home);
      if (!commit) {
        if (!this.due(key)) continue;
        byTable.set(home, (commit = emptyCommit(home)));
        own.push(key);
      }
      commit.positions[key] = next;
      commit.starts[key] = known(key);
    }
    return own;
  }

  /** After a log partition's commit landed: `positions` reached, those of `own` recorded alone now, the others not recorded held back. */
  committed(
    partition: number,
    positions: ReadonlyMap<string, number>,
    byTable: ReadonlyMap<string, TableCommit>,
    own: readonly string[],
  ): void {
    const at = this.now();
    for (const key of own) this.positionsOnlyAt.set(key, at);
    for (const [owner, next] of positions) {
      const key = positionKey(owner, partition);
      if ([...byTable.values()].some((c) => key in c.positions)) continue;
      if ((this.recorded.get(key) ?? 0) < next && (this.heldBack.get(key)?.next ?? 0) < next)
        this.heldBack.set(key, { owner, partition, next });
    }
  }

  /**
   * The positions-only snapshots, one per table, that record what is held back in `partitions`:
   * all of it when `leaving`, else only the keys last recorded alone a minute ago or more. Each key
   * starts where this writer knows the tables record it, so a table another writer committed to
   * since fences the snapshot (see `decide`) instead of moving that writer's position.
   */
  toRecord(partitions: readonly number[], leaving: boolean): TableCommit[] {
    const byTable = new Map<string, TableCommit>();
    for (const [key, { owner, partition, next }] of this.heldBack) {
      if (!partitions.includes(partition) || (!leaving && !this.due(key))) continue;
      const home = tablesOfOwner(owner)[0]!.dir;
      let commit = byTable.get(home);
      if (!commit) byTable.set(home, (commit = emptyCommit(home)));
      commit.positions[key] = next;
      commit.starts[key] = this.recorded.get(key) ?? 0;
    }
    return [...byTable.values()];
  }

  /** These keys were recorded alone now (their snapshot landed). */
  recordedAlone(keys: readonly string[]): void {
    const at = this.now();
    for (const key of keys) this.positionsOnlyAt.set(key, at);
  }

  /** Drops what is held back in partitions this writer lets go: their next writer resumes from the tables. */
  forget(partitions: readonly number[]): void {
    for (const [key, { partition }] of this.heldBack) if (partitions.includes(partition)) this.heldBack.delete(key);
  }

  private due(key: string): boolean {
    const last = this.positionsOnlyAt.get(key);
    return last === undefined || this.now() - last >= POSITIONS_ONLY_EVERY_MS;
  }
}
