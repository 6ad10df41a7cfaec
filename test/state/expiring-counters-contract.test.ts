import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import type { ExpiringCounters } from '../../src/state/expiring-counters.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { REDIS_URL, requireRedis } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const adapters: { name: string; open(t: TestContext): Promise<StateStore | null> }[] = [
  { name: 'embedded (in process)', open: async () => EmbeddedStateStore.open(tempDir()) },
  {
    name: 'redis',
    open: async (t) =>
      (await requireRedis(t)) ? RedisStateStore.connect(REDIS_URL, `${uniqueName('gp-test')}:`) : null,
  },
];

for (const adapter of adapters) {
  describe(`expiring counters contract: ${adapter.name}`, () => {
    const withCounters = (name: string, body: (counters: ExpiringCounters) => Promise<void>) =>
      it(name, async (t) => {
        const store = await adapter.open(t);
        if (!store) return;
        try {
          await body(store.counters);
        } finally {
          await store.close();
        }
      });

    withCounters('hits count up from one, per key, and report the time left in the window', async (counters) => {
      const first = await counters.hit('a', 60_000);
      assert.equal(first.count, 1);
      assert.ok(first.expiresInMs > 59_000 && first.expiresInMs <= 60_000, String(first.expiresInMs));
      assert.equal((await counters.hit('a', 60_000)).count, 2);
      assert.equal((await counters.hit('b', 60_000)).count, 1, 'keys are independent');
      assert.equal((await counters.hit('a', 60_000)).count, 3);
    });

    withCounters('200 concurrent hits on one key return 200 distinct counts', async (counters) => {
      const readings = await Promise.all(Array.from({ length: 200 }, () => counters.hit('crowd', 60_000)));
      assert.deepEqual(
        readings.map((r) => r.count).sort((x, y) => x - y),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
    });

    withCounters('a counter expires at the end of its fixed window: later hits do not extend it', async (counters) => {
      await counters.hit('w', 400);
      await sleep(250);
      const inside = await counters.hit('w', 400);
      assert.equal(inside.count, 2);
      assert.ok(
        inside.expiresInMs <= 160,
        `the second hit left the window where it was (${inside.expiresInMs} ms left)`,
      );
      await sleep(250);
      const after = await counters.hit('w', 400);
      assert.equal(after.count, 1, 'expired: a new window starts from one');
      assert.ok(after.expiresInMs > 300, 'with a whole window of its own');
    });

    withCounters('reset forgets a key and is idempotent', async (counters) => {
      await counters.hit('r', 60_000);
      await counters.hit('r', 60_000);
      await counters.reset('r');
      await counters.reset('r');
      assert.equal((await counters.hit('r', 60_000)).count, 1);
    });

    withCounters('keys with any characters stay apart', async (counters) => {
      const keys = [
        'signup:::1',
        'signup:127.0.0.1',
        'login-fail:ann',
        'login-fail:ann ',
        'x\u0000y',
        'Ñandú',
        '*',
        '{tag}',
      ];
      for (const key of keys) assert.equal((await counters.hit(key, 60_000)).count, 1, key);
      for (const key of keys) assert.equal((await counters.hit(key, 60_000)).count, 2, key);
    });
  });
}
