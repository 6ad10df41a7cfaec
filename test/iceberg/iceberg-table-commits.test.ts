import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { readManifestList } from '../../src/iceberg/manifest-list.js';
import { MemoryIcebergCatalog } from '../../src/iceberg/memory-iceberg-catalog.js';
import { GAMEPIPE_TABLE_PROPERTIES, MANIFEST_MIN_MERGE_COUNT } from '../../src/iceberg/table-properties.js';
import { parseLongJson, stringifyLongJson } from '../../src/iceberg/long-json.js';
import { reachableFiles } from '../../src/iceberg/maintenance/reachable-files.js';
import { TableLocation } from '../../src/iceberg/table-location.js';
import { parseTableMetadata } from '../../src/iceberg/table-metadata.js';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { rejection } from '../helpers/rejection.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;

function setup() {
  const storage = new MemoryLakeStorage();
  const catalog = new MemoryIcebergCatalog();
  const options: IcebergTableOptions = {
    storage,
    catalog,
    ident: { database: 'default', table: 'events_buy' },
    dir: 'events_buy',
  };
  return { storage, catalog, options };
}

let fileNumber = 0;
async function dataFile(storage: MemoryLakeStorage, rows: number, dt = '2026-12-07'): Promise<DataFile> {
  const path = `events_buy/data/dt=${dt}/events+0+${fileNumber}+${fileNumber + rows - 1}.parquet`;
  fileNumber += rows;
  await storage.create(path, Buffer.alloc(100 + rows));
  return {
    path,
    sizeBytes: 100 + rows,
    recordCount: rows,
    partition: { dt },
    bounds: { log_offset: { lower: 0, upper: rows } },
  };
}

const total = async (table: IcebergTable) => (await table.liveDataFiles()).reduce((n, f) => n + f.recordCount, 0);

