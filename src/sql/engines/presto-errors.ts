import { GamepipeError } from '../../errors.js';

/** Which server a failure came from, to name it in the message and the hint. */
export interface EngineEndpoint {
  engine: 'trino' | 'presto';
  url: string;
}

/** The error object Trino and Presto put in a failed statement's response. */
interface ServerError {
  errorName: string;
  message?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
]);

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const productName = (endpoint: EngineEndpoint) => (endpoint.engine === 'trino' ? 'Trino' : 'Presto');
const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
const isServerError = (value: unknown): value is ServerError => typeof record(value)?.errorName === 'string';

export function engineUnavailable(endpoint: EngineEndpoint, reason: string, cause?: unknown): GamepipeError {
  const name = productName(endpoint);
  return new GamepipeError('ENGINE_UNAVAILABLE', `${name} at ${endpoint.url} ${reason}`, {
    hint: `start ${name}, or check --${endpoint.engine}-url`,
    cause,
  });
}

/**
 * One GamepipeError for whatever presto-client reported: the server's error object (alone, or as
 * `{ message, error, code }` when the first request failed), an Error from the HTTP layer, or an
 * HTTP status with its body.
 */
export function engineError(raw: unknown, endpoint: EngineEndpoint): GamepipeError {
  const wrapper = record(raw);
  const inner = wrapper?.error;
  const server = isServerError(raw) ? raw : isServerError(inner) ? inner : undefined;
  if (server)
    return new GamepipeError('SQL_ERROR', `${server.errorName}: ${oneLine(server.message ?? '')}`, {
      cause: raw,
      engineErrorName: server.errorName,
    });

  const networkCode = [raw, inner]
    .map((e) => record(e)?.code)
    .find((c): c is string => typeof c === 'string' && NETWORK_CODES.has(c));
  if (networkCode) return engineUnavailable(endpoint, `cannot be reached (${networkCode})`, raw);

  const message = oneLine(String(wrapper?.message ?? raw));
  const status = typeof wrapper?.code === 'number' ? wrapper.code : undefined;
  if (message.includes('could not parse response'))
    return engineUnavailable(endpoint, `answered with something that is not ${productName(endpoint)}'s protocol`, raw);
  if (status !== undefined && status >= 500) return engineUnavailable(endpoint, `answered HTTP ${status}`, raw);
  const detail = message.replace(/^execution error:?\s*/, '') || 'no detail';
  return new GamepipeError(
    'SQL_ERROR',
    status === undefined ? `REQUEST_FAILED: ${detail}` : `HTTP_${status}: ${detail}`,
    { cause: raw },
  );
}
