import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { LakeEntry, LakeStorage } from '../../lake/storage/lake-storage.js';
import { IcebergTable, type IcebergTableOptions } from '../iceberg-table.js';
import { VERSION_HINT } from '../lake-iceberg-catalog.js';
import { shouldMerge } from '../manifest-merge.js';
import { readSnapshotManifestList } from '../manifest-io.js';
import { TableLocation } from '../table-location.js';
import {
  currentSnapshot,
  METADATA_LOG_MAX,
  metadataFileName,
  metadataVersion,
  serializeTableMetadata,
  type TableMetadata,
} from '../table-metadata.js';
import { DEFAULT_MIN_SNAPSHOTS_TO_KEEP, planExpiry } from './expire-snapshots.js';
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
}

/** Every file under `dir`, recursively. */
async function listTree(storage: LakeStorage, dir: string): Promise<LakeEntry[]> {
  const files: LakeEntry[] = [];
  for (const entry of await storage.list(dir))
    if (entry.isDirectory) files.push(...(await listTree(storage, entry.path)));
    else files.push(entry);
  return files;
}

/**
 * The writers' pending multi-table commits (`_iceberg_wal/`, the Iceberg write path's intents) name
 * data files a recovery will still commit, however old: every string in them is kept from orphan removal.
 */
const INTENT_DIR = '_iceberg_wal';
async function pendingIntentPaths(storage: LakeStorage): Promise<string[]> {
  const paths: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') paths.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  for (const entry of await storage.list(INTENT_DIR)) {
    if (entry.isDirectory || !entry.name.endsWith('.json')) continue;
    const bytes = await storage.read(entry.path);
    try {
      if (bytes) collect(JSON.parse(bytes.toString('utf8')));
    } catch {
      // A torn intent names nothing its writer will commit.
    }
  }
  return paths;
}

/** Commits `change(base)` as the table's next metadata, on the newest base each attempt (a compare-and-swap); false when there was nothing to change. */
async function commitMetadata(
  options: IcebergTableOptions,
  change: (base: TableMetadata) => TableMetadata | undefined,
): Promise<boolean> {
  const location = new TableLocation(options.storage, options.dir);
  for (let attempt = 1; ; attempt++) {
    const table = await IcebergTable.open(options);
    if (!table) throw new GamepipeError('ICEBERG_ERROR', `${options.ident.table} no longer exists`);
    const changed = change(table.metadata);
    if (!changed) return false;
    const log = [
      ...table.metadata['metadata-log'],
      { 'metadata-file': table.metadataLocation, 'timestamp-ms': table.metadata['last-updated-ms'] },
    ];
    const next = {
      ...changed,
      'last-updated-ms': (options.now ?? Date.now)(),
      'metadata-log': log.slice(-logMax(changed)),
    };
    const path = location.metadataPath(metadataFileName(metadataVersion(table.metadataLocation) + 1));
    await options.storage.create(path, serializeTableMetadata(next));
    try {
      await options.catalog.commit(options.ident, table.metadataLocation, location.fileUri(path), next);
      return true;
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'ICEBERG_COMMIT_CONFLICT' || attempt >= 10) throw error;
    }
  }
}

/**
 * Snapshot expiry alone, with no listing of files: what the stream writers run every few minutes
 * (see WriterSnapshotExpiry) so that the metadata file each commit rewrites stays small. The files
 * of expired snapshots become orphans, which `tables maintain` removes. Returns how many expired.
 */
export async function expireIcebergSnapshots(
  options: IcebergTableOptions,
  settings: Pick<MaintenanceOptions, 'retentionMs' | 'minSnapshotsToKeep' | 'now'> = {},
): Promise<number> {
  let expired = 0;
  await commitMetadata(options, (base) => {
    const plan = planExpiry(
      base,
      (settings.now ?? Date.now)(),
      settings.retentionMs,
      settings.minSnapshotsToKeep ?? DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
    );
    expired = plan.expired.length;
    return plan.next;
  });
  return expired;
}

/** `write.metadata.previous-versions-max` (Iceberg's default, 100). */
const logMax = (metadata: TableMetadata): number => {
  const value = Number(metadata.properties['write.metadata.previous-versions-max']);
  return Number.isInteger(value) && value > 0 ? Math.min(value, METADATA_LOG_MAX) : METADATA_LOG_MAX;
};

/**
 * One table's maintenance, each step safe while writers and Trino commit, and idempotent:
 * 1. manifests merged into one when a snapshot holds too many (a `replace` snapshot with no data change);
 * 2. snapshots expired (see planExpiry), committed by compare-and-swap, rebuilt on a newer base;
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
  };
  const location = new TableLocation(options.storage, options.dir);
  let table = await IcebergTable.open(options);
  if (!table) throw new GamepipeError('ICEBERG_ERROR', `${options.ident.table} is not an Iceberg table in the catalog`);

  const current = currentSnapshot(table.metadata);
  const manifests = current ? await readSnapshotManifestList(location, current) : [];
  if (shouldMerge(manifests, table.metadata)) {
    await table.replace([], []);
    outcome.manifestsMerged = manifests.length;
  }

  await commitMetadata(options, (base) => {
    const plan = planExpiry(
      base,
      now(),
      settings.retentionMs,
      settings.minSnapshotsToKeep ?? DEFAULT_MIN_SNAPSHOTS_TO_KEEP,
    );
    outcome.snapshotsExpired = plan.expired.length;
    outcome.snapshotsKept = plan.kept;
    return plan.next;
  });

  table = (await IcebergTable.open(options))!;
  const reachable = await reachableFiles(location, table.metadata, table.metadataLocation);
  for (const path of await pendingIntentPaths(options.storage)) reachable.add(path);
  const dropEagerly = table.metadata.properties['write.metadata.delete-after-commit.enabled'] === 'true';
  const currentVersion = metadataVersion(table.metadataLocation);
  for (const file of await listTree(options.storage, options.dir)) {
    if (reachable.has(file.path) || file.name === VERSION_HINT) continue;
    // Only versions before the current one: a newer file may be a concurrent commit's.
    const version = file.name.endsWith('.metadata.json') ? metadataVersion(`/${file.name}`) : -1;
    const oldMetadata = dropEagerly && version >= 0 && version < currentVersion;
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
  if (o.manifestsMerged) done.push(`${o.manifestsMerged} manifests merged into 1`);
  if (o.snapshotsExpired) done.push(`${o.snapshotsExpired} snapshots expired (${o.snapshotsKept} kept)`);
  if (o.orphansRemoved) done.push(`${o.orphansRemoved} orphan files removed (${o.orphanBytes} bytes)`);
  if (o.metadataFilesDeleted) done.push(`${o.metadataFilesDeleted} old metadata files deleted`);
  return `${o.table}: ${done.length ? done.join(', ') : `nothing to do (${o.snapshotsKept} snapshots)`}`;
}
