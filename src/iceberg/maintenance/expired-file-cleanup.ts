import { logger } from '../../logger.js';
import { EntryStatus } from '../manifest.js';
import { readEntries, readSnapshotManifestList } from '../manifest-io.js';
import type { ManifestFile } from '../manifest-list.js';
import type { TableLocation } from '../table-location.js';
import { currentSnapshot, type TableMetadata } from '../table-metadata.js';
import { ancestry } from './expire-snapshots.js';

/** What the cleanup of expired snapshots deleted (or, with `skipped`, why it deleted nothing). */
export interface ExpiredFileCleanup {
  dataFiles: number;
  manifests: number;
  manifestLists: number;
  skipped?: string;
}

/**
 * Why incremental cleanup would not be safe here, if it is not. Java's IncrementalFileCleanup needs a
 * single ref; gamepipe asks more, so that the oldest kept snapshot of the current line alone tells
 * what the kept snapshots still reach: every kept snapshot on that line, none older than an expired
 * one of it (clocks of several engines may disagree), and no cherry-pick in it (Java's picked-snapshot rules).
 */
function unsafeBecause(before: TableMetadata, after: TableMetadata): string | undefined {
  if (Object.keys(after.refs ?? {}).some((name) => name !== 'main') || Object.keys(before.refs ?? {}).length > 1)
    return 'the table has branches or tags';
  const line = ancestry(before);
  const kept = new Set(after.snapshots.map((s) => s['snapshot-id']));
  const onLine = line.filter((s) => kept.has(s['snapshot-id'])).length;
  if (onLine !== kept.size) return 'a kept snapshot is not an ancestor of the current one';
  if (line.slice(0, onLine).some((s) => !kept.has(s['snapshot-id'])))
    return 'a kept snapshot is older than an expired one';
  if (line.some((s) => s.summary['source-snapshot-id'] !== undefined)) return 'the history holds a cherry-pick';
  return undefined;
}

/**
 * Deletes the files that only the snapshots expired between `before` and `after` reached, with no
 * listing of the table: Java's IncrementalFileCleanup (RemoveSnapshots' strategy for a table with one
 * branch). Read: the manifest list of each expired snapshot and of the oldest kept one.
 * - manifest lists of the expired snapshots;
 * - manifests they held that the oldest kept snapshot does not (a manifest leaves the current line
 *   only when rewritten, and never comes back, so no kept snapshot holds it either);
 * - data files an expired ancestor deleted (its manifests' DELETED entries, scanned also where a kept
 *   snapshot still carries the manifest), and those an expired snapshot off the current line added
 *   (a rolled-back commit's).
 * Never deleted: a file the current or the oldest kept snapshot holds live (re-checked), or one in
 * `protectedPaths` (pending writer intents). Deletes are best effort: what is left is an orphan for
 * `tables maintain`. Nothing at all is deleted when the history is not one simple line (see unsafeBecause).
 */
export async function cleanExpiredFiles(
  location: TableLocation,
  before: TableMetadata,
  after: TableMetadata,
  protectedPaths: ReadonlySet<string>,
): Promise<ExpiredFileCleanup> {
  const outcome: ExpiredFileCleanup = { dataFiles: 0, manifests: 0, manifestLists: 0 };
  const validIds = new Set(after.snapshots.map((s) => s['snapshot-id']));
  const expired = before.snapshots.filter((s) => !validIds.has(s['snapshot-id']));
  if (expired.length === 0) return outcome;
  const skipped = unsafeBecause(before, after);
  if (skipped) return { ...outcome, skipped };

  const line = ancestry(before);
  const ancestorIds = new Set(line.map((s) => s['snapshot-id']));
  const expiredIds = new Set(expired.map((s) => s['snapshot-id']));
  const oldestKept = line.filter((s) => validIds.has(s['snapshot-id'])).at(-1)!;
  const keptList = await readSnapshotManifestList(location, oldestKept);
  const validManifests = new Set(keptList.map((m) => m.manifest_path));
  const toScan = new Map<string, ManifestFile>();
  const toRevert = new Map<string, ManifestFile>();
  for (const m of keptList)
    if (expiredIds.has(m.added_snapshot_id) && ancestorIds.has(m.added_snapshot_id) && m.deleted_files_count > 0)
      toScan.set(m.manifest_path, m);
  const manifestsToDelete = new Set<string>();
  for (const snapshot of expired) {
    for (const m of await readSnapshotManifestList(location, snapshot)) {
      if (validManifests.has(m.manifest_path)) continue;
      manifestsToDelete.add(m.manifest_path);
      if (ancestorIds.has(m.added_snapshot_id) && m.deleted_files_count > 0) toScan.set(m.manifest_path, m);
      if (!ancestorIds.has(m.added_snapshot_id) && expiredIds.has(m.added_snapshot_id) && m.added_files_count > 0)
        toRevert.set(m.manifest_path, m);
    }
  }

  const dataFiles = new Set<string>();
  for (const { entries } of await readEntries(location, [...toScan.values()]))
    for (const e of entries)
      if (e.status === EntryStatus.DELETED && !validIds.has(e.snapshotId)) dataFiles.add(e.dataFile.file_path);
  for (const { entries } of await readEntries(location, [...toRevert.values()]))
    for (const e of entries) if (e.status === EntryStatus.ADDED) dataFiles.add(e.dataFile.file_path);
  if (dataFiles.size > 0) {
    // Belt and braces: what the current and the oldest kept snapshot read is never deleted.
    for (const snapshot of new Set([currentSnapshot(after)!, oldestKept]))
      for (const { entries } of await readEntries(location, await readSnapshotManifestList(location, snapshot)))
        for (const e of entries) if (e.status !== EntryStatus.DELETED) dataFiles.delete(e.dataFile.file_path);
  }

  const remove = async (uris: Iterable<string>): Promise<number> => {
    let deleted = 0;
    for (const uri of uris) {
      try {
        const path = location.lakePath(uri);
        if (!protectedPaths.has(path) && (await location.storage.delete(path))) deleted++;
      } catch (error) {
        logger.warn({ uri, err: error }, 'a file of an expired snapshot was not deleted; tables maintain will');
      }
    }
    return deleted;
  };
  outcome.dataFiles = await remove(dataFiles);
  outcome.manifests = await remove(manifestsToDelete);
  outcome.manifestLists = await remove(expired.map((s) => s['manifest-list']));
  return outcome;
}
