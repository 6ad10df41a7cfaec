import { GamepipeError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "2s", "1.5m", "1h", "5d" (or a bare number of seconds) in milliseconds. */
export function parseDuration(raw: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new GamepipeError('BAD_REQUEST', `${what} must be a duration like 500ms, 10s or 2m, not "${raw}"`);
  const ms = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (ms <= 0) throw new GamepipeError('BAD_REQUEST', `${what} must be more than zero`);
  return Math.round(ms);
}
