import type { Positions } from '../eventlog/event-log.js';
import type { TableSnapshot } from '../iceberg/read/table-snapshot.js';
import type { TailBounds } from './log-tail.js';

/** `<owner>+<partition>` → [owner, partition]: the key the Iceberg writers record in `gamepipe.positions`. */
export function parsePositionKey(key: string): [string, number] | undefined {
  const at = key.lastIndexOf('+');
  const partition = Number(key.slice(at + 1));
  return at > 0 && Number.isInteger(partition) ? [key.slice(0, at), partition] : undefined;
}

/**
 * The log-tail bounds of Iceberg tables, from the same snapshots their files were listed from: a
 * table's rows of an owner below the offset its snapshot records are in its files, the rest are the
 * tail. A table that records nothing for an owner (it never had a row of it) takes the owner's
 * highest position in any table: a writer's commit skips a table it has no rows for, so the owner's
 * rows of that table below it are all committed (except while a multi-table commit is half applied,
 * until the writer's recovery rolls it forward: its rows of the lagging table are then missed, not doubled).
 *
 * `settled`: the snapshots were read with no commit landing meanwhile and no multi-table commit
 * pending (see `declareIcebergViews`). Then the same holds for a table that records an older
 * position (the dead letters, which commit only in batches that refuse a record): every table takes
 * the owner's highest, and the tail is read from there, not from the oldest table's position, which
 * can be most of the log behind.
 */
export function icebergTailBounds(snapshots: Iterable<TableSnapshot>, settled = false): TailBounds {
  const perTable = new Map<string, Map<string, Positions>>();
  const highest = new Map<string, Positions>();
  for (const snapshot of snapshots) {
    const owners = new Map<string, Positions>();
    perTable.set(snapshot.table, owners);
    for (const [key, value] of Object.entries(snapshot.positions)) {
      const parsed = parsePositionKey(key);
      if (!parsed || typeof value !== 'number') continue;
      const [owner, partition] = parsed;
      if (!owners.has(owner)) owners.set(owner, new Map());
      owners.get(owner)!.set(partition, value);
      if (!highest.has(owner)) highest.set(owner, new Map());
      const top = highest.get(owner)!;
      top.set(partition, Math.max(top.get(partition) ?? 0, value));
    }
  }
  const of = (table: string, owner: string): Positions | undefined => {
    const top = highest.get(owner);
    if (!top || settled) return top;
    return new Map([...top, ...(perTable.get(table)?.get(owner) ?? [])]);
  };
  const owners = new Map<string, Positions>();
  for (const [owner, top] of highest) {
    const lowest = new Map(top);
    for (const table of perTable.keys())
      for (const [partition, at] of of(table, owner)!) lowest.set(partition, Math.min(lowest.get(partition)!, at));
    owners.set(owner, lowest);
  }
  return { owners, of };
}
