import { GamepipeError } from '../../errors.js';
import { logger } from '../../logger.js';
import { listTree } from '../../lake/storage/list-tree.js';
import { IcebergTable, type IcebergTableOptions } from '../iceberg-table.js';
import { VERSION_HINT } from '../lake-iceberg-catalog.js';
import { mergeDue } from '../manifest-merge.js';
import { readSnapshotManifestList } from '../manifest-io.js';
import { TableLocation } from '../table-location.js';
import { currentSnapshot, metadataVersion } from '../table-metadata.js';
import { deleteAfterCommit } from '../table-properties.js';
import { DEFAULT_MIN_SNAPSHOTS_TO_KEEP, planExpiry } from './expire-snapshots.js';
import { cleanExpiredFiles, type ExpiredFileCleanup } from './expired-file-cleanup.js';
import { pendingIntentPaths } from './pending-intent-paths.js';
import { reachableFiles } from './reachable-files.js';

/** Iceberg's default for orphan removal (`older_than`: 3 days). */
export const DEFAULT_ORPHAN_GRACE_MS = 3 * 24 * 3_600_000;
/**
 * The least grace gamepipe accepts: a writer uploads a batch's data files to their final paths
 * before its commit, which may be retried for a while (conflicts, a metastore that does not answer);
 * a file younger than this may be about to be committed, by gamepipe or by Trino.
 */
export const MIN_ORPHAN_GRACE_MS = 3_600_000;

export interface MaintenanceOptions {
  /** Snapshots older than this expire (default 5 days), but see planExpiry for those always kept. */
  retentionMs?: number;
  minSnapshotsToKeep?: number;
  /** Files no metadata references are removed once older than this (default 3 days, at least 1 hour). */
  orphanGraceMs?: number;
  now?: () => number;
}

export interface MaintenanceOutcome {
  table: string;
  manifestsMerged: number;
  snapshotsExpired: number;
  snapshotsKept: number;
  orphansRemoved: number;
  orphanBytes: number;
  metadataFilesDeleted: number;
  /** Files only the expired snapshots reached (manifest lists, manifests, replaced data files), deleted with them. */
  expiredFilesDeleted: number;
}

/** What one expiry did: snapshots expired, and the files only they reached, deleted (see cleanExpiredFiles). */
export interface SnapshotExpiry {
  expired: number;
  kept: number;
  files: ExpiredFileCleanup;
}

/**
 * Snapshot expiry with no listing of the table, as Java's ExpireSnapshots does it: one
 * compare-and-swap commit (rebuilt on a newer base), then the files only the expired snapshots
 * reached are deleted (manifest lists, manifests, data files a compaction replaced), never one a
 * pending writer intent names. What the stream writers run every few minutes (WriterSnapshotExpiry),
 * and the first step of `tables maintain`.
 */
export async function expireIcebergSnapshots(
  options: IcebergTableOptions,
  settings: Pick<MaintenanceOptions, 'retentionMs' | 'minSnapshotsToKeep' | 'now'> = {},
): Promise<SnapshotExpiry> {
  const table = await IcebergTable.open(options);
  if (!table) throw new GamepipeError('ICEBERG_ERROR', `${options.ident.table} no longer exists`);
  let kept = table.metadata.snapshots.length;
  const committed = await table.update((base) => {
    const plan = planExpiry(
      base,
      (settings.now ?? Date.now)(),
      settings.retentionMs,
      settings.minSnapshotsToKeep ?? DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
    );
    kept = plan.kept;
    return plan.next;
  });
  const none: ExpiredFileCleanup = { dataFiles: 0, manifests: 0, manifestLists: 0 };
  if (!committed) return { expired: 0, kept, files: none };
  const expired = committed.before.snapshots.length - committed.after.snapshots.length;
  const location = new TableLocation(options.storage, options.dir);
  const files = await cleanExpiredFiles(
    location,
    committed.before,
    committed.after,
    await pendingIntentPaths(options.storage),
  ).catch((error: unknown) => {
    logger.warn({ table: options.ident.table, err: error }, 'files of expired snapshots left to tables maintain');
    return { ...none, skipped: 'a read failed' };
  });
  return { expired, kept, files };
}

