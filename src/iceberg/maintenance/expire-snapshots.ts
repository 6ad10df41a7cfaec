import { POSITIONS_KEY } from '../iceberg-table.js';
import { currentSnapshot, type Snapshot, type TableMetadata } from '../table-metadata.js';

/** Iceberg's defaults: `history.expire.max-snapshot-age-ms` (5 days) and `history.expire.min-snapshots-to-keep` (1). */
export const DEFAULT_SNAPSHOT_RETENTION_MS = 5 * 24 * 3_600_000;
export const DEFAULT_MIN_SNAPSHOTS_TO_KEEP = 1;

export interface ExpiryPlan {
  /** The metadata without the expired snapshots; undefined when none expires. */
  next: TableMetadata | undefined;
  expired: Snapshot[];
  kept: number;
}

/** The current snapshot and its ancestors, newest first. */
export function ancestry(metadata: TableMetadata): Snapshot[] {
  const byId = new Map(metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  const line: Snapshot[] = [];
  for (let s = currentSnapshot(metadata); s; s = byId.get(s['parent-snapshot-id'] ?? -1n)) line.push(s);
  return line;
}

/**
 * Which snapshots to expire, as Iceberg's ExpireSnapshots chooses them, with gamepipe's one extra
 * rule. Kept: every snapshot younger than `retentionMs`; the newest `minToKeep` of the current
 * line; every snapshot a ref (branch, tag) names; and the current line back to the newest snapshot
 * carrying `gamepipe.positions`, which the writers resume from. The snapshot log keeps only entries after the last expired one
 * (older times then have no snapshot to answer `--as-of`), as Java does.
 */
export function planExpiry(
  metadata: TableMetadata,
  nowMs: number,
  retentionMs = DEFAULT_SNAPSHOT_RETENTION_MS,
  minToKeep = DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
): ExpiryPlan {
  const keep = new Set<bigint>();
  const line = ancestry(metadata);
  for (const s of line.slice(0, Math.max(1, minToKeep))) keep.add(s['snapshot-id']);
  // The writers find their positions by walking back from the current snapshot: the whole way to the
  // newest snapshot carrying them stays (Trino's and compaction's snapshots carry none).
  const positioned = line.findIndex((s) => s.summary[POSITIONS_KEY] !== undefined);
  for (const s of line.slice(0, positioned + 1)) keep.add(s['snapshot-id']);
  for (const ref of Object.values(metadata.refs ?? {})) keep.add(ref['snapshot-id']);
  for (const s of metadata.snapshots) if (s['timestamp-ms'] >= nowMs - retentionMs) keep.add(s['snapshot-id']);
  const expired = metadata.snapshots.filter((s) => !keep.has(s['snapshot-id']));
  if (expired.length === 0) return { next: undefined, expired, kept: metadata.snapshots.length };
  const gone = new Set(expired.map((s) => s['snapshot-id']));
  const log = metadata['snapshot-log'];
  let lastGone = -1;
  log.forEach((entry, i) => {
    if (gone.has(entry['snapshot-id'])) lastGone = i;
  });
  const next: TableMetadata = {
    ...metadata,
    snapshots: metadata.snapshots.filter((s) => !gone.has(s['snapshot-id'])),
    'snapshot-log': log.slice(lastGone + 1),
  };
  return { next, expired, kept: next.snapshots.length };
}
