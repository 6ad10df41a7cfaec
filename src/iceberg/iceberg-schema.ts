import { GamepipeError } from '../errors.js';
import type { FieldSpec, FieldType } from '../events/field-types.js';
import type { TableSpec } from '../events/tables.js';

/** A top-level field of an Iceberg schema, in the spec's JSON form. Nested types are kept as read, never written by gamepipe. */
export interface IcebergField {
  id: number;
  name: string;
  required: boolean;
  type: string | Record<string, unknown>;
  doc?: string;
}

/** An Iceberg schema in the spec's JSON form (Appendix C). */
export interface IcebergSchema {
  type: 'struct';
  'schema-id': number;
  fields: IcebergField[];
  'identifier-field-ids'?: number[];
}

/**
 * The partition column: the same `dt` (UTC day, `YYYY-MM-DD`) the Hive tables are partitioned by, so
 * the same SQL answers on both formats. gamepipe's Parquet files do not hold it (as in Hive, the
 * directory does); Iceberg readers take an identity partition's value from the manifest instead.
 */
export const PARTITION_COLUMN = 'dt';

/** Iceberg's names for gamepipe's field types. Timestamps are UTC instants stored without a zone, as the Hive tables' `timestamp`. */
export const icebergType: Record<FieldType, string> = {
  string: 'string',
  int32: 'int',
  int64: 'long',
  double: 'double',
  timestamp_ms: 'timestamp',
  boolean: 'boolean',
};

// The type changes Iceberg allows without rewriting files (spec: Schema Evolution).
const PROMOTIONS: Record<string, string[]> = { int: ['long'], float: ['double'] };

const toField = (column: FieldSpec, id: number, required: boolean): IcebergField => ({
  id,
  name: column.name,
  required,
  type: icebergType[column.type],
  doc: column.doc,
});

const partitionField = (id: number): IcebergField => ({
  id,
  name: PARTITION_COLUMN,
  required: false,
  type: 'string',
  doc: 'UTC day of the row (YYYY-MM-DD), the partition',
});

/** A new table's schema: the table's columns in order with ids 1..n, then `dt`. */
export function initialSchema(spec: TableSpec): IcebergSchema {
  const fields = spec.columns.map((c, i) => toField(c, i + 1, c.required));
  fields.push(partitionField(fields.length + 1));
  return { type: 'struct', 'schema-id': 0, fields };
}

export interface EvolvedSchema {
  schema: IcebergSchema;
  lastColumnId: number;
  /** False when `current` already matched the table's columns (then `schema` is `current`). */
  changed: boolean;
}

/**
 * The schema after the event schemas changed, by Iceberg's rules: a field keeps its id for ever; a new
 * field gets the next id, optional (older rows read null), before `dt`; a field gone from the event
 * schemas stays, optional (new files do not hold it); a type changes only where Iceberg promotes it
 * (int to long, float to double). Anything else is refused with ICEBERG_SCHEMA_INCOMPATIBLE naming the field.
 */
export function evolveSchema(current: IcebergSchema, lastColumnId: number, spec: TableSpec): EvolvedSchema {
  let nextId = lastColumnId;
  let changed = false;
  const byName = new Map(current.fields.map((f) => [f.name, f]));
  const kept = current.fields.map((field) => {
    const column = spec.columns.find((c) => c.name === field.name);
    if (!column) {
      if (field.name === PARTITION_COLUMN || !field.required) return field;
      changed = true;
      return { ...field, required: false };
    }
    const wanted = icebergType[column.type];
    if (field.type === wanted) {
      if (field.required && !column.required) {
        changed = true;
        return { ...field, required: false };
      }
      return field;
    }
    if (typeof field.type === 'string' && PROMOTIONS[field.type]?.includes(wanted)) {
      changed = true;
      return { ...field, type: wanted, required: field.required && column.required };
    }
    throw new GamepipeError(
      'ICEBERG_SCHEMA_INCOMPATIBLE',
      `${spec.table}.${field.name} is ${typeof field.type === 'string' ? field.type : 'nested'} in the Iceberg table, and Iceberg cannot change it to ${wanted}`,
      { hint: 'give the changed field a new name in src/events/event-schemas.ts, or create the table afresh' },
    );
  });
  const added = spec.columns.filter((c) => !byName.has(c.name)).map((c) => toField(c, ++nextId, false));
  if (added.length > 0) changed = true;
  if (!changed) return { schema: current, lastColumnId, changed };
  const partitionAt = kept.findIndex((f) => f.name === PARTITION_COLUMN);
  const fields =
    partitionAt < 0 ? [...kept, ...added] : [...kept.slice(0, partitionAt), ...added, ...kept.slice(partitionAt)];
  return {
    schema: { type: 'struct', 'schema-id': current['schema-id'] + 1, fields },
    lastColumnId: nextId,
    changed,
  };
}

/**
 * The table's name mapping (`schema.name-mapping.default`): readers map the columns of Parquet files
 * written without field ids (gamepipe's DuckDB writer) to fields by name.
 */
export const nameMapping = (schema: IcebergSchema): string =>
  JSON.stringify(schema.fields.map((f) => ({ 'field-id': f.id, names: [f.name] })));

export function fieldNamed(schema: IcebergSchema, name: string): IcebergField {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new GamepipeError('ICEBERG_ERROR', `the Iceberg schema has no field ${name}`);
  return field;
}
