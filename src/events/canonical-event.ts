import { envelopeFields, eventFields, eventTypes, type EventType } from './event-schemas.js';
import type { FieldSpec, FieldType } from './field-types.js';

/**
 * Recognises a valid event in the form gamepipe writes it, without parsing it: JSON.stringify of an
 * event built by the typed builders, its fields in schema order (the envelope, then its type's),
 * no whitespace. A stream writer reads millions of such records, and parsing each into an object
 * only to check it and read its type and time took it more than half of its thread's time.
 *
 * One pattern, an alternative per event type, derived from the schemas. Each value's pattern is
 * narrower than its type (no lone surrogate, even escaped; integers short enough to be in range;
 * decimals without an exponent, so finite): a record it matches is one `validateEvent` accepts,
 * with the same type and time (checked by a property test). Anything else, valid or not, goes the
 * long way.
 */

const HEX_NOT_SURROGATE = String.raw`(?![dD][89a-fA-F])[0-9a-fA-F]{4}`;
/**
 * A character JSON leaves unescaped but a lone surrogate; a surrogate pair; an escape, but of a
 * surrogate. One character (or escape) per repetition, each alternative told apart by its first:
 * a mismatch backtracks in linear time (a run `[...]+` inside the `*` would be exponential).
 */
const STRING = String.raw`"(?:[^"\\\u0000-\u001f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff]|\\["\\/bfnrt]|\\u${HEX_NOT_SURROGATE})*"`;

const valuePattern: Record<FieldType, string> = {
  string: STRING,
  // Nine digits at most: within int32 whatever they are.
  int32: String.raw`-?(?:0|[1-9]\d{0,8})`,
  // Fifteen digits at most: a safe integer whatever they are.
  int64: String.raw`-?(?:0|[1-9]\d{0,14})`,
  double: String.raw`-?(?:0|[1-9]\d{0,15})(?:\.\d{1,17})?`,
  timestamp_ms: String.raw`(?:0|[1-9]\d{0,14})`,
  boolean: 'true|false',
};

const member = (field: FieldSpec, value: string) =>
  `${JSON.stringify(field.name)}:${field.required ? value : `(?:${value}|null)`}`;

/** From the event type on: the type's name, then its fields, its time captured (the pattern's only group). */
function afterIdPattern(type: EventType): string {
  const [id, eventType, ...rest] = eventFields(type);
  if (id?.name !== 'event_id' || eventType?.name !== 'event_type')
    throw new Error('the envelope starts with event_id, event_type');
  const members = rest.map((field) =>
    member(field, field.name === 'event_ts' ? `(${valuePattern[field.type]})` : `(?:${valuePattern[field.type]})`),
  );
  return [member(eventType, JSON.stringify(type)), ...members].join(',');
}

/** Every type in one pattern: the event id, then one alternative per type; the group set says which type matched. */
const canonical = new RegExp(
  `^\\{${member(envelopeFields[0], `(?:${STRING})`)},(?:${eventTypes.map(afterIdPattern).join('|')})\\}$`,
);

/** The type and time of a record in canonical form; undefined when it is not in that form (it may still be valid). */
export function matchCanonicalEvent(raw: string): { eventType: EventType; eventTs: number } | undefined {
  const match = canonical.exec(raw);
  if (!match) return undefined;
  for (let i = 1; i < match.length; i++)
    if (match[i] !== undefined) return { eventType: eventTypes[i - 1]!, eventTs: Number(match[i]) };
  return undefined;
}
