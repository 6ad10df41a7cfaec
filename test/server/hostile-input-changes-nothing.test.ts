import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it, type TestContext } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { InjectOptions } from 'fastify';
import type { StateStore } from '../../src/state/state-store.js';
import { signup, STATUS_TOKEN, testServer } from '../helpers/game-server.js';
import { REDIS_URL, requireRedis } from '../helpers/services.js';
import { uniqueName } from '../helpers/temp-dir.js';
import {
  assertOneLine,
  assertOneLineRefusal,
  hostileBytes,
  hostileHeader,
  hostileString,
  prototypeKeys,
  stateOf,
  urlEncode,
  urlEncodeText,
} from './hostile-input.js';

const RUNS = Number(process.env.GAMEPIPE_PROPERTY_RUNS ?? 100);
const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;
const GUILD_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,63}$/u;
const catalog = Catalog.fromFile(undefined);
const ROUTE_NAMES = new Set(['', 'signup', 'login', 'logout', 'inventory', 'status', 'healthz', 'metrics']);

const validCredentials = (value: unknown): boolean => {
  const { username, password } = (value ?? {}) as Record<string, unknown>;
  return (
    typeof username === 'string' &&
    USERNAME.test(username) &&
    typeof password === 'string' &&
    password.length >= 3 &&
    password.length <= 1024
  );
};
const validQuantity = (q: string) =>
  q.trim() !== '' && Number.isInteger(Number(q)) && Number(q) >= 1 && Number(q) <= 1000;
const decodesTo = (bytes: Buffer, test: (text: string) => boolean) => {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) && test(text);
};

const backends: { name: string; runs: number; open(t: TestContext): Promise<StateStore | undefined | null> }[] = [
  { name: 'embedded store', runs: RUNS, open: async () => undefined },
  {
    name: 'redis store',
    runs: Math.ceil(RUNS / 4),
    open: async (t) =>
      (await requireRedis(t)) ? RedisStateStore.connect(REDIS_URL, `${uniqueName('gp-test')}:`) : null,
  },
];

/** A server whose player user1 holds a sword and belongs to a guild; `check` runs a property and asserts after every run that nothing changed. */
async function fixture(
  t: TestContext,
  open: (t: TestContext) => Promise<StateStore | undefined | null>,
  protectMetrics = false,
) {
  const store = await open(t);
  if (store === null) return null;
  const server = await testServer({
    store,
    security: { protectMetrics, signupLimit: { perAddress: 1000, windowMs: 60_000, exempt: [] } },
  });
  const session = await signup(server.app, 'user1', 'pw-user1');
  assert.equal(
    (await server.app.inject({ url: '/buy/sword?quality=rare', cookies: { session_id: session } })).statusCode,
    200,
  );
  assert.equal((await server.app.inject({ url: '/join_guild/red', cookies: { session_id: session } })).statusCode, 200);
  const before = await stateOf(server, ['user1']);
  const prototype = prototypeKeys();
  return {
    server,
    session,
    async unchanged(context: string) {
      assert.deepEqual(await stateOf(server, ['user1']), before, `${context}: the state or the log changed`);
      assert.equal(prototypeKeys(), prototype, `${context}: Object.prototype changed`);
    },
    async stillServes() {
      const bought = await server.app.inject({ url: '/inventory', cookies: { session_id: session } });
      assert.equal(bought.statusCode, 200, 'the player still has a live session');
      assert.equal(bought.json().total, 1);
    },
  };
}

type Fixture = NonNullable<Awaited<ReturnType<typeof fixture>>>;
type Request = InjectOptions & { url: string };

/** Sends each generated request; every answer must be a one-line 4xx refusal that changed nothing. */
async function refusesAll<T>(
  f: Fixture,
  runs: number,
  arbitrary: fc.Arbitrary<T>,
  toRequest: (value: T) => Request,
  examples: T[] = [],
) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const request = toRequest(value);
      const context = `${request.method ?? 'GET'} ${request.url.slice(0, 120)}`;
      const response = await f.server.app.inject(request);
      if (request.method === 'HEAD')
        assert.ok(
          response.statusCode >= 400 && response.statusCode < 500 && response.body === '',
          `${context}: ${response.statusCode}`,
        );
      else assertOneLineRefusal(response, context);
      await f.unchanged(context);
    }),
    { numRuns: runs, examples: examples.map((e) => [e] as [T]) },
  );
  await f.stillServes();
}

