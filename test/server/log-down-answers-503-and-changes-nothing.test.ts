import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { sessionCookie, signup, testServer } from '../helpers/game-server.js';
import { REDIS_URL, requireRedis } from '../helpers/services.js';
import { uniqueName } from '../helpers/temp-dir.js';

const stores: { name: string; open(t: TestContext): Promise<StateStore | undefined | null> }[] = [
  { name: 'embedded store', open: async () => undefined },
  {
    name: 'redis store',
    open: async (t) =>
      (await requireRedis(t)) ? RedisStateStore.connect(REDIS_URL, `${uniqueName('gp-test')}:`) : null,
  },
];

for (const { name, open } of stores) {
  describe(`with the event log down (${name})`, () => {
    it('every action answers 503 with one line, changes nothing, and logs no event', async (t) => {
      const store = await open(t);
      if (store === null) return;
      const { app, log, events } = await testServer({ store });
      const session = await signup(app, 'user1');
      await app.inject({ url: '/buy/sword?quality=rare', cookies: { session_id: session } });
      await app.inject({ url: '/join_guild/red', cookies: { session_id: session } });
      const eventsBefore = await events();

      log.injectFault(new Error('disk gone'));
      const attempts = [
        '/buy/sword?quality=rare',
        '/buy/potion',
        '/join_guild/blue',
        '/signup?username=user2&password=pw2',
        '/login?username=user1&password=pw1',
        '/',
      ];
      for (const url of attempts) {
        const response = await app.inject({ url, cookies: { session_id: session } });
        assert.equal(response.statusCode, 503, url);
        assert.match(response.body, /^Service unavailable: .*nothing was changed, try again\.\n$/, url);
      }
      const health = await app.inject({ url: '/healthz' });
      assert.equal(health.statusCode, 503);
      log.injectFault(null);

      const inventory = await app.inject({ url: '/inventory', cookies: { session_id: session } });
      assert.equal(inventory.statusCode, 200, 'the failed login did not revoke the live session');
      assert.deepEqual(inventory.json().items, [{ item_type: 'sword', quality: 'rare', count: 1 }]);
      const rejoin = await app.inject({ url: '/join_guild/green', cookies: { session_id: session } });
      assert.equal(rejoin.statusCode, 200);
      assert.equal(
        (await app.inject({ url: '/login?username=user2&password=pw2' })).statusCode,
        401,
        'the refused signup left no account',
      );
      const after = await events();
      assert.equal(after.length, eventsBefore.length + 1, 'only the last join is new');
      assert.equal(after.at(-1)!.previous_guild, 'red', 'the refused join to blue was undone');
      const metrics = await app.inject({ url: '/metrics' });
      assert.match(metrics.body, /gamepipe_event_append_errors_total 6/);
    });

    it('a 2xx answer means the event is already in the log', async (t) => {
      const store = await open(t);
      if (store === null) return;
      const { app, events } = await testServer({ store });
      const login = await app.inject({ url: '/signup?username=ann&password=pw1' });
      const session = sessionCookie(login);
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => app.inject({ url: '/buy/shield', cookies: { session_id: session } })),
      );
      assert.ok(answers.every((a) => a.statusCode === 200));
      assert.equal((await events()).filter((e) => e.event_type === 'buy_item').length, 200);
    });
  });
}
