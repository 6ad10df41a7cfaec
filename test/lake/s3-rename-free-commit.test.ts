import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { ObjectStoreTableFormat } from '../../src/lake/commit/object-store-table-format.js';
import { committedFiles } from '../../src/lake/lake-files.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import type { PendingUploads } from '../../src/lake/storage/pending-uploads.js';
import type { S3LakeStorage } from '../../src/lake/storage/s3/s3-lake-storage.js';
import { eachRowOnce, logOffsetsIn, logOfSampleEvents, streamAllOnce } from '../helpers/each-row-once.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freshS3Lake, requireS3 } from './s3-test-server.js';

const EVENTS = 60;
const TABLES = ['events_buy', 'events_guild', 'events_user'];
const stream = (dataDir: string, storage: LakeStorage, sizes = { batch: 20, file: 4 }) =>
  streamAllOnce(dataDir, storage, { maxBatchRecords: sizes.batch, maxFileRows: sizes.file });

/** The log offsets of every row a listing reader (Trino's Hive connector) would count, per table. */
async function rowsSeen(storage: LakeStorage): Promise<Record<string, number[]>> {
  const seen: Record<string, number[]> = {};
  for (const table of [...TABLES, 'events_dead_letter/buy'])
    seen[table] = await logOffsetsIn(
      storage,
      (await committedFiles(storage, table)).map((file) => file.path),
    );
  return seen;
}

const { events_dead_letter, ...tableRows } = eachRowOnce(EVENTS);
const EACH_ROW_ONCE = { ...tableRows, 'events_dead_letter/buy': events_dead_letter };

async function assertEachRowOnce(storage: S3LakeStorage): Promise<void> {
  assert.deepEqual(await rowsSeen(storage), EACH_ROW_ONCE);
  assert.deepEqual(await storage.list('_wal'), [], 'no intent is left');
  assert.deepEqual(await storage.list('_tmp'), [], 'nothing was staged under _tmp');
  for (const dir of [...TABLES, 'events_dead_letter'])
    assert.deepEqual(await storage.pendingUploads.listOpen(dir), [], `no upload is left open under ${dir}`);
}

type Step = (what: string) => void | Promise<void>;

/** The storage with each change to the lake (its port's and its pending uploads') passed through `step` first. */
function withSteps(storage: S3LakeStorage, step: Step): S3LakeStorage {
  const uploads: PendingUploads = {
    begin: async (file, path) => (await step(`begin ${path}`), storage.pendingUploads.begin(file, path)),
    complete: async (upload) => (await step(`complete ${upload.path}`), storage.pendingUploads.complete(upload)),
    abort: async (upload) => (await step(`abort ${upload.path}`), storage.pendingUploads.abort(upload)),
    listOpen: (dir) => storage.pendingUploads.listOpen(dir),
  };
  const mutating = new Set(['create', 'upload', 'rename', 'replace', 'delete']);
  return new Proxy(storage, {
    get(target, name, receiver) {
      if (name === 'pendingUploads') return uploads;
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      const call = (args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args);
      if (!mutating.has(String(name))) return (...args: unknown[]) => call(args);
      return async (...args: unknown[]) => {
        await step(`${String(name)} ${String(args[0])}`);
        return call(args);
      };
    },
  });
}

/** Leases and the writer's status record are information: a crash there changes no data. */
const informational = (what: string) => / _(locks|status)/.test(what);

