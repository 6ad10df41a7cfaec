import { GamepipeError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "500ms", "2s", "1.5m", "1h" (or a bare number of seconds) in milliseconds. */
export function parseDuration(raw: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!match) throw new GamepipeError('BAD_REQUEST', `${what} must be a duration like 500ms, 10s or 2m, not "${raw}"`);
  const ms = Number(match[1]) * UNITS[match[2] ?? 's']!;
  if (ms <= 0) throw new GamepipeError('BAD_REQUEST', `${what} must be more than zero`);
  return Math.round(ms);
}

export function parseCount(raw: string, what: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new GamepipeError('BAD_REQUEST', `${what} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
}

export function parseChoice<T extends string>(raw: string, choices: readonly T[], what: string): T {
  if (!(choices as readonly string[]).includes(raw))
    throw new GamepipeError('BAD_REQUEST', `${what} must be one of ${choices.join(', ')}, not "${raw}"`);
  return raw as T;
}

/** `--url` of a game server: http(s) only; by default the configured port on this machine. */
export function parseServerUrl(raw: string | undefined, port: number): URL {
  const text = raw ?? `http://127.0.0.1:${port}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GamepipeError('BAD_REQUEST', `--url "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GamepipeError('BAD_REQUEST', '--url must be http:// or https://');
  return url;
}
