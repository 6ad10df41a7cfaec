import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { eventFields, eventTypes, type EventType } from './event-schemas.js';
import type { FieldSpec, FieldType } from './field-types.js';

// The validators are derived from the event schemas like every storage type, but live apart: zod takes
// 0.1 to 0.25 s to load, which is paid only once a record fails the plain checks below (a query reading
// the log's tail, a writer's batch of valid events never load it).

/**
 * True unless the string holds a lone surrogate (JSON may escape one, as in "\ud800"): no UTF-8 can
 * carry it, so DuckDB refuses the whole record, and a writer would stop on it at every restart.
 * (String.prototype.isWellFormed is in Node 20; TypeScript's ES2022 library does not declare it.)
 */
const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
const NOT_WELL_FORMED = 'not well-formed Unicode (a lone surrogate)';

/** In JSON events, a timestamp_ms field is a number of UTC milliseconds since the epoch. */
const zodType = (z: typeof Zod): Record<FieldType, () => Zod.ZodType> => ({
  string: () => z.string().refine(wellFormed, NOT_WELL_FORMED),
  int32: () =>
    z
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1),
  int64: () => z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  double: () => z.number().finite(),
  timestamp_ms: () => z.number().int().nonnegative(),
  boolean: () => z.boolean(),
});

function validatorFor(z: typeof Zod, fields: FieldSpec[], eventType: EventType): Zod.ZodType<Record<string, unknown>> {
  const shape: Record<string, Zod.ZodType> = {};
  const types = zodType(z);
  for (const field of fields) {
    const base = types[field.type]();
    shape[field.name] = field.required ? base : base.nullish();
  }
  shape.event_type = z.literal(eventType);
  return z.strictObject(shape) as unknown as Zod.ZodType<Record<string, unknown>>;
}

let validators: Record<EventType, Zod.ZodType<Record<string, unknown>>> | undefined;

/** The zod validators, built at their first use: zod is loaded then, synchronously (its CommonJS build). */
function zodValidators(): Record<EventType, Zod.ZodType<Record<string, unknown>>> {
  if (!validators) {
    const { z } = createRequire(import.meta.url)('zod') as { z: typeof Zod };
    validators = Object.fromEntries(eventTypes.map((t) => [t, validatorFor(z, eventFields(t), t)])) as Record<
      EventType,
      Zod.ZodType<Record<string, unknown>>
    >;
  }
  return validators;
}

const knownEventTypes = new Set<string>(eventTypes);

/**
 * The same rules as the zod validators, as plain checks: a stream writer validates every record of
 * the log, and zod's general machinery cost it more than parsing the JSON. They only ever say yes
 * to what zod accepts (checked by a property test); anything else goes to zod, which gives the reason.
 */
const plainCheck: Record<FieldType, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string' && wellFormed(v),
  int32: (v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) <= 2 ** 31 - 1,
  int64: (v) => Number.isSafeInteger(v),
  double: (v) => Number.isFinite(v),
  timestamp_ms: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  boolean: (v) => typeof v === 'boolean',
};

function plainValidatorFor(fields: FieldSpec[], eventType: EventType): (value: Record<string, unknown>) => boolean {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const checks = fields.map((f) => ({ name: f.name, required: f.required, check: plainCheck[f.type] }));
  return (value) => {
    if (value.event_type !== eventType) return false;
    for (const key in value) if (!Object.hasOwn(value, key) || !byName.has(key)) return false;
    for (const { name, required, check } of checks) {
      const v = value[name];
      if (v === undefined || v === null ? required : !check(v)) return false;
    }
    return true;
  };
}

const plainValidators = Object.fromEntries(eventTypes.map((t) => [t, plainValidatorFor(eventFields(t), t)])) as Record<
  EventType,
  (value: Record<string, unknown>) => boolean
>;

export type EventValidation =
  | { ok: true; event: Record<string, unknown>; eventType: EventType }
  | { ok: false; reason: string; eventType?: string };

/** Checks a parsed JSON value against its type's schema; the reason is one line. */
export function validateEvent(value: unknown): EventValidation {
  return validateEventWith(value, true);
}

/** The same, by the zod validators alone (the plain checks skipped): what they must agree with. */
export function validateEventBySchema(value: unknown): EventValidation {
  return validateEventWith(value, false);
}

function validateEventWith(value: unknown, plainFirst: boolean): EventValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'event is not a JSON object' };
  const eventType = (value as { event_type?: unknown }).event_type;
  if (typeof eventType !== 'string') return { ok: false, reason: 'event has no string event_type' };
  if (!knownEventTypes.has(eventType))
    return { ok: false, reason: `unknown event_type "${eventType.slice(0, 64)}"`, eventType };
  if (
    plainFirst &&
    Object.getPrototypeOf(value) === Object.prototype &&
    plainValidators[eventType as EventType](value as Record<string, unknown>)
  ) {
    return { ok: true, event: value as Record<string, unknown>, eventType: eventType as EventType };
  }
  const result = zodValidators()[eventType as EventType].safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || (issue as { keys?: string[] }).keys?.join(',') || 'event';
    return { ok: false, reason: `${where}: ${issue.message}`, eventType };
  }
  return { ok: true, event: result.data, eventType: eventType as EventType };
}
