import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type EraseDeps, erasePlayer } from '../../src/erase/erase-player.js';
import { readEraseLedger } from '../../src/erase/erase-ledger.js';
import { GamepipeError } from '../../src/errors.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { OwnerLeases } from '../../src/lake/commit/owner-lease.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { LocalLakeStorage } from '../../src/lake/storage/local/local-lake-storage.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { LakeCatalogRegistry } from '../../src/sql/engines/lake-catalog-registry.js';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import { sampleRecords } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, streamOnce, testConfig } from '../report/simulated-lake.js';
import { gamepipe } from '../helpers/cli.js';

/** The lake store, failing the n-th rename into a generation directory once: an erase killed mid-commit. */
function failingAtRename(storage: LakeStorage, n: number): LakeStorage {
  let seen = 0;
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'rename')
        return async (from: string, to: string) => {
          if (to.includes('/_gen-') && ++seen === n) throw new GamepipeError('LAKE_UNAVAILABLE', 'killed here');
          return target.rename(from, to);
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('gamepipe erase stopped midway', () => {
  it('is finished by the next run with the same pseudonym, and refuses while a writer holds its lease', async () => {
    const dataDir = tempDir();
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(sampleRecords(35));
    await log.close();
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    const storage = new LocalLakeStorage(join(dataDir, 'lake'));
    const state = await EmbeddedStateStore.open(dataDir);
    await state.createUser('user2', 'h', { tokenHash: 't', ttlMs: 60_000 });
    const deps = (lake: LakeStorage): EraseDeps => ({
      storage: lake,
      state,
      scratch: new ScratchDir(join(dataDir, 'scratch'), 'erase'),
      lake: { format: 'hive', locations: new LakeCatalogRegistry(lake), generations: true },
    });
    try {
      const writer = await OwnerLeases.acquire(storage, ['buy+0'], 'gamepipe stream buy');
      await assert.rejects(erasePlayer(deps(storage), 'user2'), (e: GamepipeError) => e.code === 'DATA_DIR_LOCKED');
      await writer.release();
      assert.equal(await readEraseLedger(storage, 'user2'), null, 'refused before anything was written');

      await assert.rejects(erasePlayer(deps(failingAtRename(storage, 2)), 'user2'), /killed here/);
      const stopped = await readEraseLedger(storage, 'user2');
      assert.equal(stopped?.state, 'pending');
      const outcome = await erasePlayer(deps(storage), 'user2');
      assert.equal(outcome.resumed, true);
      assert.equal((await readEraseLedger(storage, 'user2'))?.state, 'done');

      const r = gamepipe([
        'query',
        '--data-dir',
        dataDir,
        '--format',
        'csv',
        `select count(*), count(distinct username), count(distinct username) filter (where username like 'erased-%'),
          count(*) filter (where username = 'user2') from events_buy`,
      ]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n')[1], '21,7,1,0', "every row once, user2's under one pseudonym");
    } finally {
      await state.close();
    }
  });
});