for (const backend of backends) {
  describe(`hostile input to every route is refused with one line and changes nothing (${backend.name})`, () => {
    const withFixture = (name: string, body: (f: Fixture) => Promise<void>, protectMetrics = false) =>
      it(name, async (t) => {
        const f = await fixture(t, backend.open, protectMetrics);
        if (f) await body(f);
      });

    withFixture('signup and login refuse malformed credentials in a query string, a form or JSON', (f) => {
      const username = fc.oneof(
        hostileString.filter((s) => !USERNAME.test(s)),
        fc.constant('user1'),
      );
      const carrier = fc.constantFrom('query', 'form', 'json');
      return refusesAll(
        f,
        backend.runs,
        fc.tuple(fc.constantFrom('/signup', '/login'), carrier, username, hostileString),
        ([route, how, user, password]) => {
          const encoded = `username=${urlEncodeText(user)}&password=${urlEncodeText(password)}`;
          if (how === 'query') return { url: `${route}?${encoded}` };
          if (how === 'form')
            return {
              method: 'POST' as const,
              url: route,
              payload: encoded,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            };
          return {
            method: 'POST' as const,
            url: route,
            payload: JSON.stringify({ username: user, password }),
            headers: { 'content-type': 'application/json' },
          };
        },
      );
    });

    withFixture('JSON bodies that are not credentials, or try to pollute prototypes, are refused', (f) => {
      const poisoned = fc.constantFrom(
        '{"__proto__":{"admin":true},"username":"zed","password":"abcdef"}',
        '{"username":"zed","password":"abcdef","__proto__":{"username":"root"}}',
        '{"constructor":{"prototype":{"admin":true}},"username":"zed","password":"abcdef"}',
        '{"username":["zed"],"password":"abcdef"}',
        '{"username":{"toString":"zed"},"password":"abcdef"}',
        '{"username":"zed","password":"abcdef"',
        '{"username":"zed","password":"abcdef"}{}',
        '\u0000',
        `{"username":"zed","password":"${'a'.repeat(17_000)}"}`,
      );
      const json = fc.oneof(
        poisoned,
        fc
          .jsonValue()
          .filter((v) => !validCredentials(v))
          .map((v) => JSON.stringify(v)),
      );
      return refusesAll(f, backend.runs, fc.tuple(fc.constantFrom('/signup', '/login'), json), ([url, payload]) => ({
        method: 'POST' as const,
        url,
        payload,
        headers: { 'content-type': 'application/json' },
      }));
    });

    withFixture('a purchase of an unknown or malformed item is refused', (f) => {
      const item = hostileBytes.filter((b) => !decodesTo(b, (text) => catalog.item(text) !== undefined));
      return refusesAll(
        f,
        backend.runs,
        fc.tuple(item, fc.constantFrom<'GET' | 'POST'>('GET', 'POST')),
        ([bytes, method]) => ({ method, url: `/buy/${urlEncode(bytes)}`, cookies: { session_id: f.session } }),
      );
    });

    withFixture('a purchase with a malformed quality or quantity is refused', (f) => {
      const quality = hostileString
        .filter((q) => catalog.quality(q) === undefined)
        .map((q) => `quality=${urlEncodeText(q)}`);
      const quantity = fc
        .oneof(hostileString, fc.double().map(String), fc.integer().map(String))
        .filter((q) => !validQuantity(q))
        .map((q) => `quantity=${urlEncodeText(q)}`);
      const query = fc.oneof(
        quality,
        quantity,
        fc.tuple(quality, quantity).map((q) => q.join('&')),
        fc.constant('quantity=1&quantity=2'),
      );
      // Infinities once passed the route's schema (its coercion) and reached the store.
      const infinities = ['quantity=-Infinity', 'quantity=Infinity', 'quantity=1e400', 'quantity=-1e400'];
      return refusesAll(
        f,
        backend.runs,
        query,
        (q) => ({ url: `/buy/sword?${q}`, cookies: { session_id: f.session } }),
        infinities,
      );
    });

    withFixture('a guild name with anything but letters, digits and a little punctuation is refused', (f) => {
      const guild = hostileBytes.filter((b) => !decodesTo(b, (text) => GUILD_NAME.test(text)));
      return refusesAll(f, backend.runs, guild, (bytes) => ({
        url: `/join_guild/${urlEncode(bytes)}`,
        cookies: { session_id: f.session },
      }));
    });

    withFixture('a hostile, forged or duplicated session cookie opens no session on any route', (f) => {
      const cookie = fc.oneof(
        hostileHeader.map((v) => `session_id=${v}`),
        hostileHeader,
        fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `session_id=${token}`),
        fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `session_id=${token}; session_id=${token}x`),
        fc.constant(`session_id=${'A'.repeat(7000)}`),
      );
      const route = fc.constantFrom(
        '/buy/sword',
        '/join_guild/red',
        '/inventory',
        '/buy/sword?quality=rare&quantity=3',
      );
      return refusesAll(f, backend.runs, fc.tuple(route, cookie), ([url, header]) => ({
        url,
        headers: { cookie: header },
      }));
    });

    withFixture(
      "status refuses every token but the operator's; so does /metrics when protected",
      (f) => {
        const authorization = fc.oneof(
          hostileHeader,
          hostileHeader.map((v) => `Bearer ${v}`),
          fc.constant(`Bearer ${STATUS_TOKEN} `),
          fc.constant(`Bearer ${STATUS_TOKEN.slice(0, -1)}`),
          fc.constant(`bearer ${STATUS_TOKEN}`),
        );
        return refusesAll(
          f,
          backend.runs,
          fc.tuple(fc.constantFrom('/status', '/metrics', '/status?players=5'), authorization),
          ([url, header]) => ({ url, headers: { authorization: header } }),
        );
      },
      true,
    );

    withFixture('status refuses a malformed players count even with the token', (f) => {
      // The query schema coerces numeric text (" 7 ", "7.0", "0x7") as Number() does: only text that is no count from 0 to 10,000 is hostile here.
      const players = hostileString.filter(
        (p) => p === '' || !Number.isInteger(Number(p)) || Number(p) < 0 || Number(p) > 10_000,
      );
      return refusesAll(f, backend.runs, players, (p) => ({
        url: `/status?players=${urlEncodeText(p)}`,
        headers: { authorization: `Bearer ${STATUS_TOKEN}` },
      }));
    });

    withFixture('unknown paths and methods are refused', (f) => {
      const path = hostileBytes
        .filter((b) => !decodesTo(b, (text) => ROUTE_NAMES.has(text.replace(/\/+$/, ''))))
        .map((b) => `/${urlEncode(b)}`);
      const knownPath = fc.constantFrom(
        '/',
        '/signup?username=zed&password=abcdef',
        '/buy/sword',
        '/join_guild/red',
        '/status',
        '/inventory',
      );
      const method = fc.constantFrom<'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD'>(
        'PUT',
        'DELETE',
        'PATCH',
        'OPTIONS',
        'HEAD',
      );
      const request = fc.oneof(
        path.map((url) => ({ url })),
        fc.tuple(method, fc.oneof(path, knownPath)).map(([m, url]) => ({ method: m, url })),
      );
      return refusesAll(f, backend.runs, request, (r) => ({ ...r, cookies: { session_id: f.session } }));
    });

    withFixture("logout with a hostile cookie answers its one line and ends no one else's session", async (f) => {
      await fc.assert(
        fc.asyncProperty(hostileHeader, async (value) => {
          const response = await f.server.app.inject({ url: '/logout', headers: { cookie: `session_id=${value}` } });
          assert.equal(response.statusCode, 200);
          assertOneLine(response, 'logout');
          await f.unchanged('logout');
        }),
        { numRuns: backend.runs },
      );
      await f.stillServes();
    });
  });
}
