import type { FieldSpec } from './field-types.js';

/** Keeps each field's literal name, type and required flag in the list's type, for the typed event builders (event-builders.ts). */
const fieldList = <const T extends FieldSpec[]>(fields: T): T => fields;

/**
 * The one source of truth for gamepipe's events. Each event is a flat JSON object: the envelope
 * fields, then its type's fields. Never a password, a password hash, a cookie or a session id.
 */
export const envelopeFields = fieldList([
  { name: 'event_id', type: 'string', required: true, doc: 'unique, time-ordered id (UUIDv7)' },
  { name: 'event_type', type: 'string', required: true, doc: 'one of the event types below' },
  {
    name: 'event_ts',
    type: 'timestamp_ms',
    required: true,
    doc: 'when the server accepted the request, UTC milliseconds',
  },
  { name: 'accept', type: 'string', required: false, doc: "the request's Accept header" },
  { name: 'host', type: 'string', required: false, doc: "the request's Host header" },
  { name: 'user_agent', type: 'string', required: false, doc: "the request's User-Agent header" },
  { name: 'username', type: 'string', required: false, doc: 'the player, where known' },
]);

export const eventTypeFields = {
  default: fieldList([]),
  signup: fieldList([]),
  login: fieldList([]),
  buy_item: fieldList([
    { name: 'item_type', type: 'string', required: true, doc: 'catalog item, e.g. sword' },
    { name: 'item_category', type: 'string', required: true, doc: 'catalog category, e.g. weapon' },
    { name: 'item_quality', type: 'string', required: true, doc: 'quality, asked for or drawn from the drop odds' },
    { name: 'quantity', type: 'int32', required: true, doc: 'how many were bought' },
    { name: 'price', type: 'double', required: true, doc: 'unit price at this quality' },
    { name: 'total_price', type: 'double', required: true, doc: 'price times quantity' },
    {
      name: 'item_count',
      type: 'int64',
      required: true,
      doc: 'items of this type the player holds after the purchase',
    },
    { name: 'inventory_count', type: 'int64', required: true, doc: 'items the player holds after the purchase' },
  ]),
  join_guild: fieldList([
    { name: 'guild_name', type: 'string', required: true, doc: 'the guild joined' },
    { name: 'previous_guild', type: 'string', required: false, doc: 'the guild left, if any' },
  ]),
} satisfies Record<string, FieldSpec[]>;

export type EventType = keyof typeof eventTypeFields;
export const eventTypes = Object.keys(eventTypeFields) as EventType[];

/** A type's fields in schema order, the order events are built in: the envelope, then its own. */
export const eventFields = (type: EventType): FieldSpec[] => [...envelopeFields, ...eventTypeFields[type]];

/** Fields whose name marks them as secret: an event carrying one is refused everywhere. */
export const secretFieldPattern = /pass(word)?|cookie|session|secret|token/i;
