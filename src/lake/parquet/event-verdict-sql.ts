import { envelopeFields, eventTypeFields, eventTypes, type EventType } from '../../events/event-schemas.js';
import type { FieldSpec, FieldType } from '../../events/field-types.js';
import { logColumns, type TableSpec } from '../../events/tables.js';
import { sqlIdentifier, sqlString } from '../../util/duckdb-sql.js';

/**
 * SQL that lets DuckDB parse and check a batch's raw events, derived from the event schemas like
 * every other type. It is deliberately narrower than the JavaScript validator (validate-event.ts):
 * a row it calls clean is one that validator accepts, with the same type and the same values;
 * anything else (not JSON, unknown keys, a duplicate key, an integer written `2.0`, a parser
 * leniency of DuckDB's such as a trailing comma or NaN) is left for the validator to decide, so
 * the dead letters and their reasons stay the validator's.
 */

/** The JSON types (as `json_type` names them) a field may have for the validator to accept it. */
const jsonTypes: Record<FieldType, string[]> = {
  string: ['VARCHAR'],
  int32: ['UBIGINT', 'BIGINT'],
  int64: ['UBIGINT', 'BIGINT'],
  timestamp_ms: ['UBIGINT', 'BIGINT'],
  double: ['UBIGINT', 'BIGINT', 'DOUBLE'],
  boolean: ['BOOLEAN'],
};

/** How each field is extracted for checking (wide enough to see a value out of range). */
const extractType: Record<FieldType, string> = {
  string: 'VARCHAR',
  int32: 'BIGINT',
  int64: 'BIGINT',
  timestamp_ms: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
};

/** The validator's value rules (zod's int() is a safe integer; a timestamp must also make a date). */
const valueRule: Record<FieldType, ((v: string) => string) | undefined> = {
  int32: (v) => `${v} BETWEEN ${-(2 ** 31)} AND ${2 ** 31 - 1}`,
  int64: (v) => `${v} BETWEEN ${Number.MIN_SAFE_INTEGER} AND ${Number.MAX_SAFE_INTEGER}`,
  timestamp_ms: (v) => `${v} BETWEEN 0 AND 8640000000000000`,
  double: (v) => `isfinite(${v})`,
  string: undefined,
  boolean: undefined,
};

/** Every field of every event type, once (a name shared by two types must have one type). */
function allFields(): FieldSpec[] {
  const fields = new Map<string, FieldSpec>();
  for (const field of [...envelopeFields, ...eventTypes.flatMap((t): FieldSpec[] => eventTypeFields[t])]) {
    const known = fields.get(field.name);
    if (known && known.type !== field.type) throw new Error(`event field ${field.name} has two types: ${known.type} and ${field.type}`);
    fields.set(field.name, field);
  }
  return [...fields.values()];
}

const fields = allFields();
const indexOf = new Map(fields.map((f, i) => [f.name, i + 2])); // ty[1] is the document's own type

/** The extraction struct: every field, typed wide. */
const extractStruct = JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, extractType[f.type]])));

function fieldClean(field: FieldSpec, required: boolean): string {
  const ty = `ty[${indexOf.get(field.name)}]`;
  const rule = valueRule[field.type]?.(`j.${sqlIdentifier(field.name)}`);
  const typed = `${ty} IN (${jsonTypes[field.type].map(sqlString).join(', ')})${rule ? ` AND ${rule}` : ''}`;
  return required ? `(${typed})` : `(${ty} IS NULL OR ${ty} = 'NULL' OR (${typed}))`;
}

function typeClean(type: EventType): string {
  const own: FieldSpec[] = [...envelopeFields, ...eventTypeFields[type]];
  const keys = `[${own.map((f) => sqlString(f.name)).join(', ')}]`;
  return [`list_has_all(${keys}, k)`, ...own.map((f) => fieldClean(f, f.required))].join(' AND ');
}

/**
 * Loads a batch file of tab-separated lines (log partition, offset, timestamp, raw event) into the
 * table `batch`: the log columns, `raw`, `j` (the extracted fields) and `event_type`, set only
 * where the row is clean.
 */
export function loadBatchSql(tsvPath: string): string {
  const paths = `['$', ${fields.map((f) => sqlString(`$.${f.name}`)).join(', ')}]`;
  const verdict = `CASE j.event_type ${eventTypes.map((t) => `WHEN ${sqlString(t)} THEN CASE WHEN ${typeClean(t)} THEN ${sqlString(t)} END`).join(' ')} END`;
  const source =
    `read_csv(${sqlString(tsvPath)}, delim = '\t', quote = '', escape = '', header = false, auto_detect = false, ` +
    `columns = {'log_partition': 'INTEGER', 'log_offset': 'BIGINT', 'ts': 'BIGINT', 'raw': 'VARCHAR'})`;
  // Each stage parses once and only what the one before let through; DuckDB's parser would throw on what is not JSON.
  const typed = `SELECT *, CASE WHEN json_valid(raw) THEN json_type(raw, ${paths}) END AS ty FROM ${source}`;
  const parsed =
    `SELECT *, CASE WHEN ty[1] = 'OBJECT' THEN json_keys(raw) END AS k, ` +
    `CASE WHEN ty[1] = 'OBJECT' THEN json_transform(raw, ${sqlString(extractStruct)}) END AS j FROM (${typed})`;
  const clean = `ty[1] = 'OBJECT' AND len(k) = len(list_distinct(k)) AND NOT regexp_matches(raw, ',\\s*}\\s*$') AND ty[${indexOf.get('event_type')}] = 'VARCHAR'`;
  return `CREATE OR REPLACE TEMP TABLE batch AS SELECT log_partition, log_offset, ts, raw, j, CASE WHEN ${clean} THEN ${verdict} END AS event_type FROM (${parsed})`;
}

/** Adds rows the validator accepted (from the table `forced`: the log columns, raw and event_type) to `batch`. */
export const addForcedSql = (): string =>
  `INSERT INTO batch SELECT log_partition, log_offset, ts, raw, json_transform(raw, ${sqlString(extractStruct)}) AS j, event_type FROM forced`;

const logColumnNames = new Set(logColumns.map((c) => c.name));

/** The table's typed columns from `batch`, in the table's order. */
export function typedColumnsSql(spec: TableSpec): string {
  return spec.columns
    .map((c) => {
      if (c.name === 'raw_event') return 'raw AS raw_event';
      if (c.name === 'timestamp') return `epoch_ms(ts)::TIMESTAMP_MS AS "timestamp"`;
      if (logColumnNames.has(c.name)) return sqlIdentifier(c.name);
      const value = `j.${sqlIdentifier(c.name)}`;
      if (c.type === 'timestamp_ms') return `epoch_ms(${value})::TIMESTAMP_MS AS ${sqlIdentifier(c.name)}`;
      if (c.type === 'int32') return `${value}::INTEGER AS ${sqlIdentifier(c.name)}`;
      return `${value} AS ${sqlIdentifier(c.name)}`;
    })
    .join(', ');
}

/** A row's date partition (`dt=YYYY-MM-DD`, UTC) from its event time, as datePartition makes it. */
export const datePartitionSql = `strftime(epoch_ms(j.event_ts), 'dt=%Y-%m-%d')`;
