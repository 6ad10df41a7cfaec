import { envelopeFields, eventTypeFields, type EventType } from './event-schemas.js';
import type { FieldSpec } from './field-types.js';

/**
 * The lake's tables, derived from the event schemas: each table holds some event types, and its
 * columns are the log metadata, the envelope and the union of its types' fields.
 */
export interface TableSpec {
  /** Short name used on the command line: `gamepipe stream buy`. */
  name: string;
  table: string;
  eventTypes: EventType[];
  columns: FieldSpec[];
}

/** Columns every table row carries beside the event's own fields, as the seed's Spark jobs did. */
export const logColumns: FieldSpec[] = [
  { name: 'raw_event', type: 'string', required: true, doc: 'the event JSON exactly as read from the log' },
  { name: 'timestamp', type: 'timestamp_ms', required: true, doc: 'when the event log accepted the event' },
  { name: 'log_partition', type: 'int32', required: true, doc: 'event log partition' },
  { name: 'log_offset', type: 'int64', required: true, doc: 'event log offset' },
];

function tableSpec(name: string, types: EventType[]): TableSpec {
  const columns = [...logColumns, ...envelopeFields];
  for (const type of types) {
    for (const field of eventTypeFields[type]) {
      if (columns.some((c) => c.name === field.name)) continue;
      const inAll = types.every((t) => eventTypeFields[t].some((f) => f.name === field.name && f.required));
      columns.push({ ...field, required: inAll });
    }
  }
  return { name, table: `events_${name}`, eventTypes: types, columns };
}

export const tableSpecs: TableSpec[] = [
  tableSpec('buy', ['buy_item']),
  tableSpec('guild', ['join_guild']),
  tableSpec('user', ['signup', 'login']),
];

export const deadLetterSpec: TableSpec = {
  name: 'dead_letter',
  table: 'events_dead_letter',
  eventTypes: [],
  columns: [
    ...logColumns.map((c) =>
      c.name === 'raw_event' ? { ...c, doc: 'the record as read, secret-looking fields redacted' } : c,
    ),
    { name: 'reason', type: 'string', required: true, doc: 'why the record was refused' },
    { name: 'writer', type: 'string', required: true, doc: 'the stream writer that refused it' },
  ],
};

export function tableForEventType(type: string): TableSpec | undefined {
  return tableSpecs.find((t) => (t.eventTypes as string[]).includes(type));
}