describe('Iceberg table commits on the memory lake', () => {
  it('appends snapshots whose files, counts and summaries read back from the manifests', async () => {
    const { storage, options } = setup();
    const table = await IcebergTable.create(options, buy);
    const a = await dataFile(storage, 10);
    const b = await dataFile(storage, 5, '2026-12-08');
    const first = await table.append([a], { positions: { 'buy-0': { '0': 10 } } });
    const second = await table.append([b], { positions: { 'buy-1': { '1': 5 } } });
    assert.equal(first['sequence-number'], 1);
    assert.equal(second['sequence-number'], 2);
    assert.equal(second['parent-snapshot-id'], first['snapshot-id']);
    assert.equal(second.summary['total-records'], '15');
    assert.equal(second.summary['total-data-files'], '2');

    const reopened = (await IcebergTable.open(options))!;
    const files = await reopened.liveDataFiles();
    assert.deepEqual(files.map((f) => [f.path, f.recordCount, f.partition.dt]).sort(), [
      [a.path, 10, '2026-12-07'],
      [b.path, 5, '2026-12-08'],
    ]);
    assert.deepEqual(await reopened.positions(), { 'buy-0': { '0': 10 }, 'buy-1': { '1': 5 } });
    // Metadata as written is what the spec names: v2, refs.main, both logs, the name mapping.
    const metadata = parseTableMetadata(
      (await storage.read(reopened.metadataLocation.replace('memory://lake/', '')))!,
      'm',
    );
    assert.equal(metadata['format-version'], 2);
    assert.equal(metadata['last-sequence-number'], 2);
    assert.equal(metadata.refs?.main?.['snapshot-id'], second['snapshot-id']);
    assert.equal(metadata['snapshot-log'].length, 2);
    assert.equal(metadata['metadata-log'].length, 2);
    assert.match(reopened.metadataLocation, /\/events_buy\/metadata\/00002-[0-9a-f-]{36}\.metadata\.json$/);
    const mapping = JSON.parse(metadata.properties['schema.name-mapping.default']!) as { names: string[] }[];
    assert.ok(mapping.some((m) => m.names[0] === 'event_id'));
    const list = await readManifestList(
      (await storage.read(second['manifest-list'].replace('memory://lake/', '')))!,
      'list',
    );
    assert.deepEqual(
      list.map((m) => m.sequence_number),
      [2n, 1n],
    );
  });

  it("rebuilds a commit that lost the race on the winner snapshot, losing nobody's files", async () => {
    const { storage, catalog, options } = setup();
    const mine = await IcebergTable.create(options, buy);
    const theirs = (await IcebergTable.open(options))!;
    const theirFile = await dataFile(storage, 7);
    catalog.beforeCommit = async () => {
      await theirs.append([theirFile], { positions: { 'buy-1': { '1': 7 } } });
    };
    const myFile = await dataFile(storage, 3);
    const snapshot = await mine.append([myFile], { positions: { 'buy-0': { '0': 3 } } });
    assert.equal(snapshot['sequence-number'], 2);
    const files = (await (await IcebergTable.open(options))!.liveDataFiles()).map((f) => f.path).sort();
    assert.deepEqual(files, [theirFile.path, myFile.path].sort());
    assert.deepEqual(await mine.positions(), { 'buy-1': { '1': 7 }, 'buy-0': { '0': 3 } });
  });

  it('replaces N files by one keeping the count, and refuses a replace whose files another commit removed', async () => {
    const { storage, catalog, options } = setup();
    const table = await IcebergTable.create(options, buy);
    const small = [await dataFile(storage, 4), await dataFile(storage, 6), await dataFile(storage, 2)];
    for (const f of small) await table.append([f]);
    const other = await dataFile(storage, 9, '2026-12-08');
    await table.append([other]);
    const merged = await dataFile(storage, 12);
    const snapshot = await table.replace(
      small.map((f) => f.path),
      [merged],
    );
    assert.equal(snapshot.summary.operation, 'replace');
    assert.equal(snapshot.summary['deleted-data-files'], '3');
    assert.equal(await total(table), 21);
    assert.deepEqual((await table.liveDataFiles()).map((f) => f.path).sort(), [merged.path, other.path].sort());

    // A second compactor planned from the old snapshot: its files are gone, so it must not commit.
    const again = await dataFile(storage, 12);
    const error = await rejection(
      table.replace(
        small.map((f) => f.path),
        [again],
      ),
    );
    assert.equal(error.code, 'ICEBERG_REPLACE_STALE');
    // A replace racing an append is rebuilt on it and keeps the appended file.
    const late = await dataFile(storage, 1);
    const rival = (await IcebergTable.open(options))!;
    catalog.beforeCommit = async () => {
      await rival.append([late]);
    };
    const merged2 = await dataFile(storage, 21);
    await table.replace([merged.path, other.path], [merged2]);
    assert.equal(await total((await IcebergTable.open(options))!), 22);
  });

  it('evolves the schema: a new field gets the next id, known fields keep theirs, a type Iceberg cannot promote is refused by name', async () => {
    const { options } = setup();
    const table = await IcebergTable.create(options, buy);
    const before = table.metadata.schemas[0]!;
    const withCoupon = {
      ...buy,
      columns: [...buy.columns, { name: 'coupon', type: 'string' as const, required: true, doc: 'x' }],
    };
    assert.equal(await table.evolveSchema(withCoupon), true);
    assert.equal(await table.evolveSchema(withCoupon), false);
    const after = table.metadata.schemas.find((s) => s['schema-id'] === table.metadata['current-schema-id'])!;
    for (const field of before.fields) assert.equal(after.fields.find((f) => f.name === field.name)?.id, field.id);
    const coupon = after.fields.find((f) => f.name === 'coupon')!;
    assert.equal(coupon.id, Math.max(...before.fields.map((f) => f.id)) + 1);
    assert.equal(coupon.required, false);
    assert.equal(after.fields.at(-1)?.name, 'dt');
    assert.match(table.metadata.properties['schema.name-mapping.default']!, /"coupon"/);

    const widened = {
      ...withCoupon,
      columns: withCoupon.columns.map((c) => (c.name === 'quantity' ? { ...c, type: 'int64' as const } : c)),
    };
    assert.equal(await table.evolveSchema(widened), true);
    const narrowed = {
      ...widened,
      columns: widened.columns.map((c) => (c.name === 'price' ? { ...c, type: 'string' as const } : c)),
    };
    const error = await rejection(table.evolveSchema(narrowed));
    assert.equal(error.code, 'ICEBERG_SCHEMA_INCOMPATIBLE');
    assert.match(error.message, /events_buy\.price/);
  });

  it('a commit whose outcome is unknown is read back from the table, and no file is deleted', async () => {
    const { storage, catalog, options } = setup();
    const table = await IcebergTable.create(options, buy);
    const file = await dataFile(storage, 3);
    catalog.failNextCommit('applied');
    const error = await rejection(table.append([file], { positions: { 'buy-0': { '0': 3 } } }));
    assert.equal(error.code, 'ICEBERG_COMMIT_IN_DOUBT');
    const reread = (await IcebergTable.open(options))!;
    assert.deepEqual(await reread.positions(), { 'buy-0': { '0': 3 } });
    assert.ok(await storage.read(file.path));
  });

  it('merges the manifests once an append would pass the bound, keeping every live file and sequence number', async () => {
    const { storage, options } = setup();
    const table = await IcebergTable.create(options, buy);
    const files: DataFile[] = [];
    for (let n = 0; n < Number(GAMEPIPE_TABLE_PROPERTIES[MANIFEST_MIN_MERGE_COUNT]) + 3; n++) {
      const file = await dataFile(storage, 2);
      files.push(file);
      await table.append([file]);
    }
    const snapshot = table.currentSnapshot()!;
    const list = await readManifestList(
      (await storage.read(snapshot['manifest-list'].replace('memory://lake/', '')))!,
      'l',
    );
    assert.ok(list.length <= 4, `${list.length} manifests`);
    const live = await table.liveDataFiles();
    assert.deepEqual(live.map((f) => f.path).sort(), files.map((f) => f.path).sort());
    assert.equal(snapshot.summary['total-records'], String(2 * files.length));
    // The first file keeps the snapshot that added it, though its entry now lives in a merged manifest.
    const first = live.find((f) => f.path === files[0]!.path)!;
    assert.equal(first.snapshotId, table.metadata.snapshots[0]!['snapshot-id']);
  });

  it('a commit that lost a race, merged its manifests and replaced files leaves no file its metadata does not name', async () => {
    const { storage, catalog, options } = setup();
    const table = await IcebergTable.create(options, buy);
    await table.update((base) => ({ ...base, properties: { ...base.properties, [MANIFEST_MIN_MERGE_COUNT]: '3' } }));
    const files = [];
    for (let n = 0; n < 4; n++) {
      files.push(await dataFile(storage, 2));
      await table.append([files.at(-1)!]);
    }
    // Another writer commits first, twice: the replace is rebuilt (manifests rewritten and merged again).
    const other = (await IcebergTable.open(options))!;
    const late = await dataFile(storage, 1);
    catalog.beforeCommit = async () => {
      await other.append([late]);
    };
    await table.replace(
      files.slice(0, 2).map((f) => f.path),
      [await dataFile(storage, 4)],
    );
    const reopened = (await IcebergTable.open(options))!;
    assert.equal(await total(reopened), 2 * 4 + 1);
    const reachable = await reachableFiles(
      new TableLocation(storage, 'events_buy'),
      reopened.metadata,
      reopened.metadataLocation,
    );
    const metadataFiles = (await storage.list('events_buy/metadata')).map((e) => e.path);
    assert.deepEqual(
      metadataFiles.filter((p) => !reachable.has(p)),
      [],
    );
  });

  it('keeps 64-bit snapshot ids exact through metadata JSON, as Trino and Java write them', () => {
    const text = '{"current-snapshot-id":8748698466277468100,"n":12,"s":"8748698466277468101","f":1.5}';
    const parsed = parseLongJson(text) as Record<string, unknown>;
    assert.equal(parsed['current-snapshot-id'], 8748698466277468100n);
    assert.equal(parsed.n, 12);
    assert.equal(parsed.s, '8748698466277468101');
    assert.equal(stringifyLongJson(parsed), text);
  });

  it('a commit stopped at any step leaves the table at its previous snapshot, and the batch commits once when retried', async () => {
    for (const step of ['manifest', 'manifest list', 'metadata', 'swap'] as const) {
      const { storage, catalog, options } = setup();
      const table = await IcebergTable.create(options, buy);
      await table.append([await dataFile(storage, 5)], { positions: { w: 4 } });
      const batch = await dataFile(storage, 3);
      const isStep = (path: string) =>
        step === 'manifest'
          ? /-m0\.avro$/.test(path)
          : step === 'manifest list'
            ? /\/snap-/.test(path)
            : /metadata\.json$/.test(path);
      if (step === 'swap') catalog.failNextCommit('lost');
      else storage.failNext(['create'], { when: isStep });
      const error = await rejection(table.append([batch], { positions: { w: 7 } }));
      assert.equal(error.code, step === 'swap' ? 'ICEBERG_COMMIT_IN_DOUBT' : 'LAKE_UNAVAILABLE', step);
      // A restarted writer reads the table: the batch is not there, its positions say so, and it commits it once.
      const restarted = (await IcebergTable.open(options))!;
      assert.deepEqual(await restarted.positions(), { w: 4 }, step);
      assert.equal(await total(restarted), 5, step);
      await restarted.append([batch], { positions: { w: 7 } });
      assert.equal(await total((await IcebergTable.open(options))!), 8, step);
    }
  });
});
