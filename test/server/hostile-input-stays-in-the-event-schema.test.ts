import assert from 'node:assert/strict';
import fc from 'fast-check';
import { it } from 'node:test';
import { eventFields, type EventType } from '../../src/events/event-schemas.js';
import { validateEvent } from '../../src/events/validate-event.js';
import { sessionCookie, signup, testServer, type TestServer } from '../helpers/game-server.js';
import {
  assertOneLine,
  hostileBytes,
  hostileHeader,
  hostileString,
  urlEncode,
  urlEncodeText,
} from './hostile-input.js';

const RUNS = Number(process.env.GAMEPIPE_PROPERTY_RUNS ?? 100);

/** Every event in the log passes its strict schema (no field outside it) and carries exactly its type's fields. */
async function assertEventsInSchema(server: TestServer): Promise<Record<string, unknown>[]> {
  const events = await server.events();
  assert.ok(events.length > 0, 'the run logged events to check');
  for (const event of events) {
    const validation = validateEvent(event);
    assert.ok(
      validation.ok,
      `event outside the schema: ${validation.ok ? '' : validation.reason} ${JSON.stringify(event).slice(0, 300)}`,
    );
    const allowed = new Set<string>(eventFields(event.event_type as EventType).map((f) => f.name));
    for (const key of Object.keys(event))
      assert.ok(allowed.has(key), `field ${key} is not in the ${String(event.event_type)} schema`);
  }
  return events;
}

it('a malicious username either is refused with no event, or lands verbatim in an event of the signup schema', async () => {
  const server = await testServer({ security: { signupLimit: { perAddress: 0, windowMs: 60_000, exempt: [] } } });
  const username = fc.oneof(
    hostileString,
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'event_type', 'password'),
  );
  await fc.assert(
    fc.asyncProperty(username, hostileString, async (name, password) => {
      const before = (await server.events()).length;
      const response = await server.app.inject({
        url: `/signup?username=${urlEncodeText(name)}&password=${urlEncodeText(password)}`,
      });
      assertOneLine(response, name);
      const events = await server.events();
      if (response.statusCode !== 200) {
        assert.ok(
          response.statusCode >= 400 && response.statusCode < 500,
          `${response.statusCode} for ${JSON.stringify(name)}`,
        );
        assert.equal(events.length, before, 'a refused signup logged nothing');
        return;
      }
      assert.equal(events.length, before + 1);
      const { event_id: eventId, event_ts: _at, ...rest } = events.at(-1)!;
      assert.equal(eventId, response.headers['x-event-id']);
      // Every field is what the request named, whatever its password: nothing of the password is in
      // the event (searching the event for the password instead fails when it is the username).
      assert.deepEqual(rest, {
        event_type: 'signup',
        accept: null,
        host: 'localhost:80',
        user_agent: 'lightMyRequest',
        username: name,
      });
    }),
    { numRuns: Math.ceil(RUNS / 4), examples: [['__proto__', '__proto__']] },
  );
  await assertEventsInSchema(server);
});

it('malicious items, guild names and headers never put a field outside the schema into an event', async () => {
  const server = await testServer();
  const session = await signup(server.app, 'user1');
  const route = fc.oneof(
    hostileBytes.map((b) => `/buy/${urlEncode(b)}`),
    fc.constantFrom('/buy/sword', '/buy/potion?quality=epic&quantity=2', '/'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((g) => `/join_guild/${urlEncodeText(g)}`),
    fc.stringMatching(/^[\p{L}][\p{L}\p{N} _.'-]{0,20}$/u).map((g) => `/join_guild/${urlEncodeText(g)}`),
  );
  const headers = fc.record(
    { 'user-agent': hostileHeader, host: hostileHeader, accept: hostileHeader },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(route, headers, async (url, given) => {
      const response = await server.app.inject({ url, headers: given, cookies: { session_id: session } });
      assertOneLine(response, url);
      if (response.statusCode !== 200) return;
      const [event] = (await server.events()).slice(-1);
      assert.equal(event!.event_id, response.headers['x-event-id'], 'the answer names the event it appended');
      if (given['user-agent'] !== undefined) assert.equal(event!.user_agent, given['user-agent'].slice(0, 512));
      if (given.accept !== undefined) assert.equal(event!.accept, given.accept.slice(0, 512));
    }),
    { numRuns: RUNS },
  );
  const events = await assertEventsInSchema(server);
  assert.ok(
    events.some((e) => e.event_type === 'join_guild') && events.some((e) => e.event_type === 'buy_item'),
    'purchases and joins were among the checked events',
  );
  const login = await server.app.inject({ url: '/login?username=user1&password=pw1' });
  assert.equal(login.statusCode, 200, 'the server still serves');
  assert.ok(sessionCookie(login));
});
