import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { privateRedis } from '../helpers/private-redis.js';
import { tempDir } from '../helpers/temp-dir.js';
import { assertEventsBackedByState } from './events-backed-by-state.js';
import { freePort, loadInBackground, serve, sleep, untilBuying, writers } from './fault-pipeline.js';

const KILLS = 2;

interface StoreChoice {
  name: string;
  /** Extra serve flags, and how to open the store the server used once it is stopped; null: skipped. */
  setUp(t: TestContext, dataDir: string): Promise<{ flags: string[]; open(): Promise<StateStore> } | null>;
}

const stores: StoreChoice[] = [
  {
    name: 'embedded store',
    setUp: async (_t, dataDir) => ({ flags: [], open: () => EmbeddedStateStore.open(dataDir) }),
  },
  {
    name: 'Redis store',
    setUp: async (t) => {
      const redis = await privateRedis(t, await freePort());
      return redis && { flags: ['--redis-url', redis.url], open: () => RedisStateStore.connect(redis.url) };
    },
  },
];

for (const choice of stores) {
  describe(`server killed with SIGKILL under load (${choice.name})`, () => {
    it('no 2xx without its event in the lake, no event without its state change, once restarted', async (t) => {
      const dataDir = tempDir();
      const setup = await choice.setUp(t, dataDir);
      if (setup === null) return;
      const flags = ['--data-dir', dataDir, ...setup.flags];
      const lakeFlags = ['--data-dir', dataDir];
      const port = await freePort();
      let server = await serve(port, flags);
      const writer = await writers(lakeFlags);
      const runFile = join(dataDir, 'run.json');
      const load = loadInBackground(`http://127.0.0.1:${port}`, runFile, [
        '--players',
        '10',
        '--duration',
        '5m',
        '--connections',
        '4',
        '--seed',
        '21',
      ]);
      await untilBuying(`http://127.0.0.1:${port}`);
      for (let kill = 0; kill < KILLS; kill++) {
        await sleep(500 + Math.random() * 1000);
        assert.equal(await server.stop('SIGKILL'), null, 'the server died of the SIGKILL');
        server = await serve(port, flags);
        await untilBuying(`http://127.0.0.1:${port}`, 10);
      }
      load.stop();
      const { code, stderr } = await load.done;
      assert.equal(code, 0, stderr);
      assert.equal(await server.stop(), 0);
      const run = readRun(runFile);
      assert.ok(run.errors > 0, 'the load saw the kills');
      t.diagnostic(
        `accepted ${run.status['2xx']} answers, ${run.errors} connection errors, ${run.unanswered} requests without an answer`,
      );

      await eventuallyLakeEqualsRun(runFile, { flags: lakeFlags });
      assert.equal(await writer.stop(), 0);
      const store = await setup.open();
      try {
        assert.ok((await assertEventsBackedByState(store, lakeFlags)) >= (run.accepted.events.buy_item ?? 0));
      } finally {
        await store.close();
      }
    });
  });
}
