import { EntryStatus } from './manifest.js';
import type { ManifestFile } from './manifest-list.js';
import { readEntries, writeEntries } from './manifest-io.js';
import type { TableLocation } from './table-location.js';
import type { TableMetadata } from './table-metadata.js';
import { manifestMergeSettings } from './table-properties.js';

/**
 * Bins of consecutive items of at most `target` weight each (an item heavier alone gets its own),
 * packed from the end so that the bin left under-filled is the first, the one holding the newest
 * manifest, which is merged again next time: Java's `ListPacker(target, lookback 1).packEnd`.
 */
export function packEnd<T>(items: readonly T[], weight: (item: T) => number, target: number): T[][] {
  const bins: T[][] = [];
  let bin: T[] = [];
  let binWeight = 0;
  for (const item of [...items].reverse()) {
    const w = weight(item);
    if (bin.length > 0 && binWeight + w > target) {
      bins.push(bin);
      bin = [];
      binWeight = 0;
    }
    bin.push(item);
    binWeight += w;
  }
  if (bin.length > 0) bins.push(bin);
  return bins.reverse().map((b) => b.reverse());
}

/** True when a snapshot holding `manifests` has as many data manifests of one spec as the table's merge threshold. */
export function mergeDue(manifests: readonly ManifestFile[], metadata: TableMetadata): boolean {
  const { enabled, minCountToMerge } = manifestMergeSettings(metadata);
  const bySpec = new Map<number, number>();
  for (const m of manifests)
    if (m.content === 0) bySpec.set(m.partition_spec_id, (bySpec.get(m.partition_spec_id) ?? 0) + 1);
  return enabled && [...bySpec.values()].some((n) => n >= minCountToMerge);
}

/**
 * The manifests of a new snapshot (its own first, then those it carries) after Java's merge-append
 * (ManifestMergeManager, `commit.manifest-merge.enabled`): the data manifests of each partition spec
 * are packed into bins of `commit.manifest.target-size-bytes` (8 MiB), and each bin of several is
 * rewritten as one manifest, except the bin holding the first manifest while it counts fewer than
 * `commit.manifest.min-count-to-merge` (100; 32 on gamepipe's tables). So a snapshot holds fewer
 * than min-count manifests plus one per full bin, whatever the commit rate. In a merged manifest,
 * this snapshot's added files stay ADDED and its deletions DELETED; older deletions are dropped
 * and every other file is EXISTING, with its sequence numbers. Delete manifests (Trino's) are kept as they are.
 */
export async function mergeManifests(
  location: TableLocation,
  base: TableMetadata,
  manifests: ManifestFile[],
  snapshotId: bigint,
  sequenceNumber: bigint,
): Promise<ManifestFile[]> {
  const { enabled, minCountToMerge, targetSizeBytes } = manifestMergeSettings(base);
  if (!enabled || manifests.length === 0) return manifests;
  const first = manifests[0]!;
  const groups = new Map<number, ManifestFile[]>();
  for (const m of manifests.filter((m) => m.content === 0)) {
    if (!groups.has(m.partition_spec_id)) groups.set(m.partition_spec_id, []);
    groups.get(m.partition_spec_id)!.push(m);
  }
  const merged: ManifestFile[] = [];
  // Newest spec first, as Java orders the groups.
  for (const specId of [...groups.keys()].sort((a, b) => b - a)) {
    for (const bin of packEnd(groups.get(specId)!, (m) => Number(m.manifest_length), targetSizeBytes)) {
      if (bin.length === 1 || (bin.includes(first) && bin.length < minCountToMerge)) merged.push(...bin);
      else merged.push(await mergeBin(location, base, bin, snapshotId, sequenceNumber));
    }
  }
  return [...merged, ...manifests.filter((m) => m.content !== 0)];
}

/** One manifest holding a bin's entries (Java's ManifestMergeManager.createManifest). */
async function mergeBin(
  location: TableLocation,
  base: TableMetadata,
  bin: ManifestFile[],
  snapshotId: bigint,
  sequenceNumber: bigint,
): Promise<ManifestFile> {
  const entries = (await readEntries(location, bin))
    .flatMap((m) => m.entries)
    .filter((e) => e.status !== EntryStatus.DELETED || e.snapshotId === snapshotId)
    .map((e) => ({
      ...e,
      status: e.status === EntryStatus.EXISTING || e.snapshotId !== snapshotId ? EntryStatus.EXISTING : e.status,
    }));
  let minSeq = sequenceNumber;
  for (const e of entries) if (e.dataSequenceNumber < minSeq) minSeq = e.dataSequenceNumber;
  const written = await writeEntries(location, base, entries, snapshotId);
  return { ...written, sequence_number: sequenceNumber, min_sequence_number: minSeq };
}
