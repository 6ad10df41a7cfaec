import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isGamepipeError } from '../../src/errors.js';
import { compareAndSwapOf, type LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { tempDir } from '../helpers/temp-dir.js';

const bytes = (text: string) => Buffer.from(text);

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isGamepipeError(error) && error.code === code, `expected ${code}`);
}

const names = async (storage: LakeStorage, dir: string) => (await storage.list(dir)).map((e) => e.name).sort();

/**
 * The rules of the LakeStorage port (src/lake/storage/lake-storage.ts), run against every adapter.
 * `open` gives a store on an empty lake root; `ready` (optional) decides whether the suite can run.
 * Every test here holds on S3 too. What differs there is not tested here but in
 * s3-lake-storage.test.ts: `rename` is not atomic (`atomicRename` false: a fenced copy, then a
 * delete), directories are key prefixes (no modification time: 0), and a new file appears whole.
 */
export function runLakeStorageContract(
  name: string,
  open: () => Promise<LakeStorage>,
  ready: () => Promise<boolean> = async () => true,
): void {
  describe(`LakeStorage contract: ${name}`, () => {
    let storage: LakeStorage;
    let skip = false;
    before(async () => {
      skip = !(await ready());
      if (!skip) storage = await open();
    });
    after(async () => {
      if (!skip) await storage.close();
    });
    const test = (title: string, body: () => Promise<void>) =>
      it(title, async (t) => (skip ? t.skip('service not available') : body()));
    /** For the optional compare-and-swap: run where the adapter has it. */
    const testSwap = (title: string, body: (swap: NonNullable<ReturnType<typeof compareAndSwapOf>>) => Promise<void>) =>
      it(title, async (t) => {
        const swap = skip ? undefined : compareAndSwapOf(storage);
        if (!swap) return t.skip(skip ? 'service not available' : 'no compare-and-swap here (rename fences)');
        await body(swap);
      });

    test('answers ping, lists a missing directory as empty, and stats or reads a missing path as null', async () => {
      await storage.ping();
      assert.deepEqual(await storage.list('nothing/here'), []);
      assert.equal(await storage.stat('nothing/here.txt'), null);
      assert.equal(await storage.read('nothing/here.txt'), null);
    });

    test('create writes a new file with its parents and refuses an existing one, leaving it untouched', async () => {
      await storage.create('a/b/one.txt', bytes('first'));
      assert.equal((await storage.read('a/b/one.txt'))!.toString(), 'first');
      await rejectsWith(storage.create('a/b/one.txt', bytes('second')), 'LAKE_EXISTS');
      assert.equal((await storage.read('a/b/one.txt'))!.toString(), 'first');
      const stat = await storage.stat('a/b/one.txt');
      assert.equal(stat!.size, 5);
      assert.equal(stat!.isDirectory, false);
      assert.equal((await storage.stat('a/b'))!.isDirectory, true);
      assert.deepEqual(await names(storage, 'a'), ['b']);
    });

    test('upload streams a local file into a new file and refuses an existing one', async () => {
      const local = join(tempDir(), 'part.parquet');
      const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      writeFileSync(local, payload);
      await storage.upload(local, 'up/part.parquet');
      assert.ok((await storage.read('up/part.parquet'))!.equals(payload));
      await rejectsWith(storage.upload(local, 'up/part.parquet'), 'LAKE_EXISTS');
    });

    test('says whether its rename is atomic (the commit branches on it)', async () => {
      assert.equal(typeof storage.atomicRename, 'boolean');
      assert.equal(storage.atomicRename, !storage.uri.startsWith('s3://'), 'only object stores lack an atomic rename');
      // Owner leases need one fence or the other.
      if (!storage.atomicRename) assert.ok(compareAndSwapOf(storage), 'a store without an atomic rename swaps');
    });

    testSwap('readVersioned gives the bytes, a version and the time; null for a missing file', async (swap) => {
      assert.equal(await swap.readVersioned('_locks/none.lock'), null);
      await storage.create('_locks/a.lock', bytes('holder one'));
      const read = await swap.readVersioned('_locks/a.lock');
      assert.equal(read!.data.toString(), 'holder one');
      assert.equal(typeof read!.version, 'string');
      assert.ok(read!.version.length > 0);
      assert.ok(Math.abs(read!.modifiedMs - Date.now()) < 60_000, 'the time is the write time');
    });

    testSwap('replaceIfVersion swaps only while the file holds what was read', async (swap) => {
      await storage.create('_locks/b.lock', bytes('stale holder'));
      const stale = (await swap.readVersioned('_locks/b.lock'))!.version;
      const mine = await swap.replaceIfVersion('_locks/b.lock', bytes('taker one'), stale);
      assert.ok(mine, 'the first swap naming the read version wins');
      assert.equal(
        await swap.replaceIfVersion('_locks/b.lock', bytes('taker two'), stale),
        null,
        'a second swap naming the same version loses',
      );
      assert.equal((await storage.read('_locks/b.lock'))!.toString(), 'taker one', 'and wrote nothing');
      assert.equal((await swap.readVersioned('_locks/b.lock'))!.version, mine, 'the version it answered is current');
      assert.ok(await swap.replaceIfVersion('_locks/b.lock', bytes('taker one, renewed'), mine!));
      assert.equal((await storage.read('_locks/b.lock'))!.toString(), 'taker one, renewed');
    });

    testSwap('replaceIfVersion never creates: a file gone or replaced since is not swapped', async (swap) => {
      await storage.create('_locks/c.lock', bytes('holder'));
      const version = (await swap.readVersioned('_locks/c.lock'))!.version;
      await storage.replace('_locks/c.lock', bytes('someone else'));
      assert.equal(await swap.replaceIfVersion('_locks/c.lock', bytes('mine'), version), null);
      assert.equal((await storage.read('_locks/c.lock'))!.toString(), 'someone else');
      await storage.delete('_locks/c.lock');
      assert.equal(await swap.replaceIfVersion('_locks/c.lock', bytes('mine'), version), null);
      assert.equal(await storage.read('_locks/c.lock'), null, 'nothing was created');
    });

    // Holds where rename is a fenced copy too (S3): never overwrites, whatever the store's atomicity.
    test('rename moves a file, creating the destination directory, and never overwrites', async () => {
      await storage.create('_tmp/x.parquet', bytes('x'));
      await storage.rename('_tmp/x.parquet', 'events_buy/dt=2026-11-29/x.parquet');
      assert.equal(await storage.stat('_tmp/x.parquet'), null);
      assert.equal((await storage.read('events_buy/dt=2026-11-29/x.parquet'))!.toString(), 'x');

      await storage.create('_tmp/y.parquet', bytes('y'));
      await rejectsWith(storage.rename('_tmp/y.parquet', 'events_buy/dt=2026-11-29/x.parquet'), 'LAKE_EXISTS');
      assert.equal(
        (await storage.read('events_buy/dt=2026-11-29/x.parquet'))!.toString(),
        'x',
        'the destination is untouched',
      );
      assert.equal((await storage.read('_tmp/y.parquet'))!.toString(), 'y', 'the source is untouched');
    });

    test('rename onto an existing directory fails instead of moving into it', async () => {
      await storage.create('dir/inside.txt', bytes('i'));
      await storage.create('_tmp/z.txt', bytes('z'));
      await rejectsWith(storage.rename('_tmp/z.txt', 'dir'), 'LAKE_EXISTS');
      assert.deepEqual(await names(storage, 'dir'), ['inside.txt']);
    });

    test('rename of a missing file fails with LAKE_NOT_FOUND', async () => {
      await rejectsWith(storage.rename('_tmp/missing.parquet', 'elsewhere/missing.parquet'), 'LAKE_NOT_FOUND');
    });

    test('replace sets a file whether it existed or not, leaving no temporary name behind', async () => {
      await storage.replace('_positions/buy.json', bytes('{"0":1}'));
      await storage.replace('_positions/buy.json', bytes('{"0":2}'));
      assert.equal((await storage.read('_positions/buy.json'))!.toString(), '{"0":2}');
      assert.deepEqual(await names(storage, '_positions'), ['buy.json']);
    });

    test('delete removes a file or a whole directory and says whether there was anything', async () => {
      await storage.create('gone/a.txt', bytes('a'));
      await storage.create('gone/sub/b.txt', bytes('b'));
      assert.equal(await storage.delete('gone/a.txt'), true);
      assert.equal(await storage.delete('gone/a.txt'), false);
      assert.equal(await storage.delete('gone', { recursive: true }), true);
      assert.deepEqual(await storage.list('gone'), []);
    });

    test('mkdirs makes a directory and its parents; making it again is fine', async () => {
      await storage.mkdirs('m/n/o');
      await storage.mkdirs('m/n/o');
      assert.equal((await storage.stat('m/n/o'))!.isDirectory, true);
      assert.deepEqual(await names(storage, 'm/n'), ['o']);
    });

    test('lists names with sizes and kinds', async () => {
      await storage.create('l/f.txt', bytes('12345'));
      await storage.mkdirs('l/d');
      const entries = (await storage.list('l')).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepEqual(
        entries.map((e) => [e.path, e.name, e.isDirectory, e.size]),
        [
          ['l/d', 'd', true, 0],
          ['l/f.txt', 'f.txt', false, 5],
        ],
      );
      assert.ok(entries[1]!.modifiedMs > 0);
    });

    test('refuses paths that would leave the lake', async () => {
      for (const path of ['../escape.txt', '/abs.txt', 'a/../../b.txt', 'a//b.txt']) {
        await rejectsWith(storage.create(path, bytes('no')), 'LAKE_ERROR');
      }
    });
  });
}
