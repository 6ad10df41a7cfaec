import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { IcebergCatalog, TableIdent } from '../../src/iceberg/iceberg-catalog.js';
import { IcebergTable } from '../../src/iceberg/iceberg-table.js';
import { MemoryIcebergCatalog } from '../../src/iceberg/memory-iceberg-catalog.js';
import { createIcebergTables } from '../../src/iceberg/write/create-iceberg-tables.js';
import { IcebergTableFormat } from '../../src/iceberg/write/iceberg-table-format.js';
import { tableSpecs } from '../../src/events/tables.js';
import type { StagedFile } from '../../src/lake/batch/table-format.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A memory catalog whose n-th swap from now fails as a crash would: the swap never happens. */
class CrashingCatalog extends MemoryIcebergCatalog {
  crashAt: number | undefined;
  override async commit(ident: TableIdent, expected: string, location: string): Promise<void> {
    if (this.crashAt !== undefined && --this.crashAt === 0) {
      this.crashAt = undefined;
      throw new Error('the writer was killed here');
    }
    return super.commit(ident, expected, location);
  }
}

function setup(catalog: IcebergCatalog = new CrashingCatalog(), storage = new MemoryLakeStorage(), now = Date.now) {
  const scratch = new ScratchDir(tempDir(), 'format-test');
  const writer = (name = 'buy') =>
    new IcebergTableFormat({ storage, catalog: nonClosing(catalog), database: 'default', writer: name, scratch, now });
  return { storage, catalog, scratch, writer };
}

/** Each format closes its catalog; the test's writers share one. */
const nonClosing = (catalog: IcebergCatalog): IcebergCatalog =>
  new Proxy(catalog, { get: (c, k) => (k === 'close' ? async () => {} : Reflect.get(c, k, c)) });

type Setup = ReturnType<typeof setup>;

/** Stages a file of `rows` rows of log partition 0 at offsets first..last into a table dir. */
async function stage(
  s: Setup,
  format: IcebergTableFormat,
  dir: string,
  first: number,
  last: number,
): Promise<StagedFile> {
  const local = s.scratch.newPath();
  writeFileSync(local, Buffer.alloc(64 + last - first));
  return format.stage(
    local,
    { dir, dt: 'dt=2026-12-07', partition: 0, firstOffset: first, lastOffset: last },
    last - first + 1,
  );
}

async function rows(s: Setup, table: string): Promise<number> {
  const open = await IcebergTable.open({
    storage: s.storage,
    catalog: s.catalog,
    ident: { database: 'default', table },
    dir: table,
  });
  if (!open) return 0;
  return (await open.liveDataFiles()).reduce((n, f) => n + f.recordCount, 0);
}

const at = (owner: string, offset: number) => new Map([[owner, offset]]);

