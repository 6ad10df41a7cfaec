import { newEventId } from './event-id.js';
import { envelopeFields, eventFields, eventTypeFields, type EventType } from './event-schemas.js';
import type { FieldSpec, FieldType } from './field-types.js';

/** The JSON value of each logical type (a timestamp_ms is UTC milliseconds). */
type JsonValue<T extends FieldType> = T extends 'string' ? string : T extends 'boolean' ? boolean : number;

/**
 * A field list as an object type, derived from the specs: a required field must be given, an
 * optional one may be left out or null, and any other key is a compile error.
 */
export type FieldValues<Specs extends readonly FieldSpec[]> = {
  [F in Specs[number] as F['required'] extends true ? F['name'] : never]: JsonValue<F['type']>;
} & {
  [F in Specs[number] as F['required'] extends true ? never : F['name']]?: JsonValue<F['type']> | null;
};

type Envelope = FieldValues<typeof envelopeFields>;

/** Each event type's own fields, e.g. `TypeFields<'buy_item'>` is `{ item_type: string; ... }`. */
export type TypeFields<T extends EventType> = FieldValues<(typeof eventTypeFields)[T]>;

/** A complete event of type `T`, as it is appended to the log. */
export type GameEvent<T extends EventType> = Omit<Envelope, 'event_type'> & { event_type: T } & TypeFields<T>;

/** What a builder takes: the envelope but its type (and its id, drawn when not given), and the type's fields. */
export type EventInput<T extends EventType> = Omit<Envelope, 'event_id' | 'event_type'> & {
  event_id?: string;
} & TypeFields<T>;

export type EventBuilders = { [T in EventType]: (input: EventInput<T>) => GameEvent<T> };

/**
 * Builds the event with its fields in schema order, whatever the order given (fields left out or
 * undefined are left out): the canonical form stream writers recognise without parsing (canonical-event.ts).
 */
const builder = <T extends EventType>(type: T) => {
  const names = eventFields(type).map((field) => field.name);
  return (input: EventInput<T>): GameEvent<T> => {
    const given = input as Record<string, unknown>;
    const event: Record<string, unknown> = {};
    for (const name of names) {
      const value = name === 'event_type' ? type : name === 'event_id' ? (given.event_id ?? newEventId()) : given[name];
      if (value !== undefined) event[name] = value;
    }
    // A key no schema has (only untyped code can pass one) stays, after the schema's: validation refuses the event.
    for (const name of Object.keys(given))
      if (!Object.hasOwn(event, name) && given[name] !== undefined) event[name] = given[name];
    return event as GameEvent<T>;
  };
};

/**
 * One constructor per event type, with its parameter type derived from the schemas
 * (event-schemas.ts): `eventBuilders.buy_item({ event_ts, username, item_type, ... })`. A field
 * missing, misspelt or of the wrong type is a compile error, and so is an event type without its builder here.
 */
export const eventBuilders: EventBuilders = {
  default: builder('default'),
  signup: builder('signup'),
  login: builder('login'),
  buy_item: builder('buy_item'),
  join_guild: builder('join_guild'),
};
