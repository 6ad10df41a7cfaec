import { GamepipeError } from '../errors.js';
import { type DataFile, dataFileRecord } from './data-file.js';
import { EntryStatus } from './manifest.js';
import { type ManifestWithEntries, readEntries, readSnapshotManifestList, writeEntries } from './manifest-io.js';
import { type ManifestFile, writeManifestList } from './manifest-list.js';
import { mergeManifests } from './manifest-merge.js';
import type { TableLocation } from './table-location.js';
import { currentSchema, currentSnapshot, type TableMetadata, type Snapshot, withSnapshot } from './table-metadata.js';

/** One snapshot's worth of change: files added, and for a replace the lake paths of files it removes. */
export interface Change {
  operation: 'append' | 'replace';
  added: DataFile[];
  removed: string[];
  /** Extra summary keys (gamepipe's positions, for one). */
  summary: Record<string, string>;
}

/** The manifest of a change's added files: written once, reused by every attempt of the same snapshot. */
export interface AddedManifest {
  record: Omit<ManifestFile, 'sequence_number' | 'min_sequence_number'>;
}

/** Writes the manifest of the added files (status ADDED, sequence numbers left to inherit). */
export async function writeAddedManifest(
  location: TableLocation,
  metadata: TableMetadata,
  files: DataFile[],
  snapshotId: bigint,
): Promise<AddedManifest | undefined> {
  if (files.length === 0) return undefined;
  const schema = currentSchema(metadata);
  const entries = files.map((f) => ({
    status: EntryStatus.ADDED,
    snapshotId,
    dataSequenceNumber: null,
    fileSequenceNumber: null,
    dataFile: dataFileRecord(f, schema, location),
  }));
  return { record: await writeEntries(location, metadata, entries, snapshotId) };
}

/**
 * The manifests of `base`'s snapshot after removing `removed`: each manifest holding one of them is
 * rewritten (the file DELETED, its others EXISTING, both with explicit sequence numbers); the others
 * are kept as they are. ICEBERG_REPLACE_STALE when one of `removed` is no longer live in `base`.
 */
async function manifestsWithout(
  location: TableLocation,
  base: TableMetadata,
  current: ManifestWithEntries[],
  removed: string[],
  snapshotId: bigint,
  sequenceNumber: bigint,
): Promise<ManifestFile[]> {
  const wanted = new Set(removed);
  const found = new Set<string>();
  const result: ManifestFile[] = [];
  for (const { manifest, entries } of current) {
    if (manifest.content !== 0)
      throw new GamepipeError('ICEBERG_ERROR', 'a table with delete files cannot be compacted by gamepipe yet');
    const live = entries.filter((e) => e.status !== EntryStatus.DELETED);
    const hits = live.filter((e) => wanted.has(location.lakePath(e.dataFile.file_path)));
    if (hits.length === 0) {
      result.push(manifest);
      continue;
    }
    for (const hit of hits) found.add(location.lakePath(hit.dataFile.file_path));
    const rewritten = live.map((e) => ({
      status: hits.includes(e) ? EntryStatus.DELETED : EntryStatus.EXISTING,
      snapshotId: hits.includes(e) ? snapshotId : e.snapshotId,
      dataSequenceNumber: e.dataSequenceNumber,
      fileSequenceNumber: e.fileSequenceNumber,
      dataFile: e.dataFile,
    }));
    const kept = rewritten.filter((e) => e.status === EntryStatus.EXISTING);
    let minSeq = sequenceNumber;
    for (const e of kept) if (e.dataSequenceNumber < minSeq) minSeq = e.dataSequenceNumber;
    const written = await writeEntries(location, base, rewritten, snapshotId);
    result.push({ ...written, sequence_number: sequenceNumber, min_sequence_number: minSeq });
  }
  const gone = removed.filter((p) => !found.has(p));
  if (gone.length > 0) {
    throw new GamepipeError(
      'ICEBERG_REPLACE_STALE',
      `${gone.length} of the files to replace are no longer in the table (e.g. ${gone[0]})`,
      {
        hint: 'another commit removed them: plan the compaction again from the current snapshot',
      },
    );
  }
  return result;
}

const sum = (manifests: ManifestFile[], pick: (m: ManifestFile) => bigint | number) =>
  manifests.reduce((total, m) => total + BigInt(pick(m)), 0n);

/** A snapshot built for one attempt: the metadata to commit, and the files it names. */
export interface BuiltSnapshot {
  metadata: TableMetadata;
  manifestList: string;
  manifests: ManifestFile[];
  /** Every manifest this attempt wrote (rewritten for a replace, merged), named by its list or not. */
  written: string[];
}

/**
 * The files a snapshot's attempts wrote that its committed attempt does not name (Java's
 * SnapshotProducer.cleanUncommitted): lost attempts' manifest lists and the manifests they wrote
 * (merged, rewritten), and the added files' manifest once a merge folded it into another. Nothing
 * else ever names them: each has a fresh unique name. `committed` undefined: no attempt landed.
 */