describe('the Iceberg table format', () => {
  it('stages under the table location invisibly, commits with the positions, and reads them back', async () => {
    const s = setup();
    const format = s.writer();
    await format.committedPositions(['buy'], new Set([0]));
    const file = await stage(s, format, 'events_buy', 0, 9);
    assert.match(file.target, /^events_buy\/data\/dt=2026-12-07\/events\+0\+0\+9\.[0-9a-f]{8}\.parquet$/);
    assert.ok(await s.storage.stat(file.target), 'uploaded to its final path');
    assert.equal(await rows(s, 'events_buy'), 0, 'no reader sees a staged file');
    await format.commit(0, [file], at('buy', 10));
    assert.equal(await rows(s, 'events_buy'), 10);
    const again = s.writer();
    assert.deepEqual(await again.committedPositions(['buy'], new Set([0, 1])), new Map([['buy', new Map([[0, 10]])]]));
  });

  it('adds nothing when a commit that landed is repeated', async () => {
    const s = setup();
    const format = s.writer();
    await format.committedPositions(['buy'], new Set([0]));
    const file = await stage(s, format, 'events_buy', 0, 9);
    await format.commit(0, [file], at('buy', 10));
    await format.commit(0, [file], at('buy', 10));
    const late = s.writer();
    await late.commit(0, [file], at('buy', 10));
    assert.equal(await rows(s, 'events_buy'), 10);
  });

  it('rolls forward a commit killed between its events table and its dead letters, each row once', async () => {
    const s = setup();
    const format = s.writer();
    await format.committedPositions(['buy'], new Set([0]));
    const events = await stage(s, format, 'events_buy', 0, 6);
    const dead = await stage(s, format, 'events_dead_letter/buy', 7, 9);
    (s.catalog as CrashingCatalog).crashAt = 2;
    await assert.rejects(format.commit(0, [events, dead], at('buy', 10)), /killed/);
    assert.equal(await rows(s, 'events_buy'), 7);
    assert.equal(await rows(s, 'events_dead_letter'), 0);

    // What a replace of an intent killed before its rename leaves (on WebHDFS): this writer's, and another partition's.
    await s.storage.create('_iceberg_wal/.buy+0+0f8e.json.5a5a.tmp', Buffer.from('{"partial'));
    await s.storage.create('_iceberg_wal/.buy+1+0f8e.json.5a5a.tmp', Buffer.from('{"partial'));
    const restarted = s.writer();
    await restarted.recover(['buy', 'all'], [0]);
    assert.deepEqual(await restarted.committedPositions(['buy'], new Set([0])), new Map([['buy', new Map([[0, 10]])]]));
    assert.equal(await rows(s, 'events_buy'), 7);
    assert.equal(await rows(s, 'events_dead_letter'), 3);
    await restarted.recover(['buy'], [0]);
    assert.equal(await rows(s, 'events_dead_letter'), 3, 'an intent is rolled forward once');
    assert.deepEqual(
      (await s.storage.list('_iceberg_wal')).map((e) => e.name),
      ['.buy+1+0f8e.json.5a5a.tmp'],
      "the intents and this partition's leftover are gone; another partition's is not this recovery's",
    );
  });

  it('fences a writer that lost its partition: its late commit adds nothing and never moves positions back', async () => {
    const s = setup();
    const stale = s.writer();
    await stale.committedPositions(['buy'], new Set([0]));
    const staleFile = await stage(s, stale, 'events_buy', 0, 9);

    const taker = s.writer();
    await taker.committedPositions(['buy'], new Set([0]));
    await taker.commit(0, [await stage(s, taker, 'events_buy', 0, 19)], at('buy', 20));

    await stale.commit(0, [staleFile], at('buy', 10));
    assert.equal(await rows(s, 'events_buy'), 20, 'offsets the taker committed are not added twice');
    const refused = await rejection(stale.commit(0, [await stage(s, stale, 'events_buy', 10, 24)], at('buy', 25)));
    assert.equal(refused.code, 'LAKE_FENCED');
    assert.equal(await rows(s, 'events_buy'), 20);
    assert.deepEqual(
      await s.writer().committedPositions(['buy'], new Set([0])),
      new Map([['buy', new Map([[0, 20]])]]),
    );
  });

  it('keeps its positions across another engine commit between two of its own', async () => {
    const s = setup();
    const format = s.writer();
    await format.committedPositions(['buy'], new Set([0]));
    await format.commit(0, [await stage(s, format, 'events_buy', 0, 9)], at('buy', 10));
    const table = (await IcebergTable.open({
      storage: s.storage,
      catalog: s.catalog,
      ident: { database: 'default', table: 'events_buy' },
      dir: 'events_buy',
    }))!;
    await s.storage.create('events_buy/data/dt=2026-12-07/trino.parquet', Buffer.alloc(10));
    await table.append([
      {
        path: 'events_buy/data/dt=2026-12-07/trino.parquet',
        sizeBytes: 10,
        recordCount: 5,
        partition: { dt: '2026-12-07' },
      },
    ]);
    await format.commit(0, [await stage(s, format, 'events_buy', 10, 14)], at('buy', 15));
    assert.equal(await rows(s, 'events_buy'), 20);
    assert.deepEqual(
      await s.writer().committedPositions(['buy'], new Set([0])),
      new Map([['buy', new Map([[0, 15]])]]),
    );
  });

  it('records an owner without rows in a positions-only snapshot at most once a minute, and resumes from the tables', async () => {
    let clock = 1_000_000;
    const s = setup(undefined, undefined, () => clock);
    const format = s.writer('all');
    await format.committedPositions(['buy', 'guild'], new Set([0]));
    const batch = async (first: number, last: number) =>
      format.commit(
        0,
        [await stage(s, format, 'events_buy', first, last)],
        new Map([
          ['buy', last + 1],
          ['guild', last + 1],
        ]),
      );
    const resumed = () => s.writer('all').committedPositions(['buy', 'guild'], new Set([0]));
    await batch(0, 9);
    assert.deepEqual(
      await resumed(),
      new Map([
        ['buy', new Map([[0, 10]])],
        ['guild', new Map([[0, 10]])],
      ]),
      'the first batch records guild too, in a snapshot with no file',
    );
    clock += 30_000;
    await batch(10, 19);
    assert.deepEqual(
      (await resumed()).get('guild'),
      new Map([[0, 10]]),
      'within the minute: no snapshot for guild, which resumes where it was recorded',
    );
    clock += 31_000;
    await batch(20, 29);
    assert.deepEqual((await resumed()).get('guild'), new Map([[0, 30]]), 'a minute on: recorded again');
  });

  it('records what it held back when it settles: caught up, once a minute; leaving, all of it; only in the partitions given', async () => {
    let clock = 1_000_000;
    const s = setup(undefined, undefined, () => clock);
    const format = s.writer('all');
    await format.committedPositions(['guild'], new Set([0, 1]));
    const moved = (partition: number, to: number) => format.commit(partition, [], at('guild', to));
    const resumed = async () => (await s.writer('all').committedPositions(['guild'], new Set([0, 1]))).get('guild');
    await moved(0, 10);
    await moved(1, 10);
    clock += 10_000;
    await moved(0, 20);
    await moved(1, 20);
    await format.settle([0, 1], false);
    assert.deepEqual(
      await resumed(),
      new Map([
        [0, 10],
        [1, 10],
      ]),
      'caught up within the minute: still held back',
    );
    clock += 50_000;
    await format.settle([0], false);
    assert.deepEqual(
      await resumed(),
      new Map([
        [0, 20],
        [1, 10],
      ]),
      'a minute on: recorded, in the partition given',
    );
    await format.settle([1], true);
    assert.deepEqual(
      await resumed(),
      new Map([
        [0, 20],
        [1, 20],
      ]),
    );
    clock += 1_000;
    await moved(0, 30);
    await format.settle([0], true);
    assert.deepEqual(
      await resumed(),
      new Map([
        [0, 30],
        [1, 20],
      ]),
      'leaving: at once',
    );
    await format.settle([0, 1], true);
    const guild = (await IcebergTable.open({
      storage: s.storage,
      catalog: s.catalog,
      ident: { database: 'default', table: 'events_guild' },
      dir: 'events_guild',
    }))!;
    assert.equal(guild.metadata.snapshots.length, 5, 'one snapshot per record, none once nothing is held back');
  });

  it('an owner without rows rides along, at no cost, on a snapshot its table gets anyway', async () => {
    let clock = 1_000_000;
    const s = setup(undefined, undefined, () => clock);
    const format = s.writer('all');
    await format.committedPositions(['buy', 'unrouted'], new Set([0]));
    const positions = (to: number) =>
      new Map([
        ['buy', to],
        ['unrouted', to],
      ]);
    await format.commit(0, [await stage(s, format, 'events_buy', 0, 9)], positions(10));
    clock += 1_000;
    await format.commit(0, [await stage(s, format, 'events_dead_letter/buy', 10, 19)], positions(20));
    assert.deepEqual(
      (await s.writer('all').committedPositions(['unrouted'], new Set([0]))).get('unrouted'),
      new Map([[0, 20]]),
      "within the minute, in the buy dead letters' snapshot",
    );
    const deadLetters = (await IcebergTable.open({
      storage: s.storage,
      catalog: s.catalog,
      ident: { database: 'default', table: 'events_dead_letter' },
      dir: 'events_dead_letter',
    }))!;
    assert.equal(deadLetters.metadata.snapshots.length, 2, 'the first positions-only snapshot, then the dead letters');
  });

  it("a settle another writer overtook resolves, moving no one's position", async () => {
    let clock = 1_000_000;
    const s = setup(undefined, undefined, () => clock);
    const stale = s.writer('all');
    await stale.committedPositions(['guild'], new Set([0]));
    await stale.commit(0, [], at('guild', 10));
    clock += 1_000;
    await stale.commit(0, [], at('guild', 20)); // held back
    const taker = s.writer('all');
    await taker.committedPositions(['guild'], new Set([0]));
    await taker.commit(0, [await stage(s, taker, 'events_guild', 10, 14)], at('guild', 15));
    await stale.settle([0], true);
    assert.deepEqual(
      (await s.writer('all').committedPositions(['guild'], new Set([0]))).get('guild'),
      new Map([[0, 15]]),
    );
  });

  it('expires snapshots older than an hour as it writes, keeping its positions and every row', async () => {
    let clock = 5_000_000_000;
    const s = setup(undefined, undefined, () => clock);
    const format = s.writer('buy');
    await format.committedPositions(['buy'], new Set([0]));
    for (const [first, last] of [
      [0, 9],
      [10, 19],
      [20, 29],
    ] as const) {
      await format.commit(0, [await stage(s, format, 'events_buy', first, last)], at('buy', last + 1));
      clock += 40 * 60_000;
    }
    await format.compact([], new Set([0]));
    const table = (await IcebergTable.open({
      storage: s.storage,
      catalog: s.catalog,
      ident: { database: 'default', table: 'events_buy' },
      dir: 'events_buy',
    }))!;
    const ages = table.metadata.snapshots.map((snap) => clock - Number(snap['timestamp-ms']));
    assert.ok(ages.length >= 1 && ages.every((ms) => ms <= 3_600_000 || ages.length === 1), `kept: ${ages}`);
    assert.ok(ages.length < 4, 'the snapshots of over an hour ago are gone');
    assert.equal(await rows(s, 'events_buy'), 30, 'every row still there');
    assert.deepEqual(
      await s.writer('buy').committedPositions(['buy'], new Set([0])),
      new Map([['buy', new Map([[0, 30]])]]),
    );
  });

  it('tables create refuses, changing nothing, a lake whose table directory holds Hive files', async () => {
    const s = setup();
    await s.storage.create('events_guild/dt=2026-12-07/events+0+0+9.parquet', Buffer.alloc(10));
    const refused = await rejection(
      createIcebergTables({ storage: s.storage, catalog: s.catalog, database: 'default', specs: tableSpecs }),
    );
    assert.equal(refused.code, 'USAGE');
    assert.match(refused.message, /events_guild/);
    assert.equal(await s.catalog.currentLocation({ database: 'default', table: 'events_buy' }), undefined);
    assert.deepEqual(await s.storage.list('events_buy'), []);
  });
});
