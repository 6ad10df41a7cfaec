import { GamepipeError } from '../errors.js';

// Durations are parsed where the domain (verify's time windows) can use them too.
export { parseDuration } from '../util/parse-duration.js';

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
