import { GamepipeError } from '../errors.js';

export const DAY_MS = 86_400_000;

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** The days from `first` to `last` (UTC, `YYYY-MM-DD`), both included. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let ms = dayMs(first); ms <= dayMs(last); ms += DAY_MS) days.push(utcDay(ms));
  return days;
}

/**
 * The report's first day from `--since`: `30d` or `4w` back from today (UTC; `30d` reaches the
 * day 30 days ago, so a month simulated up to yesterday is all in), or a date `2026-11-01`.
 */
export function parseSince(raw: string, now: number = Date.now()): string {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const span = /^(\d{1,4})([dw])$/.exec(raw.trim());
  if (span) {
    const days = Number(span[1]) * (span[2] === 'w' ? 7 : 1);
    if (days < 1) throw new GamepipeError('BAD_REQUEST', '--since must be at least 1d');
    return utcDay(today - days * DAY_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(dayMs(raw))) return raw;
  throw new GamepipeError('BAD_REQUEST', `--since must be like 30d, 4w or 2026-11-01, not "${raw}"`);
}