export function uncommittedFiles(
  attempts: readonly BuiltSnapshot[],
  added: AddedManifest | undefined,
  committed: BuiltSnapshot | undefined,
): string[] {
  const named = new Set(committed ? [committed.manifestList, ...committed.manifests.map((m) => m.manifest_path)] : []);
  const written = [
    ...(added ? [added.record.manifest_path] : []),
    ...attempts.flatMap((a) => [a.manifestList, ...a.written]),
  ];
  return [...new Set(written)].filter((uri) => !named.has(uri));
}

/** Java's summary counts: manifests this snapshot wrote, carried from its parent, and dropped (merged or rewritten). */
function manifestCounts(parent: ManifestFile[], manifests: ManifestFile[], snapshotId: bigint): Record<string, string> {
  const created = manifests.filter((m) => m.added_snapshot_id === snapshotId).length;
  const now = new Set(manifests.map((m) => m.manifest_path));
  return {
    'manifests-created': String(created),
    'manifests-kept': String(manifests.length - created),
    'manifests-replaced': String(parent.filter((m) => !now.has(m.manifest_path)).length),
  };
}

/**
 * The table metadata with `change` as a new snapshot on top of `base` (whose file is at
 * `baseLocation`): the manifest list is new each attempt, the added files' manifest is reused.
 */
export async function buildSnapshot(
  location: TableLocation,
  base: TableMetadata,
  baseLocation: string,
  change: Change,
  snapshotId: bigint,
  attempt: number,
  added: AddedManifest | undefined,
  nowMs: number,
): Promise<BuiltSnapshot> {
  const sequenceNumber = base['last-sequence-number'] + 1;
  const seq = BigInt(sequenceNumber);
  const parent = currentSnapshot(base);
  const list = parent ? await readSnapshotManifestList(location, parent) : [];
  // An append reads only the manifest list; a replace reads the manifests to find the files it removes.
  const current = change.removed.length ? await readEntries(location, list) : [];
  const kept = change.removed.length
    ? await manifestsWithout(location, base, current, change.removed, snapshotId, seq)
    : list;
  const manifests = await mergeManifests(
    location,
    base,
    [...(added ? [{ ...added.record, sequence_number: seq, min_sequence_number: seq }] : []), ...kept],
    snapshotId,
    seq,
  );
  const listPath = location.manifestListPath(snapshotId, attempt);
  await location.storage.create(
    listPath,
    writeManifestList(manifests, { snapshotId, parentSnapshotId: parent?.['snapshot-id'], sequenceNumber }),
  );
  const addedRecords = change.added.reduce((n, f) => n + f.recordCount, 0);
  const addedSize = change.added.reduce((n, f) => n + f.sizeBytes, 0);
  const removedEntries = current
    .flatMap((c) => c.entries)
    .filter(
      (e) => e.status !== EntryStatus.DELETED && change.removed.includes(location.lakePath(e.dataFile.file_path)),
    );
  const removedRecords = removedEntries.reduce((n, e) => n + Number(e.dataFile.record_count), 0);
  const removedSize = removedEntries.reduce((n, e) => n + Number(e.dataFile.file_size_in_bytes), 0);
  const previousSize = parent?.summary['total-files-size'];
  const partitions = new Set([
    ...change.added.map((f) => JSON.stringify(f.partition)),
    ...removedEntries.map((e) => JSON.stringify(e.dataFile.partition)),
  ]);
  const summary: Snapshot['summary'] = {
    operation: change.operation,
    'added-data-files': String(change.added.length),
    'added-records': String(addedRecords),
    'added-files-size': String(addedSize),
    ...(change.removed.length
      ? {
          'deleted-data-files': String(removedEntries.length),
          'deleted-records': String(removedRecords),
          'removed-files-size': String(removedSize),
        }
      : {}),
    'changed-partition-count': String(partitions.size),
    'total-records': String(sum(manifests, (m) => m.added_rows_count) + sum(manifests, (m) => m.existing_rows_count)),
    'total-data-files': String(
      sum(manifests, (m) => m.added_files_count) + sum(manifests, (m) => m.existing_files_count),
    ),
    ...(previousSize !== undefined || !parent
      ? { 'total-files-size': String(Number(previousSize ?? 0) + addedSize - removedSize) }
      : {}),
    ...manifestCounts(list, manifests, snapshotId),
    'engine-name': 'gamepipe',
    ...change.summary,
  };
  const snapshot: Snapshot = {
    'sequence-number': sequenceNumber,
    'snapshot-id': snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'timestamp-ms': nowMs,
    summary,
    'manifest-list': location.fileUri(listPath),
    'schema-id': base['current-schema-id'],
  };
  // Rewritten and merged manifests of this attempt; the added files' manifest is the commit's, not the attempt's.
  const own = [...kept, ...manifests].filter(
    (m) => m.added_snapshot_id === snapshotId && m.manifest_path !== added?.record.manifest_path,
  );
  return {
    metadata: withSnapshot(base, baseLocation, snapshot, nowMs),
    manifestList: snapshot['manifest-list'],
    manifests,
    written: [...new Set(own.map((m) => m.manifest_path))],
  };
}
