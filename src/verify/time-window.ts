import { parseDuration } from '../util/parse-duration.js';
import { GamepipeError } from '../errors.js';

/** Events accepted from `since` (inclusive) until `until` (exclusive), UTC milliseconds; open ends when absent. */
export interface TimeWindow {
  since?: number;
  until?: number;
}

export const inWindow = (ms: number, window: TimeWindow): boolean =>
  (window.since === undefined || ms >= window.since) && (window.until === undefined || ms < window.until);

const DAY_MS = 86_400_000;

/** Whether a date directory (`dt=2026-11-29`) can hold events of the window. */
export function dayInWindow(dt: string, window: TimeWindow): boolean {
  const start = Date.parse(`${dt.replace(/^dt=/, '')}T00:00:00Z`);
  if (Number.isNaN(start)) return true;
  return (
    (window.until === undefined || start < window.until) &&
    (window.since === undefined || start + DAY_MS > window.since)
  );
}

/** `2026-11-29`, `2026-11-29T10:00:00Z` (a date or time without a zone is UTC), or a duration ago: `30m`, `2h`. */
export function parseInstant(raw: string, what: string, now = Date.now()): number {
  const text = raw.trim();
  if (/^\d+(\.\d+)?(ms|s|m|h)$/.test(text)) return now - parseDuration(text, what);
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(text) || !text.includes('T') ? text : `${text}Z`;
  const ms = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(zoned) : NaN;
  if (Number.isNaN(ms))
    throw new GamepipeError(
      'BAD_REQUEST',
      `${what} must be a UTC date or time like 2026-11-29 or 2026-11-29T10:00:00Z, or a duration ago like 2h, not "${raw}"`,
    );
  return ms;
}

export const describeWindow = (window: TimeWindow) => ({
  since: window.since === undefined ? null : new Date(window.since).toISOString(),
  until: window.until === undefined ? null : new Date(window.until).toISOString(),
});
