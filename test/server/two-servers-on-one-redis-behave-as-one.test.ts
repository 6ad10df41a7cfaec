import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { gamepipeInBackground, type Background } from '../helpers/cli.js';
import { REDIS_URL, requireRedis } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

async function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { headers, redirect: 'manual' });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

const sessionOf = (answer: Answer) =>
  answer.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('session_id='))!;

it('two gamepipe serve on one Redis behave as one: sessions, the login throttle, the signup limit and the operator token are shared', async (t) => {
  if (!(await requireRedis(t))) return;
  const token = randomBytes(24).toString('base64url');
  const env = {
    GAMEPIPE_REDIS_PREFIX: `${uniqueName('gp-two')}:`,
    GAMEPIPE_STATUS_TOKEN: token,
    GAMEPIPE_METRICS_ACCESS: 'token',
    GAMEPIPE_SIGNUP_LIMIT: '3',
    GAMEPIPE_SIGNUP_LIMIT_EXEMPT: 'none',
    GAMEPIPE_LOG_LEVEL: 'debug',
  };
  const servers: Background[] = [];
  after(() => Promise.all(servers.map((s) => s.stop('SIGKILL'))));
  for (let i = 0; i < 2; i++) {
    const flags = ['serve', '--host', '127.0.0.1', '--port', '0', '--redis-url', REDIS_URL, '--data-dir', tempDir()];
    servers.push(await gamepipeInBackground(flags, 'listening on', { env }));
  }
  const [a, b] = servers.map((s) => /listening on (\S+)/.exec(s.output())![1]!) as [string, string];
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const player = uniqueName('p').replace(/[^A-Za-z0-9_.-]/g, '');

  const signedUp = await get(a, `/signup?username=${player}&password=${password}`);
  assert.equal(signedUp.status, 200, signedUp.body);
  const cookie = sessionOf(signedUp);
  const eventIds = [signedUp.headers.get('x-event-id')];
  const bought = await get(b, '/buy/sword?quality=rare', { cookie });
  assert.equal(bought.status, 200, 'the session made on A is valid on B');
  eventIds.push(bought.headers.get('x-event-id'));
  assert.match(eventIds.join(' '), /^[0-9a-f-]{36} [0-9a-f-]{36}$/, 'each answer that appended an event names it');
  assert.equal(JSON.parse((await get(a, '/inventory', { cookie })).body).total, 1, 'A sees what was bought on B');
  assert.equal((await get(b, '/logout', { cookie })).status, 200);
  assert.equal((await get(a, '/inventory', { cookie })).status, 401, 'a logout on B ends the session on A');

  for (let i = 0; i < 5; i++)
    assert.equal((await get(i % 2 ? a : b, `/login?username=${player}&password=wrong${i}`)).status, 401);
  for (const server of [a, b]) {
    const throttled = await get(server, `/login?username=${player}&password=${password}`);
    assert.equal(throttled.status, 429, 'five failures spread over both servers throttle the player on each');
    assert.match(throttled.body, /^Login Failed! Too many failed logins for \S+; try again in \d+ s\.\n$/);
    assert.match(throttled.headers.get('retry-after') ?? '', /^\d+$/);
  }

  assert.equal((await get(b, `/signup?username=${player}-2&password=${password}`)).status, 200);
  assert.equal(
    (await get(a, `/signup?username=${player}-3&password=${password}`)).status,
    200,
    'the third signup from this address',
  );
  const limited = await get(b, `/signup?username=${player}-4&password=${password}`);
  assert.equal(limited.status, 429, 'the fourth signup from one address, over two servers, is refused');
  assert.match(limited.body, /^Signup Failed! Too many signups from your address; try again in \d+ s\.\n$/);
  assert.ok(Number(limited.headers.get('retry-after')) > 500, 'Retry-After counts the rest of the 10-minute window');

  for (const server of [a, b]) {
    assert.equal(
      (await get(server, '/status', { authorization: `Bearer ${token}` })).status,
      200,
      'the configured token opens /status on every server',
    );
    assert.equal((await get(server, '/metrics')).status, 403, '/metrics is protected when asked');
    assert.equal((await get(server, '/metrics', { authorization: `Bearer ${token}` })).status, 200);
  }

  for (const server of servers) assert.equal(await server.stop(), 0);
  const output = servers.map((s) => s.output()).join('\n');
  for (const secret of [password, token, cookie.slice('session_id='.length)])
    assert.equal(output.includes(secret), false, 'a secret reached the server output');
  const requests = output
    .split('\n')
    .filter((line) => line.includes('"component":"http"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(requests.length >= 20, `one request log line per answer (${requests.length})`);
  for (const line of requests) {
    assert.equal(typeof line.route, 'string');
    assert.equal(typeof line.status, 'number');
    assert.equal(typeof line.response_ms, 'number');
  }
  const logged = requests.filter((l) => l.event_id !== undefined);
  assert.deepEqual(
    eventIds.map((id) => logged.find((l) => l.event_id === id)?.route),
    ['/signup', '/buy/:item'],
    'the request log names the event of each answer',
  );
});
