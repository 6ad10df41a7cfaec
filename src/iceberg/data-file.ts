import { type BoundValue, boundBytes } from './bound-bytes.js';
import type { IcebergSchema } from './iceberg-schema.js';
import type { DataFileRecord } from './manifest.js';
import type { PartitionValues } from './partition-spec.js';
import type { TableLocation } from './table-location.js';

/** A Parquet file gamepipe adds to a table: already complete and durable in the lake. */
export interface DataFile {
  /** Lake path, e.g. `events_buy/data/dt=2026-11-28/events+0+100+199.parquet`. */
  path: string;
  sizeBytes: number;
  recordCount: number;
  /** `{ dt: '2026-11-28' }`. */
  partition: PartitionValues;
  /** Min and max of some columns, by column name (timestamps in UTC ms), where the writer knows them cheaply. */
  bounds?: Record<string, { lower: BoundValue; upper: BoundValue }>;
}

/** A file the current snapshot holds. */
export interface LiveDataFile {
  /** Lake path. */
  path: string;
  uri: string;
  recordCount: number;
  sizeBytes: number;
  partition: PartitionValues;
  /** The snapshot that added it. */
  snapshotId: bigint;
}

type KeyBytes = { key: number; value: Buffer }[];

/** The manifest's `data_file` record of a file gamepipe adds. */
export function dataFileRecord(file: DataFile, schema: IcebergSchema, location: TableLocation): DataFileRecord {
  const lower: KeyBytes = [];
  const upper: KeyBytes = [];
  for (const [name, bound] of Object.entries(file.bounds ?? {})) {
    const field = schema.fields.find((f) => f.name === name);
    if (!field || typeof field.type !== 'string') continue;
    lower.push({ key: field.id, value: boundBytes(field.type, bound.lower) });
    upper.push({ key: field.id, value: boundBytes(field.type, bound.upper) });
  }
  return {
    content: 0,
    file_path: location.fileUri(file.path),
    file_format: 'PARQUET',
    partition: { ...file.partition },
    record_count: BigInt(file.recordCount),
    file_size_in_bytes: BigInt(file.sizeBytes),
    column_sizes: null,
    value_counts: null,
    null_value_counts: null,
    nan_value_counts: null,
    lower_bounds: lower.length ? lower : null,
    upper_bounds: upper.length ? upper : null,
    key_metadata: null,
    split_offsets: null,
    equality_ids: null,
    sort_order_id: null,
    referenced_data_file: null,
  };
}

export function liveDataFile(record: DataFileRecord, snapshotId: bigint, location: TableLocation): LiveDataFile {
  return {
    path: location.lakePath(record.file_path),
    uri: record.file_path,
    recordCount: Number(record.record_count),
    sizeBytes: Number(record.file_size_in_bytes),
    partition: Object.fromEntries(
      Object.entries(record.partition).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
    ),
    snapshotId,
  };
}
