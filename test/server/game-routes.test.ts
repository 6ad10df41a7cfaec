import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SegmentReader } from '../../src/eventlog/embedded/segment-reader.js';
import { openPersonalFields } from '../../src/events/personal-fields.js';
import { sessionCookie, signup, STATUS_TOKEN, testServer } from '../helpers/game-server.js';

describe('game routes answer like the seed, with the right status codes', () => {
  it('serves the default response and logs a default event', async () => {
    const { app, events } = await testServer();
    const response = await app.inject({ url: '/', headers: { 'user-agent': 'probe/1' } });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'This is the default response!\n');
    const [event] = await events();
    assert.equal(event!.event_type, 'default');
    assert.equal(event!.user_agent, 'probe/1');
  });

  it('signs up with a GET query, sets an HttpOnly SameSite session cookie, refuses a taken name with 409', async () => {
    const { app } = await testServer();
    const response = await app.inject({ url: '/signup?username=user1&password=pw1' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, 'Signup successful! Welcome user1.\n');
    const cookie = response.cookies.find((c) => c.name === 'session_id')!;
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.ok(Buffer.from(cookie.value, 'base64url').length >= 16, 'session id carries at least 128 bits');
    const again = await app.inject({ url: '/signup?username=user1&password=other' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.body, 'Signup Failed! This username already exists.\n');
  });

  it('accepts signup and login as POST with a form or a JSON body', async () => {
    const { app } = await testServer();
    const form = await app.inject({
      method: 'POST',
      url: '/signup',
      payload: 'username=ann&password=secret1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.statusCode, 200);
    const json = await app.inject({ method: 'POST', url: '/login', payload: { username: 'ann', password: 'secret1' } });
    assert.equal(json.statusCode, 200);
    assert.equal(json.body, 'Login successful! Welcome ann.\n');
  });

  it('answers 400 with one line for missing or malformed input', async () => {
    const { app } = await testServer();
    const cases: [string, string][] = [
      ['/signup?password=pw1', 'Signup Failed! Please provide a username.\n'],
      ['/signup?username=bob', 'Signup Failed! Please provide a password.\n'],
      [
        '/signup?username=bad%20name&password=pw1',
        'Signup Failed! A username is 1 to 64 letters, digits, ".", "_" or "-".\n',
      ],
      ['/login?username=bob', 'Login Failed! Please provide a password.\n'],
    ];
    for (const [url, body] of cases) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.body, body, url);
    }
    const badJson = await app.inject({
      method: 'POST',
      url: '/login',
      payload: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(badJson.statusCode, 400);
    assert.equal(badJson.body.trim().split('\n').length, 1);
  });

  it('buys with the seed texts: 200 for a known item, 404 for an unknown one, 401 without a live session', async () => {
    const { app, events } = await testServer();
    const session = await signup(app, 'user1');
    const bought = await app.inject({
      url: '/buy/sword',
      cookies: { session_id: session },
      headers: { host: 'user1.comcast.com' },
    });
    assert.equal(bought.statusCode, 200);
    assert.equal(bought.body, 'Bought a sword!\n');
    const unknown = await app.inject({ url: '/buy/laser', cookies: { session_id: session } });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.body, 'The store does not have that item in stock.\n');
    const anonymous = await app.inject({ url: '/buy/sword' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.body, 'No active session found! Please login.\n');
    const forged = await app.inject({ url: '/buy/sword', cookies: { session_id: '68231' } });
    assert.equal(forged.statusCode, 401);
    const buys = (await events()).filter((e) => e.event_type === 'buy_item');
    assert.equal(buys.length, 1, 'only the accepted purchase is an event');
    assert.equal(buys[0]!.host, 'user1.comcast.com');
  });

  it('never acts on a HEAD request', async () => {
    const { app, events } = await testServer();
    const session = await signup(app, 'user1');
    for (const url of ['/buy/sword', '/join_guild/red', '/']) {
      assert.equal((await app.inject({ method: 'HEAD', url, cookies: { session_id: session } })).statusCode, 404, url);
    }
    assert.deepEqual(
      (await events()).map((e) => e.event_type),
      ['signup'],
    );
  });

  it('honours quality and quantity, refuses bad ones with 400 and changes nothing', async () => {
    const { app, events } = await testServer();
    const session = await signup(app, 'user1');
    const ok = await app.inject({ url: '/buy/potion?quality=epic&quantity=3', cookies: { session_id: session } });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['x-item-quality'], 'epic');
    for (const query of ['quality=shiny', 'quantity=0', 'quantity=abc', 'quantity=1001', 'quantity=1.5']) {
      const bad = await app.inject({ url: `/buy/potion?${query}`, cookies: { session_id: session } });
      assert.equal(bad.statusCode, 400, query);
    }
    const inventory = await app.inject({ url: '/inventory', cookies: { session_id: session } });
    assert.deepEqual(inventory.json(), {
      username: 'user1',
      total: 3,
      items: [{ item_type: 'potion', quality: 'epic', count: 3 }],
    });
    const buy = (await events()).find((e) => e.event_type === 'buy_item')!;
    assert.equal(buy.quantity, 3);
    assert.equal(buy.price, 80, 'potion at 10 times the epic multiplier 8');
    assert.equal(buy.total_price, 240);
    assert.equal(buy.item_count, 3);
    assert.equal(buy.inventory_count, 3);
    assert.equal('inventory' in buy, false, 'the event carries counts, not the whole inventory');
  });

  it('draws an unspecified quality from the drop odds', async () => {
    const draws = [0.999, 0.1];
    const { app, events } = await testServer({ random: () => draws.shift() ?? 0.5 });
    const session = await signup(app, 'user1');
    await app.inject({ url: '/buy/sword', cookies: { session_id: session } });
    await app.inject({ url: '/buy/sword', cookies: { session_id: session } });
    const qualities = (await events()).filter((e) => e.event_type === 'buy_item').map((e) => e.item_quality);
    assert.deepEqual(qualities, ['legendary', 'common']);
  });

  it('filters the inventory by item type and quality', async () => {
    const { app } = await testServer();
    const session = await signup(app, 'user1');
    for (const url of ['/buy/sword?quality=rare', '/buy/sword?quality=common', '/buy/shield?quality=rare']) {
      assert.equal((await app.inject({ url, cookies: { session_id: session } })).statusCode, 200);
    }
    const swords = await app.inject({ url: '/inventory?item_type=sword', cookies: { session_id: session } });
    assert.equal(swords.json().total, 2);
    const rare = await app.inject({ url: '/inventory?quality=rare', cookies: { session_id: session } });
    assert.deepEqual(
      rare.json().items.map((i: { item_type: string }) => i.item_type),
      ['shield', 'sword'],
    );
  });

  it('joins a guild and refuses a guild name with control characters', async () => {
    const { app, events } = await testServer();
    const session = await signup(app, 'user1');
    const joined = await app.inject({ url: '/join_guild/Knights%20of%20Ni', cookies: { session_id: session } });
    assert.equal(joined.statusCode, 200);
    assert.equal(joined.body, 'Joined a Guild!\n');
    const bad = await app.inject({ url: '/join_guild/a%0Ab', cookies: { session_id: session } });
    assert.equal(bad.statusCode, 400);
    const event = (await events()).find((e) => e.event_type === 'join_guild')!;
    assert.equal(event.guild_name, 'Knights of Ni');
  });

  it('issues a new session at each login and revokes the old one; logout ends the session', async () => {
    const { app } = await testServer();
    const first = await signup(app, 'user1');
    const login = await app.inject({ url: '/login?username=user1&password=pw1' });
    const second = sessionCookie(login);
    assert.notEqual(first, second);
    assert.equal((await app.inject({ url: '/buy/sword', cookies: { session_id: first } })).statusCode, 401);
    assert.equal((await app.inject({ url: '/buy/sword', cookies: { session_id: second } })).statusCode, 200);
    await app.inject({ url: '/logout', cookies: { session_id: second } });
    assert.equal((await app.inject({ url: '/buy/sword', cookies: { session_id: second } })).statusCode, 401);
  });

  it('answers a wrong password and an unknown user alike, with 401', async () => {
    const { app } = await testServer();
    await signup(app, 'user1');
    const wrong = await app.inject({ url: '/login?username=user1&password=nope' });
    const unknown = await app.inject({ url: '/login?username=ghost&password=nope' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.body, unknown.body);
  });

  it('refuses logins with 429 after five failures in a row for a player, and lets the real player in after the window', async () => {
    const { app } = await testServer();
    await signup(app, 'user1');
    for (let i = 0; i < 5; i++)
      assert.equal((await app.inject({ url: '/login?username=user1&password=guess' + i })).statusCode, 401);
    const blocked = await app.inject({ url: '/login?username=user1&password=pw1' });
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /^Login Failed! Too many failed logins for user1; try again in \d+ s\.\n$/);
    assert.equal(
      (await app.inject({ url: '/login?username=user2&password=x12' })).statusCode,
      401,
      'other players are not affected',
    );
  });

  it('never puts a password, a hash, a cookie or a session id into an event', async () => {
    const { app, events } = await testServer();
    const session = await signup(app, 'user1', 'hunter2secret');
    await app.inject({ url: '/login?username=user1&password=hunter2secret', cookies: { session_id: session } });
    await app.inject({ url: '/buy/sword', cookies: { session_id: session } });
    const all = JSON.stringify(await events());
    for (const secret of ['hunter2secret', session, 'scrypt$', 'session_id', 'Cookie', 'cookie']) {
      assert.equal(all.includes(secret), false, `events contain ${secret}`);
    }
  });

  it('shows /status only with the operator token, and never passwords or sessions', async () => {
    const { app } = await testServer();
    const session = await signup(app, 'user1', 'topsecret');
    assert.equal((await app.inject({ url: '/status' })).statusCode, 403);
    assert.equal((await app.inject({ url: '/status', headers: { authorization: 'Bearer wrong' } })).statusCode, 403);
    const status = await app.inject({ url: '/status', headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
    assert.equal(status.statusCode, 200);
    const body = status.json();
    assert.equal(body.users, 1);
    assert.equal(body.active_sessions, 1);
    assert.deepEqual(body.players, [{ username: 'user1', guild: null, items: 0 }]);
    assert.equal(status.body.includes('topsecret'), false);
    assert.equal(status.body.includes(session), false);
  });

  it('exposes Prometheus metrics: requests, events appended, append errors', async () => {
    const { app } = await testServer();
    const session = await signup(app, 'user1');
    await app.inject({ url: '/buy/sword', cookies: { session_id: session } });
    const metrics = await app.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.headers['content-type'] as string, /text\/plain/);
    assert.match(metrics.body, /gamepipe_events_appended_total\{event_type="buy_item"\} 1/);
    assert.match(metrics.body, /gamepipe_http_requests_total\{route="\/buy\/:item",status="200"\} 1/);
    assert.match(metrics.body, /gamepipe_event_append_errors_total 0/);
  });

  it('answers a malformed or over-long URL with one line of text', async () => {
    const { app } = await testServer();
    const malformed = await app.inject({ url: '/buy/%E0%A4%A' });
    assert.equal(malformed.statusCode, 400);
    assert.match(malformed.body, /^Bad request: .*\n$/);
    const long = await app.inject({ url: `/buy/${'a'.repeat(5000)}` });
    assert.equal(long.statusCode, 414);
    assert.equal(long.body.split('\n').length, 2);
  });

  it('answers 404 with one line for an unknown route', async () => {
    const { app } = await testServer();
    const response = await app.inject({ url: '/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.body, 'Not found.\n');
  });

  it('with personal fields sealed, logs no name: each field under the player key, the record keyed by its id', async () => {
    const { app, dataDir, store } = await testServer({ sealPersonalFields: true });
    await signup(app, 'zoe');
    const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'test' });
    const [record] = await reader.poll(10, 0);
    await reader.close();
    assert.ok(!record!.value.includes('zoe') && !record!.key!.includes('zoe'), record!.value);
    const key = (await store.playerKey('zoe'))!;
    assert.equal(record!.key, key.id);
    const opened = JSON.parse(openPersonalFields(record!.value, (id) => (id === key.id ? key.key : null)));
    assert.equal(opened.username, 'zoe');
    assert.equal(opened.event_type, 'signup');
  });
});
