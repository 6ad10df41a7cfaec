import { z } from 'zod';
import { envelopeFields, eventTypeFields, eventTypes, type EventType } from './event-schemas.js';
import type { FieldSpec, FieldType } from './field-types.js';

// The validators are derived from the event schemas like every storage type, but live apart: zod takes
// 0.1 to 0.25 s to load, which only the server and the stream writers need to pay.

/** In JSON events, a timestamp_ms field is a number of UTC milliseconds since the epoch. */
const zodType: Record<FieldType, () => z.ZodType> = {
  string: () => z.string(),
  int32: () => z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1),
  int64: () => z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  double: () => z.number().finite(),
  timestamp_ms: () => z.number().int().nonnegative(),
  boolean: () => z.boolean(),
};

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