/**
 * One table's maintenance, each step safe while writers and Trino commit, and idempotent:
 * 1. manifests merged as an append would (see mergeManifests) when a snapshot holds
 *    `commit.manifest.min-count-to-merge` of them (a `replace` snapshot with no data change);
 * 2. snapshots expired (see planExpiry) with the files only they reached (expireIcebergSnapshots);
 * 3. orphans removed: files under the table's directory that the current metadata does not reach,
 *    and older than the grace period (a file a concurrent commit may still name is younger);
 *    metadata files dropped from the metadata log count as orphans, and, with
 *    `write.metadata.delete-after-commit.enabled`, are deleted whatever their age (no commit names them again).
 * A killed run leaves a readable table: each commit is atomic, and only unreachable files are deleted.
 */
export async function maintainIcebergTable(
  options: IcebergTableOptions,
  settings: MaintenanceOptions = {},
): Promise<MaintenanceOutcome> {
  const now = settings.now ?? Date.now;
  const grace = settings.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS;
  if (grace < MIN_ORPHAN_GRACE_MS)
    throw new GamepipeError(
      'BAD_REQUEST',
      'the orphan grace period must be at least 1h: a younger file may be about to be committed',
    );
  const outcome: MaintenanceOutcome = {
    table: options.ident.table,
    manifestsMerged: 0,
    snapshotsExpired: 0,
    snapshotsKept: 0,
    orphansRemoved: 0,
    orphanBytes: 0,
    metadataFilesDeleted: 0,
    expiredFilesDeleted: 0,
  };
  const location = new TableLocation(options.storage, options.dir);
  let table = await IcebergTable.open(options);
  if (!table) throw new GamepipeError('ICEBERG_ERROR', `${options.ident.table} is not an Iceberg table in the catalog`);

  const current = currentSnapshot(table.metadata);
  const manifests = current ? await readSnapshotManifestList(location, current) : [];
  if (mergeDue(manifests, table.metadata)) {
    await table.replace([], []);
    outcome.manifestsMerged = manifests.length;
  }

  const expiry = await expireIcebergSnapshots(options, settings);
  outcome.snapshotsExpired = expiry.expired;
  outcome.snapshotsKept = expiry.kept;
  outcome.expiredFilesDeleted = expiry.files.dataFiles + expiry.files.manifests + expiry.files.manifestLists;

  table = (await IcebergTable.open(options))!;
  const reachable = await reachableFiles(location, table.metadata, table.metadataLocation);
  for (const path of await pendingIntentPaths(options.storage)) reachable.add(path);
  const dropEagerly = deleteAfterCommit(table.metadata);
  const currentVersion = metadataVersion(table.metadataLocation);
  const files = (await listTree(options.storage, options.dir)).filter(
    (file) => !reachable.has(file.path) && file.name !== VERSION_HINT,
  );
  // Old metadata files go whatever their age, but never one the catalog keeps (the lake's, at or past a lagging hint).
  const metadataUris = files.filter((f) => f.name.endsWith('.metadata.json')).map((f) => location.fileUri(f.path));
  const deletable = new Set(
    dropEagerly && options.catalog.deletableMetadataFiles
      ? await options.catalog.deletableMetadataFiles(options.ident, metadataUris)
      : metadataUris,
  );
  for (const file of files) {
    // Only versions before the current one: a newer file may be a concurrent commit's.
    const version = file.name.endsWith('.metadata.json') ? metadataVersion(`/${file.name}`) : -1;
    const oldMetadata =
      dropEagerly && version >= 0 && version < currentVersion && deletable.has(location.fileUri(file.path));
    if (!oldMetadata && file.modifiedMs > now() - grace) continue;
    if (!(await options.storage.delete(file.path))) continue;
    if (file.name.endsWith('.metadata.json')) outcome.metadataFilesDeleted++;
    else {
      outcome.orphansRemoved++;
      outcome.orphanBytes += file.size;
    }
  }
  return outcome;
}

/** One line per table: what maintenance did. */
export function describeMaintenance(o: MaintenanceOutcome): string {
  const done: string[] = [];
  if (o.manifestsMerged) done.push(`${o.manifestsMerged} manifests merged`);
  if (o.snapshotsExpired) done.push(`${o.snapshotsExpired} snapshots expired (${o.snapshotsKept} kept)`);
  if (o.expiredFilesDeleted) done.push(`${o.expiredFilesDeleted} files of expired snapshots deleted`);
  if (o.orphansRemoved) done.push(`${o.orphansRemoved} orphan files removed (${o.orphanBytes} bytes)`);
  if (o.metadataFilesDeleted) done.push(`${o.metadataFilesDeleted} old metadata files deleted`);
  return `${o.table}: ${done.length ? done.join(', ') : `nothing to do (${o.snapshotsKept} snapshots)`}`;
}
