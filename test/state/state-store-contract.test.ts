import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { REDIS_URL, requireRedis } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const HOUR = 3_600_000;
const sword = { itemType: 'sword', quality: 'common' };

interface Adapter {
  name: string;
  open(t: TestContext): Promise<StateStore | null>;
}

const adapters: Adapter[] = [
  { name: 'embedded', open: async () => EmbeddedStateStore.open(tempDir()) },
  {
    name: 'redis',
    open: async (t) =>
      (await requireRedis(t)) ? RedisStateStore.connect(REDIS_URL, `${uniqueName('gp-test')}:`) : null,
  },
];

for (const adapter of adapters) {
  describe(`state store contract: ${adapter.name}`, () => {
    const withStore = (name: string, body: (store: StateStore) => Promise<void>) =>
      it(name, async (t) => {
        const store = await adapter.open(t);
        if (!store) return;
        try {
          await body(store);
        } finally {
          await store.close();
        }
      });

    withStore('1,000 concurrent purchases by one user leave exactly 1,000 items', async (store) => {
      await store.createUser('user1', 'hash', { tokenHash: 't1', ttlMs: HOUR });
      const results = await Promise.all(Array.from({ length: 1000 }, () => store.addItems('t1', HOUR, sword, 1)));
      assert.equal(results.filter((r) => r !== null).length, 1000);
      assert.deepEqual(await store.inventory('user1'), [{ ...sword, count: 1000 }]);
      const counts = results.map((r) => r!.inventoryCount).sort((a, b) => a - b);
      assert.deepEqual(
        counts,
        Array.from({ length: 1000 }, (_, i) => i + 1),
        'each purchase saw its own count',
      );
    });

    withStore('refuses a taken username and keeps the first account', async (store) => {
      assert.equal(await store.createUser('ann', 'h1', { tokenHash: 'a1', ttlMs: HOUR }), true);
      assert.equal(await store.createUser('ann', 'h2', { tokenHash: 'a2', ttlMs: HOUR }), false);
      assert.equal(await store.passwordHash('ann'), 'h1');
      assert.equal(await store.touchSession('a2', HOUR), null);
    });

    withStore('a new session revokes the previous one and says which; closing a session ends it', async (store) => {
      await store.createUser('ann', 'h', { tokenHash: 'old', ttlMs: HOUR });
      const replaced = await store.openSession('ann', { tokenHash: 'new', ttlMs: HOUR });
      assert.equal(replaced?.tokenHash, 'old');
      assert.ok(replaced.ttlMs > HOUR - 5000 && replaced.ttlMs <= HOUR);
      assert.equal(await store.touchSession('old', HOUR), null);
      assert.equal(await store.touchSession('new', HOUR), 'ann');
      await store.closeSession('new');
      assert.equal(await store.touchSession('new', HOUR), null);
    });

    withStore('sessions expire when idle, and each use slides the expiry', async (store) => {
      await store.createUser('ann', 'h', { tokenHash: 's', ttlMs: 300 });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(await store.touchSession('s', 300), 'ann', 'used within its idle time');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal((await store.addItems('s', 300, sword, 1)) !== null, true, 'the earlier use slid the expiry');
      await new Promise((r) => setTimeout(r, 450));
      assert.equal(await store.touchSession('s', 300), null, 'idle past its time');
      assert.equal(await store.addItems('s', 300, sword, 1), null);
    });

    withStore('purchases and guilds can be undone exactly', async (store) => {
      await store.createUser('ann', 'h', { tokenHash: 's', ttlMs: HOUR });
      await store.addItems('s', HOUR, sword, 3);
      await store.removeItems('ann', sword, 2);
      assert.deepEqual(await store.inventory('ann'), [{ ...sword, count: 1 }]);
      const first = await store.joinGuild('s', HOUR, 'red');
      assert.deepEqual(first, { username: 'ann', previousGuild: null });
      const second = await store.joinGuild('s', HOUR, 'blue');
      assert.deepEqual(second, { username: 'ann', previousGuild: 'red' });
      await store.restoreGuild('ann', 'blue', 'red');
      assert.deepEqual(await store.joinGuild('s', HOUR, 'green'), { username: 'ann', previousGuild: 'red' });
    });

    withStore('deleting a user removes its account and session', async (store) => {
      await store.createUser('ann', 'h', { tokenHash: 's', ttlMs: HOUR });
      await store.deleteUser('ann');
      assert.equal(await store.passwordHash('ann'), null);
      assert.equal(await store.touchSession('s', HOUR), null);
      assert.equal(await store.createUser('ann', 'h2', { tokenHash: 's2', ttlMs: HOUR }), true);
    });

    withStore('a player key is made once, found by its id, and destroyed with the account', async (store) => {
      assert.equal(await store.playerKey('nobody'), null, 'no account, no key');
      await store.createUser('ann', 'h', { tokenHash: 's', ttlMs: HOUR });
      const keys = await Promise.all(Array.from({ length: 20 }, () => store.playerKey('ann')));
      assert.equal(
        new Set(keys.map((k) => `${k!.id}:${k!.key.toString('hex')}`)).size,
        1,
        'concurrent asks get one key',
      );
      assert.equal(keys[0]!.key.length, 32);
      assert.deepEqual(
        [...(await store.keysById([keys[0]!.id, 'ffffffffffffffffffffffff']))],
        [[keys[0]!.id, keys[0]!.key]],
      );
      await store.deleteUser('ann');
      assert.equal((await store.keysById([keys[0]!.id])).size, 0, 'gone with the account');
      await store.createUser('ann', 'h2', { tokenHash: 's2', ttlMs: HOUR });
      assert.notEqual((await store.playerKey('ann'))!.id, keys[0]!.id, 'a new account of the same name gets a new key');
    });

    withStore('status counts users and live sessions and lists players without secrets', async (store) => {
      await store.createUser('bob', 'hash-b', { tokenHash: 'b', ttlMs: HOUR });
      await store.createUser('ann', 'hash-a', { tokenHash: 'a', ttlMs: HOUR });
      await store.addItems('a', HOUR, sword, 2);
      await store.joinGuild('b', HOUR, 'red');
      await store.closeSession('b');
      const status = await store.status(10);
      assert.equal(status.users, 2);
      assert.equal(status.activeSessions, 1);
      assert.deepEqual(status.players, [
        { username: 'ann', guild: null, items: 2 },
        { username: 'bob', guild: 'red', items: 0 },
      ]);
    });
  });
}

