import { readEntries, readSnapshotManifestList } from '../manifest-io.js';
import type { TableLocation } from '../table-location.js';
import type { TableMetadata } from '../table-metadata.js';

/**
 * The lake paths every snapshot of `metadata` references (manifest lists, manifests, data and
 * delete files, deleted entries included: an older snapshot still reads them), and the metadata
 * files it names (`metadataLocation` and its metadata log). What is not in here is an orphan.
 */
export async function reachableFiles(
  location: TableLocation,
  metadata: TableMetadata,
  metadataLocation: string,
): Promise<Set<string>> {
  const reachable = new Set<string>([location.lakePath(metadataLocation)]);
  for (const entry of metadata['metadata-log']) reachable.add(location.lakePath(entry['metadata-file']));
  // Another engine's table statistics (Trino's Puffin files), kept in the metadata as read.
  for (const key of ['statistics', 'partition-statistics']) {
    const files = metadata[key];
    if (Array.isArray(files))
      for (const f of files as { 'statistics-path'?: string }[])
        if (f['statistics-path']) reachable.add(location.lakePath(f['statistics-path']));
  }
  const seenManifests = new Set<string>();
  for (const snapshot of metadata.snapshots) {
    reachable.add(location.lakePath(snapshot['manifest-list']));
    const list = (await readSnapshotManifestList(location, snapshot)).filter((m) => {
      const fresh = !seenManifests.has(m.manifest_path);
      seenManifests.add(m.manifest_path);
      return fresh;
    });
    for (const { manifest, entries } of await readEntries(location, list)) {
      reachable.add(location.lakePath(manifest.manifest_path));
      for (const e of entries) reachable.add(location.lakePath(e.dataFile.file_path));
    }
  }
  return reachable;
}
