import { matchCanonicalEvent } from '../events/canonical-event.js';
import { duplicateTopLevelKey } from '../events/duplicate-key.js';
import { secretFieldPattern } from '../events/event-schemas.js';
import { validateEvent } from '../events/validate-event.js';
import { tableForEventType } from '../events/tables.js';
import type { LogRecord } from '../eventlog/event-log.js';
import { UNROUTED } from './owners.js';

export type Routed =
  | { kind: 'row'; owner: string; eventType: string; eventTs: number }
  | { kind: 'dead'; owner: string; reason: string; raw: string }
  | { kind: 'skip' };

const MAX_DEAD_LETTER_CHARS = 16 * 1024;
const secretAssignment = /((?:pass(?:word)?|cookie|session(?:_id)?|token|secret)\s*[=:]\s*)[^\s&;,"]+/gi;

/** A refused record as kept in the dead-letter table: secret-looking fields blanked, size capped. */
function redactForDeadLetter(value: string, parsed: unknown): string {
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const cleaned = Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, secretFieldPattern.test(k) ? '[redacted]' : v]),
    );
    return JSON.stringify(cleaned).slice(0, MAX_DEAD_LETTER_CHARS);
  }
  return value.replace(secretAssignment, '$1[redacted]').slice(0, MAX_DEAD_LETTER_CHARS);
}

/** A valid event's place: a row of its type's table, or nowhere (a `default` event, which has no table, as in the seed). */
function rowOf(eventType: string, eventTs: number): Routed {
  const table = tableForEventType(eventType);
  return table ? { kind: 'row', owner: table.name, eventType, eventTs } : { kind: 'skip' };
}

/**
 * Decides where a log record goes: a row of its type's table, a dead letter with the reason, or
 * nowhere. A record in the form gamepipe writes is placed without parsing it (canonical-event.ts).
 */
export function routeRecord(record: Pick<LogRecord, 'value'>): Routed {
  const canonical = matchCanonicalEvent(record.value);
  if (canonical) return rowOf(canonical.eventType, canonical.eventTs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value);
  } catch (error) {
    return {
      kind: 'dead',
      owner: UNROUTED,
      reason: `not JSON: ${(error as Error).message}`,
      raw: redactForDeadLetter(record.value, undefined),
    };
  }
  const validation = validateEvent(parsed);
  const table = validation.eventType === undefined ? undefined : tableForEventType(validation.eventType);
  const dead = (reason: string): Routed => ({
    kind: 'dead',
    owner: table?.name ?? UNROUTED,
    reason,
    raw: redactForDeadLetter(record.value, parsed),
  });
  if (!validation.ok) return dead(validation.reason);
  // JSON.parse kept the last of a key's values; the lake's typed columns would take the first.
  const duplicate = duplicateTopLevelKey(record.value);
  if (duplicate !== undefined)
    return dead(`duplicate key ${JSON.stringify(duplicate)}: readers disagree on which of its values counts`);
  return rowOf(validation.eventType, validation.event.event_ts as number);
}
