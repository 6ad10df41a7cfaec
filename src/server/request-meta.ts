import type { IncomingHttpHeaders } from 'node:http';

/** What every event records about the request that caused it: three headers, nothing secret. */
export interface RequestMeta {
  accept: string | null;
  host: string | null;
  userAgent: string | null;
}

const MAX_HEADER_CHARS = 512;

const header = (value: string | string[] | undefined): string | null => {
  const text = Array.isArray(value) ? value.join(', ') : value;
  return text === undefined ? null : text.slice(0, MAX_HEADER_CHARS);
};

export const requestMeta = (headers: IncomingHttpHeaders): RequestMeta => ({
  accept: header(headers.accept),
  host: header(headers.host),
  userAgent: header(headers['user-agent']),
});
