import { EntryStatus, type EntryToWrite, type ManifestEntry, readManifest, writeManifest } from './manifest.js';
import { type ManifestFile, readManifestList } from './manifest-list.js';
import type { TableLocation } from './table-location.js';
import { currentSchema, defaultSpec, type Snapshot, type TableMetadata } from './table-metadata.js';

export interface ManifestWithEntries {
  manifest: ManifestFile;
  entries: ManifestEntry[];
}

/** Manifests with their entries, read from the lake. */
export function readEntries(location: TableLocation, manifests: ManifestFile[]): Promise<ManifestWithEntries[]> {
  return Promise.all(
    manifests.map(async (manifest) => ({
      manifest,
      entries: await readManifest(await location.read(manifest.manifest_path), manifest.manifest_path, {
        sequenceNumber: manifest.sequence_number,
        snapshotId: manifest.added_snapshot_id,
      }),
    })),
  );
}

export const readSnapshotManifestList = async (location: TableLocation, snapshot: Snapshot): Promise<ManifestFile[]> =>
  readManifestList(await location.read(snapshot['manifest-list']), snapshot['manifest-list']);

/** A snapshot's manifests with their entries, read from the lake. */
export async function readSnapshotManifests(
  location: TableLocation,
  snapshot: Snapshot,
): Promise<ManifestWithEntries[]> {
  return readEntries(location, await readSnapshotManifestList(location, snapshot));
}

const partitionSummary = (values: (string | null)[]) => {
  const present = values.filter((v): v is string => v !== null).sort();
  return {
    contains_null: present.length < values.length,
    contains_nan: null,
    lower_bound: present.length ? Buffer.from(present[0]!) : null,
    upper_bound: present.length ? Buffer.from(present[present.length - 1]!) : null,
  };
};

export async function writeEntries(
  location: TableLocation,
  metadata: TableMetadata,
  entries: EntryToWrite[],
  snapshotId: bigint,
): Promise<Omit<ManifestFile, 'sequence_number' | 'min_sequence_number'>> {
  const spec = defaultSpec(metadata);
  const bytes = writeManifest(entries, currentSchema(metadata), spec);
  const path = location.newManifestPath();
  await location.storage.create(path, bytes);
  const count = (status: EntryStatus) => entries.filter((e) => e.status === status);
  const rows = (status: EntryStatus) => count(status).reduce((sum, e) => sum + e.dataFile.record_count, 0n);
  const live = entries.filter((e) => e.status !== EntryStatus.DELETED);
  return {
    manifest_path: location.fileUri(path),
    manifest_length: BigInt(bytes.length),
    partition_spec_id: spec['spec-id'],
    content: 0,
    added_snapshot_id: snapshotId,
    added_files_count: count(EntryStatus.ADDED).length,
    existing_files_count: count(EntryStatus.EXISTING).length,
    deleted_files_count: count(EntryStatus.DELETED).length,
    added_rows_count: rows(EntryStatus.ADDED),
    existing_rows_count: rows(EntryStatus.EXISTING),
    deleted_rows_count: rows(EntryStatus.DELETED),
    partitions: spec.fields.map((p) =>
      partitionSummary(live.map((e) => (e.dataFile.partition[p.name] as string | null) ?? null)),
    ),
  };
}
