import { readAvroFile, writeAvroFile } from './avro-file.js';
import { manifestFileSchema } from './manifest-schemas.js';

/** A manifest list's record, as Avro holds it (counts as numbers, longs as bigints); kept whole when carried into a new list. */
export interface ManifestFile {
  manifest_path: string;
  manifest_length: bigint;
  partition_spec_id: number;
  /** 0 data, 1 deletes. */
  content: number;
  sequence_number: bigint;
  min_sequence_number: bigint;
  added_snapshot_id: bigint;
  added_files_count: number;
  existing_files_count: number;
  deleted_files_count: number;
  added_rows_count: bigint;
  existing_rows_count: bigint;
  deleted_rows_count: bigint;
  partitions:
    | { contains_null: boolean; contains_nan: boolean | null; lower_bound: Buffer | null; upper_bound: Buffer | null }[]
    | null;
  key_metadata?: Buffer | null;
}

export interface ManifestListHeader {
  snapshotId: bigint;
  parentSnapshotId: bigint | undefined;
  sequenceNumber: number;
}

/** A manifest list's bytes, with the header keys Java's and Trino's writers set. */
export function writeManifestList(manifests: ManifestFile[], header: ManifestListHeader): Buffer {
  return writeAvroFile(manifestFileSchema, manifests, {
    'snapshot-id': String(header.snapshotId),
    'parent-snapshot-id': header.parentSnapshotId === undefined ? 'null' : String(header.parentSnapshotId),
    'sequence-number': String(header.sequenceNumber),
    'format-version': '2',
  });
}

export async function readManifestList(bytes: Buffer, name: string): Promise<ManifestFile[]> {
  return (await readAvroFile(bytes, name)).records as unknown as ManifestFile[];
}