describe('embedded state store durability', () => {
  it('survives a restart with inventories, guilds and sessions', async () => {
    const dir = tempDir();
    const first = await EmbeddedStateStore.open(dir);
    await first.createUser('ann', 'h', { tokenHash: 's', ttlMs: HOUR });
    await Promise.all(Array.from({ length: 50 }, () => first.addItems('s', HOUR, sword, 1)));
    await first.joinGuild('s', HOUR, 'red');
    await first.close();
    const second = await EmbeddedStateStore.open(dir);
    assert.deepEqual(await second.inventory('ann'), [{ ...sword, count: 50 }]);
    assert.equal(await second.touchSession('s', HOUR), 'ann');
    assert.deepEqual(await second.joinGuild('s', HOUR, 'blue'), { username: 'ann', previousGuild: 'red' });
    await second.close();
  });

  it('a failed journal write changes nothing', async () => {
    const store = await EmbeddedStateStore.open(tempDir());
    await store.createUser('ann', 'h', { tokenHash: 's', ttlMs: HOUR });
    store.injectFault(new Error('disk full'));
    await assert.rejects(store.addItems('s', HOUR, sword, 1), { code: 'STATE_UNAVAILABLE' });
    store.injectFault(null);
    assert.deepEqual(await store.inventory('ann'), []);
    await store.close();
  });
});
