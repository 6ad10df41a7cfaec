import type avro from 'avsc';
import type { IcebergSchema } from './iceberg-schema.js';
import type { PartitionSpec } from './partition-spec.js';

// The Avro schemas of Iceberg's manifests and manifest lists (format version 2), with the spec's field
// ids; names and layout follow Java's writers (records r2, r102, r508; int-keyed maps as arrays of k/v
// records with logicalType map), so any reader resolves them by id or by name alike.

const optional = (name: string, type: avro.Schema, id: number) => ({
  name,
  type: ['null', type],
  default: null,
  'field-id': id,
});
const required = (name: string, type: avro.Schema, id: number) => ({ name, type, 'field-id': id });
const intMap = (name: string, id: number, keyId: number, valueId: number, value: 'long' | 'bytes') =>
  optional(
    name,
    {
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [required('key', 'int', keyId), required('value', value, valueId)],
      },
    } as avro.Schema,
    id,
  );

const AVRO_PRIMITIVE: Record<string, avro.Schema> = {
  string: 'string',
  int: 'int',
  long: 'long',
  double: 'double',
  float: 'float',
  boolean: 'boolean',
};

/** The partition tuple's record (r102): one optional field per partition field, typed as its identity source. */
export function partitionRecord(spec: PartitionSpec, schema: IcebergSchema): avro.Schema {
  const fields = spec.fields.map((p) => {
    const source = schema.fields.find((f) => f.id === p['source-id']);
    const type = p.transform === 'identity' && typeof source?.type === 'string' ? AVRO_PRIMITIVE[source.type] : 'int';
    return optional(p.name, type ?? 'string', p['field-id']);
  });
  return { type: 'record', name: 'r102', fields } as avro.Schema;
}

/** `manifest_entry` for a manifest of data files written with `spec`. */
export const manifestEntrySchema = (partition: avro.Schema): avro.Schema =>
  ({
    type: 'record',
    name: 'manifest_entry',
    fields: [
      required('status', 'int', 0),
      optional('snapshot_id', 'long', 1),
      optional('sequence_number', 'long', 3),
      optional('file_sequence_number', 'long', 4),
      required(
        'data_file',
        {
          type: 'record',
          name: 'r2',
          fields: [
            required('content', 'int', 134),
            required('file_path', 'string', 100),
            required('file_format', 'string', 101),
            required('partition', partition, 102),
            required('record_count', 'long', 103),
            required('file_size_in_bytes', 'long', 104),
            intMap('column_sizes', 108, 117, 118, 'long'),
            intMap('value_counts', 109, 119, 120, 'long'),
            intMap('null_value_counts', 110, 121, 122, 'long'),
            intMap('nan_value_counts', 137, 138, 139, 'long'),
            intMap('lower_bounds', 125, 126, 127, 'bytes'),
            intMap('upper_bounds', 128, 129, 130, 'bytes'),
            optional('key_metadata', 'bytes', 131),
            optional('split_offsets', { type: 'array', items: 'long', 'element-id': 133 } as avro.Schema, 132),
            optional('equality_ids', { type: 'array', items: 'int', 'element-id': 136 } as avro.Schema, 135),
            optional('sort_order_id', 'int', 140),
            optional('referenced_data_file', 'string', 143),
          ],
        } as avro.Schema,
        2,
      ),
    ],
  }) as avro.Schema;

/** `manifest_file`, the record of a manifest list. */
export const manifestFileSchema: avro.Schema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    required('manifest_path', 'string', 500),
    required('manifest_length', 'long', 501),
    required('partition_spec_id', 'int', 502),
    required('content', 'int', 517),
    required('sequence_number', 'long', 515),
    required('min_sequence_number', 'long', 516),
    required('added_snapshot_id', 'long', 503),
    required('added_files_count', 'int', 504),
    required('existing_files_count', 'int', 505),
    required('deleted_files_count', 'int', 506),
    required('added_rows_count', 'long', 512),
    required('existing_rows_count', 'long', 513),
    required('deleted_rows_count', 'long', 514),
    optional(
      'partitions',
      {
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            required('contains_null', 'boolean', 509),
            optional('contains_nan', 'boolean', 518),
            optional('lower_bound', 'bytes', 510),
            optional('upper_bound', 'bytes', 511),
          ],
        },
      } as avro.Schema,
      507,
    ),
    optional('key_metadata', 'bytes', 519),
  ],
} as avro.Schema;
