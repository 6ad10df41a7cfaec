import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { httpMetrics } from '../../src/metrics/pipeline-sampler.js';
import { serverSecurity } from '../../src/server/run-server.js';
import { STATUS_TOKEN, testServer } from '../helpers/game-server.js';

const configFrom = (env: NodeJS.ProcessEnv) => loadConfig({ flags: {}, env, configFile: undefined });

it('the security settings have sane defaults and take the environment', () => {
  const defaults = serverSecurity(configFrom({}));
  assert.deepEqual(defaults, {
    protectMetrics: false,
    signupLimit: { perAddress: 20, windowMs: 600_000, exempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] },
    trustProxy: [],
  });
  const set = serverSecurity(
    configFrom({
      GAMEPIPE_METRICS_ACCESS: 'token',
      GAMEPIPE_SIGNUP_LIMIT: '5',
      GAMEPIPE_SIGNUP_WINDOW: '90s',
      GAMEPIPE_SIGNUP_LIMIT_EXEMPT: 'none',
      GAMEPIPE_TRUST_PROXY: '10.0.0.2, ::1',
    }),
  );
  assert.deepEqual(set, {
    protectMetrics: true,
    signupLimit: { perAddress: 5, windowMs: 90_000, exempt: [] },
    trustProxy: ['10.0.0.2', '::1'],
  });
});

it('refuses bad security settings in one line, never echoing a token', () => {
  const bad: [NodeJS.ProcessEnv, RegExp][] = [
    [
      { GAMEPIPE_STATUS_TOKEN: 'short-secret' },
      /^invalid status token: expected 16 to 256 printable characters without spaces$/,
    ],
    [{ GAMEPIPE_STATUS_TOKEN: 'a token with spaces in it' }, /^invalid status token/],
    [{ GAMEPIPE_METRICS_ACCESS: 'public' }, /^invalid metrics access "public": expected open or token$/],
    [{ GAMEPIPE_SIGNUP_LIMIT: '-1' }, /^invalid signup limit/],
    [{ GAMEPIPE_SIGNUP_WINDOW: '10 minutes' }, /^invalid signup window/],
    [{ GAMEPIPE_SIGNUP_LIMIT_EXEMPT: 'localhost' }, /^invalid signup limit exemptions "localhost"/],
    [{ GAMEPIPE_REDIS_PREFIX: 'a b' }, /^invalid Redis key prefix/],
  ];
  for (const [env, message] of bad) {
    assert.throws(
      () => configFrom(env),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, message);
        assert.equal(
          error.message.includes('short-secret') || error.message.includes('spaces in it'),
          false,
          'the token is echoed',
        );
        return true;
      },
    );
  }
});

it("a protected /metrics answers 403 in one line without the operator token, and the dashboard's reader sends it", async () => {
  const { app } = await testServer({ security: { protectMetrics: true } });
  const refused = await app.inject({ url: '/metrics' });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.body, 'Metrics needs the operator token: send "Authorization: Bearer <token>".\n');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  await assert.rejects(httpMetrics(url)(), /\/metrics answered 403/);
  assert.match(await httpMetrics(url, 900, STATUS_TOKEN)(), /^# HELP gamepipe_http_requests_total/m);
});
