import { fieldNamed, type IcebergSchema, PARTITION_COLUMN } from './iceberg-schema.js';

export interface PartitionField {
  name: string;
  transform: string;
  'source-id': number;
  'field-id': number;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

/** Iceberg numbers partition fields from 1000 (ids apart from the schema's). */
export const FIRST_PARTITION_FIELD_ID = 1000;

/**
 * gamepipe's partition spec: identity on `dt`, the UTC day the Hive tables use. Chosen over
 * `day(event_ts)` so that the same SQL (`where dt = '2026-11-28'`) prunes on both formats, the writers'
 * files keep their one-day-per-file layout, and a Hive table's files could be registered unchanged.
 */
export const dayPartitionSpec = (schema: IcebergSchema): PartitionSpec => ({
  'spec-id': 0,
  fields: [
    {
      name: PARTITION_COLUMN,
      transform: 'identity',
      'source-id': fieldNamed(schema, PARTITION_COLUMN).id,
      'field-id': FIRST_PARTITION_FIELD_ID,
    },
  ],
});

/** A data file's partition tuple, by partition field name; null for a file outside any day. */
export type PartitionValues = Record<string, string | null>;
