import { secretFieldPattern } from '../events/event-schemas.js';
import { validateEvent } from '../events/validate-event.js';
import { tableForEventType } from '../events/tables.js';
import type { LogRecord } from '../eventlog/event-log.js';
import { UNROUTED } from '../lake/owners.js';

export type Routed =
  | { kind: 'row'; owner: string; eventType: string; eventTs: number }
  | { kind: 'dead'; owner: string; reason: string; raw: string }
  | { kind: 'skip' };

const MAX_DEAD_LETTER_CHARS = 16 * 1024;
const secretAssignment = /((?:pass(?:word)?|cookie|session(?:_id)?|token|secret)\s*[=:]\s*)[^\s&;,"]+/gi;

/** A refused record as kept in the dead-letter table: secret-looking fields blanked, size capped. */
function redactForDeadLetter(value: string, parsed: unknown): string {
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const cleaned = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, secretFieldPattern.test(k) ? '[redacted]' : v]));
    return JSON.stringify(cleaned).slice(0, MAX_DEAD_LETTER_CHARS);
  }
  return value.replace(secretAssignment, '$1[redacted]').slice(0, MAX_DEAD_LETTER_CHARS);
}

/**
 * Decides where a log record goes: a row of its type's table, a dead letter with the reason, or
 * nowhere (a `default` event, which has no table, as in the seed).
 */
export function routeRecord(record: Pick<LogRecord, 'value'>): Routed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.value);
  } catch (error) {
    return { kind: 'dead', owner: UNROUTED, reason: `not JSON: ${(error as Error).message}`, raw: redactForDeadLetter(record.value, undefined) };
  }
  const validation = validateEvent(parsed);
  if (validation.ok) {
    const table = tableForEventType(validation.eventType);
    return table ? { kind: 'row', owner: table.name, eventType: validation.eventType, eventTs: validation.event.event_ts as number } : { kind: 'skip' };
  }
  const table = validation.eventType === undefined ? undefined : tableForEventType(validation.eventType);
  return { kind: 'dead', owner: table?.name ?? UNROUTED, reason: validation.reason, raw: redactForDeadLetter(record.value, parsed) };
}
