import { z } from 'zod';
import { zodType, type FieldSpec } from './field-types.js';

/**
 * The one source of truth for gamepipe's events. Each event is a flat JSON object: the envelope
 * fields, then its type's fields. Never a password, a password hash, a cookie or a session id.
 */
export const envelopeFields: FieldSpec[] = [
  { name: 'event_id', type: 'string', required: true, doc: 'unique, time-ordered id (UUIDv7)' },
  { name: 'event_type', type: 'string', required: true, doc: 'one of the event types below' },
  { name: 'event_ts', type: 'timestamp_ms', required: true, doc: 'when the server accepted the request, UTC milliseconds' },
  { name: 'accept', type: 'string', required: false, doc: 'the request\'s Accept header' },
  { name: 'host', type: 'string', required: false, doc: 'the request\'s Host header' },
  { name: 'user_agent', type: 'string', required: false, doc: 'the request\'s User-Agent header' },
  { name: 'username', type: 'string', required: false, doc: 'the player, where known' },
];

export const eventTypeFields = {
  default: [] as FieldSpec[],
  signup: [] as FieldSpec[],
  login: [] as FieldSpec[],
  buy_item: [
    { name: 'item_type', type: 'string', required: true, doc: 'catalog item, e.g. sword' },
    { name: 'item_category', type: 'string', required: true, doc: 'catalog category, e.g. weapon' },
    { name: 'item_quality', type: 'string', required: true, doc: 'quality, asked for or drawn from the drop odds' },
    { name: 'quantity', type: 'int32', required: true, doc: 'how many were bought' },
    { name: 'price', type: 'double', required: true, doc: 'unit price at this quality' },
    { name: 'total_price', type: 'double', required: true, doc: 'price times quantity' },
    { name: 'item_count', type: 'int64', required: true, doc: 'items of this type the player holds after the purchase' },
    { name: 'inventory_count', type: 'int64', required: true, doc: 'items the player holds after the purchase' },
  ] as FieldSpec[],
  join_guild: [
    { name: 'guild_name', type: 'string', required: true, doc: 'the guild joined' },
    { name: 'previous_guild', type: 'string', required: false, doc: 'the guild left, if any' },
  ] as FieldSpec[],
} satisfies Record<string, FieldSpec[]>;

export type EventType = keyof typeof eventTypeFields;
export const eventTypes = Object.keys(eventTypeFields) as EventType[];

/** Fields whose name marks them as secret: an event carrying one is refused everywhere. */
export const secretFieldPattern = /pass(word)?|cookie|session|secret|token/i;

function validatorFor(fields: FieldSpec[], eventType: EventType): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const field of fields) {
    const base = zodType[field.type]();
    shape[field.name] = field.required ? base : base.nullish();
  }
  shape.event_type = z.literal(eventType);
  return z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>>;
}

const validators = Object.fromEntries(
  eventTypes.map((t) => [t, validatorFor([...envelopeFields, ...eventTypeFields[t]], t)]),
) as Record<EventType, z.ZodType<Record<string, unknown>>>;

export type EventValidation = { ok: true; event: Record<string, unknown>; eventType: EventType } | { ok: false; reason: string; eventType?: string };

/** Checks a parsed JSON value against its type's schema; the reason is one line. */
export function validateEvent(value: unknown): EventValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'event is not a JSON object' };
  const eventType = (value as { event_type?: unknown }).event_type;
  if (typeof eventType !== 'string') return { ok: false, reason: 'event has no string event_type' };
  if (!(eventType in validators)) return { ok: false, reason: `unknown event_type "${eventType.slice(0, 64)}"`, eventType };
  const result = validators[eventType as EventType].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || (issue as { keys?: string[] }).keys?.join(',') || 'event';
    return { ok: false, reason: `${where}: ${issue.message}`, eventType };
  }
  return { ok: true, event: result.data, eventType: eventType as EventType };
}
