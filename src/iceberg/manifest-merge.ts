import { EntryStatus } from './manifest.js';
import type { ManifestFile } from './manifest-list.js';
import { type ManifestWithEntries, writeEntries } from './manifest-io.js';
import type { TableLocation } from './table-location.js';
import type { TableMetadata } from './table-metadata.js';

/**
 * Manifests a snapshot may hold before an append merges them into one. Each fast append adds one, and
 * every reader opens them all to plan a scan: merging keeps planning bounded whatever the commit rate
 * (Iceberg's own `commit.manifest.min-count-to-merge` defaults to 100; gamepipe commits far more often).
 */
export const MANIFESTS_BEFORE_MERGE = 32;

/** True when `manifests` (all data manifests of the current spec) are due to be merged by the next append. */
export const shouldMerge = (manifests: ManifestFile[], base: TableMetadata): boolean =>
  manifests.length >= MANIFESTS_BEFORE_MERGE &&
  manifests.every((m) => m.content === 0 && m.partition_spec_id === base['default-spec-id']);

/** One manifest with every live entry of `current`, as EXISTING with its sequence numbers; deleted entries are dropped. */
export async function mergeManifests(
  location: TableLocation,
  base: TableMetadata,
  current: ManifestWithEntries[],
  snapshotId: bigint,
  sequenceNumber: bigint,
): Promise<ManifestFile> {
  const live = current.flatMap((m) => m.entries).filter((e) => e.status !== EntryStatus.DELETED);
  const entries = live.map((e) => ({ ...e, status: EntryStatus.EXISTING }));
  let minSeq = sequenceNumber;
  for (const e of entries) if (e.dataSequenceNumber < minSeq) minSeq = e.dataSequenceNumber;
  const written = await writeEntries(location, base, entries, snapshotId);
  return { ...written, sequence_number: sequenceNumber, min_sequence_number: minSeq };
}
