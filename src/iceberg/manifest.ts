import type avro from 'avsc';
import { readAvroFile, writeAvroFile } from './avro-file.js';
import type { IcebergSchema } from './iceberg-schema.js';
import { manifestEntrySchema, partitionRecord } from './manifest-schemas.js';
import type { PartitionSpec } from './partition-spec.js';

export const EntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

/** The `data_file` record as Avro holds it; kept whole, so rewriting another engine's entry keeps its stats. */
export type DataFileRecord = Record<string, unknown> & {
  content: number;
  file_path: string;
  file_format: string;
  partition: Record<string, unknown>;
  record_count: bigint;
  file_size_in_bytes: bigint;
};

/** A manifest entry with its sequence numbers resolved (inherited from the manifest list when the file left them null). */
export interface ManifestEntry {
  status: EntryStatus;
  snapshotId: bigint;
  dataSequenceNumber: bigint;
  fileSequenceNumber: bigint;
  dataFile: DataFileRecord;
}

/** An entry to write: an added one leaves its sequence numbers null, to be inherited at commit. */
export interface EntryToWrite {
  status: EntryStatus;
  snapshotId: bigint;
  dataSequenceNumber: bigint | null;
  fileSequenceNumber: bigint | null;
  dataFile: DataFileRecord;
}

/** A manifest file's bytes: the entries, and the key-value metadata the spec requires in its header. */
export function writeManifest(entries: EntryToWrite[], schema: IcebergSchema, spec: PartitionSpec): Buffer {
  const avroSchema: avro.Schema = manifestEntrySchema(partitionRecord(spec, schema));
  const records = entries.map((e) => ({
    status: e.status,
    snapshot_id: e.snapshotId,
    sequence_number: e.dataSequenceNumber,
    file_sequence_number: e.fileSequenceNumber,
    data_file: e.dataFile,
  }));
  return writeAvroFile(avroSchema, records, {
    schema: JSON.stringify(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': '2',
    content: 'data',
  });
}

/** A manifest's entries; `sequenceNumber` and `snapshotId` are the manifest list's, inherited by added entries. */
export async function readManifest(
  bytes: Buffer,
  name: string,
  inherited: { sequenceNumber: bigint; snapshotId: bigint },
): Promise<ManifestEntry[]> {
  const file = await readAvroFile(bytes, name);
  return file.records.map((r) => {
    const status = r.status as EntryStatus;
    const own = (value: unknown) => (value === null || value === undefined ? undefined : (value as bigint));
    const seq = own(r.sequence_number) ?? (status === EntryStatus.ADDED ? inherited.sequenceNumber : 0n);
    return {
      status,
      snapshotId: own(r.snapshot_id) ?? inherited.snapshotId,
      dataSequenceNumber: seq,
      fileSequenceNumber:
        own(r.file_sequence_number) ?? (status === EntryStatus.ADDED ? inherited.sequenceNumber : seq),
      dataFile: r.data_file as DataFileRecord,
    };
  });
}
