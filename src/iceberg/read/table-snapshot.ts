import { GamepipeError } from '../../errors.js';
import type { LakeStorage } from '../../lake/storage/lake-storage.js';
import type { LiveDataFile } from '../data-file.js';
import type { IcebergCatalog } from '../iceberg-catalog.js';
import { IcebergTable, POSITIONS_KEY } from '../iceberg-table.js';
import type { Snapshot, TableMetadata } from '../table-metadata.js';

/** One table as a reader sees it at one snapshot: its live files and the positions that snapshot records. */
export interface TableSnapshot {
  table: string;
  /** The snapshot read; undefined for a table with none (yet, or at the time asked). */
  snapshotId: bigint | undefined;
  timestampMs: number | undefined;
  files: LiveDataFile[];
  /**
   * `gamepipe.positions` of that snapshot or its nearest ancestor carrying any: the log offsets below
   * which this table's rows are in `files` (key `<owner>+<partition>`, value the next offset). From
   * the same snapshot as `files`, so a reader of the log's tail counts each row once.
   */
  positions: Record<string, unknown>;
}

/** The snapshot that was current at `asOfMs` (the last one committed at or before it, as Iceberg's snapshot log says). */
export function snapshotAsOf(metadata: TableMetadata, asOfMs: number): Snapshot | undefined {
  let id: bigint | undefined;
  for (const entry of metadata['snapshot-log']) if (entry['timestamp-ms'] <= asOfMs) id = entry['snapshot-id'];
  if (id === undefined) return undefined;
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === id);
  if (!snapshot) {
    throw new GamepipeError(
      'BAD_REQUEST',
      `the snapshot current at ${new Date(asOfMs).toISOString()} has expired (maintenance removed it)`,
    );
  }
  return snapshot;
}

/** The positions `snapshot` records, walking back past snapshots that carry none (Trino's INSERT, optimize). */
export function positionsAt(metadata: TableMetadata, snapshot: Snapshot | undefined): Record<string, unknown> {
  const byId = new Map(metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  for (let s = snapshot; s; s = s['parent-snapshot-id'] === undefined ? undefined : byId.get(s['parent-snapshot-id'])) {
    const recorded = s.summary[POSITIONS_KEY];
    if (recorded !== undefined) return JSON.parse(recorded) as Record<string, unknown>;
  }
  return {};
}

/** A table's snapshot, current or as of a time. */
export async function readTableSnapshot(table: IcebergTable, name: string, asOfMs?: number): Promise<TableSnapshot> {
  const snapshot = asOfMs === undefined ? table.currentSnapshot() : snapshotAsOf(table.metadata, asOfMs);
  return {
    table: name,
    snapshotId: snapshot?.['snapshot-id'],
    timestampMs: snapshot?.['timestamp-ms'],
    files: snapshot ? await table.liveDataFiles(snapshot) : [],
    positions: positionsAt(table.metadata, snapshot),
  };
}

export interface ReadSnapshotsOptions {
  storage: LakeStorage;
  catalog: IcebergCatalog;
  database: string;
  /** Table names, each also its directory in the lake (as gamepipe lays its tables out). */
  tables: readonly string[];
  /** The time to read the tables as of (UTC ms); none: their current snapshots. */
  asOfMs?: number;
}

/**
 * The named tables that exist, each at its current snapshot (or as of `asOfMs`). BAD_REQUEST when
 * `asOfMs` precedes every table's first snapshot: there is nothing to read then, which a user
 * should hear rather than get empty answers.
 */
export async function readTableSnapshots(options: ReadSnapshotsOptions): Promise<Map<string, TableSnapshot>> {
  const found = new Map<string, TableSnapshot>();
  let firstMs: number | undefined;
  for (const name of options.tables) {
    const table = await IcebergTable.open({
      storage: options.storage,
      catalog: options.catalog,
      ident: { database: options.database, table: name },
      dir: name,
    });
    if (!table) continue;
    for (const entry of table.metadata['snapshot-log'])
      if (firstMs === undefined || entry['timestamp-ms'] < firstMs) firstMs = entry['timestamp-ms'];
    found.set(name, await readTableSnapshot(table, name, options.asOfMs));
  }
  const asOf = options.asOfMs;
  if (asOf !== undefined && firstMs !== undefined && [...found.values()].every((s) => s.snapshotId === undefined)) {
    throw new GamepipeError(
      'BAD_REQUEST',
      `--as-of ${new Date(asOf).toISOString()} is before the lake's first snapshot (${new Date(firstMs).toISOString()})`,
    );
  }
  return found;
}