describe('the rename-free commit of Hive tables on S3', () => {
  it('lands each row once through uploads completed at their final keys, with no rename and nothing left staged; a listing reader never sees a row twice or a partial file', async (t) => {
    if (!(await requireS3(t))) return;
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: false });
    const storage = freshS3Lake();
    const steps: string[] = [];
    try {
      await stream(
        dataDir,
        withSteps(storage, async (what) => {
          steps.push(what);
          // Before each file appears and before each position moves: what a listing reader sees now
          // (every visible file parses whole, and no log offset shows twice in any table).
          if (!/^(complete|replace _positions)/.test(what)) return;
          for (const [table, seen] of Object.entries(await rowsSeen(storage)))
            assert.equal(new Set(seen).size, seen.length, `a row of ${table} is visible twice before ${what}`);
        }),
      );
      await assertEachRowOnce(storage);
      assert.deepEqual(
        steps.filter((s) => s.startsWith('rename')),
        [],
        'no file was renamed (copied then deleted)',
      );
      const completed = steps.filter((s) => s.startsWith('complete ')).length;
      const files = (await Promise.all(TABLES.map((t) => committedFiles(storage, t)))).flat().length;
      assert.ok(completed >= files, `${completed} completions for ${files} table files`);
    } finally {
      await storage.close();
    }
  });

  it('a writer stopped before any change to the lake leaves each row once after the next writer recovers, cutting its batches elsewhere', async (t) => {
    if (!(await requireS3(t))) return;
    const dataDir = await logOfSampleEvents(EVENTS, { yesterdayToo: false });
    const clean = freshS3Lake();
    const changes: string[] = [];
    await stream(
      dataDir,
      withSteps(clean, (what) => {
        if (!informational(what)) changes.push(what);
      }),
    );
    await clean.close();
    assert.ok(changes.length > 20, `a run makes ${changes.length} changes`);
    // Each kind of step, in the first commit and a later one: staging, the intent, each completion, a position, the intent's delete.
    const stops = [...new Set([1, 2, 3, 4, 5, 6, 8, 11, 15, 19, 24, 30, changes.length - 2, changes.length - 1])];
    for (const stop of stops.filter((s) => s >= 1 && s <= changes.length)) {
      const storage = freshS3Lake();
      try {
        let seen = 0;
        const crash = withSteps(storage, (what) => {
          if (!informational(what) && ++seen === stop)
            throw new GamepipeError('LAKE_ERROR', `crash before change ${stop}: ${what}`);
        });
        await assert.rejects(stream(dataDir, crash), /crash before change/);
        // The next writer cuts batches and files elsewhere: names the crashed one staged or intended never recur.
        await stream(dataDir, storage, { batch: 13, file: 3 });
        await assertEachRowOnce(storage);
      } finally {
        await storage.close();
      }
    }
  });

  it('a commit repeated after it landed (a lost answer, a second recovery) adds no file and no row', async (t) => {
    if (!(await requireS3(t))) return;
    const storage = freshS3Lake();
    const scratch = new ScratchDir(tempDir(), 'buy');
    const format = new ObjectStoreTableFormat(storage, storage.pendingUploads, scratch, 'buy', ['buy']);
    try {
      const local = scratch.newPath();
      writeFileSync(local, 'rows 0 to 9');
      const target = { dir: 'events_buy', dt: 'dt=2026-11-29', partition: 0, firstOffset: 0, lastOffset: 9 };
      const staged = await format.stage(local, target);
      assert.deepEqual(await storage.list('events_buy'), [], 'a staged file is not listed');
      await format.commit(0, [staged], new Map([['buy', 10]]));
      await format.commit(0, [staged], new Map([['buy', 10]]));
      await format.recover(['buy'], [0]);
      assert.equal((await storage.read(staged.target))!.toString(), 'rows 0 to 9');
      assert.deepEqual(
        (await storage.list('events_buy/dt=2026-11-29')).map((e) => e.name),
        ['events+0+0+9.parquet'],
      );
      assert.deepEqual(await format.committedPositions(['buy'], new Set([0])), new Map([['buy', new Map([[0, 10]])]]));

      // Another upload of the same offsets (a batch staged twice) loses to the object there: it adds nothing.
      const again = scratch.newPath();
      writeFileSync(again, 'rows 0 to 9, staged again');
      await format.commit(0, [await format.stage(again, target)], new Map([['buy', 10]]));
      assert.equal((await storage.read(staged.target))!.toString(), 'rows 0 to 9');
      assert.equal((await storage.list('events_buy/dt=2026-11-29')).length, 1);
    } finally {
      await storage.close();
    }
  });
});
