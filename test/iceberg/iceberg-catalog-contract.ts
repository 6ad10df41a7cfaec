import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import type { DataFile } from '../../src/iceberg/data-file.js';
import type { IcebergCatalog, TableIdent } from '../../src/iceberg/iceberg-catalog.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { TableLocation } from '../../src/iceberg/table-location.js';
import { serializeTableMetadata } from '../../src/iceberg/table-metadata.js';
import type { LakeStorage } from '../../src/lake/storage/lake-storage.js';
import { rejection } from '../helpers/rejection.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;

/** What each contract test gets: a catalog, the lake its tables live in, a database that exists in it. */
export interface CatalogUnderTest {
  catalog: IcebergCatalog;
  storage: LakeStorage;
  database: string;
  /** The table's directory for `table` (the lake catalog's layout decides it; a metastore takes any). */
  dir(table: string): string;
  close(): Promise<void>;
}

let tableNumber = 0;

/**
 * The rules of the IcebergCatalog port (src/iceberg/iceberg-catalog.ts), run against one adapter
 * through IcebergTable, the way every writer uses it. `available` says whether its services answer
 * (under CI an absent service fails the test).
 */
export function runIcebergCatalogContract(
  name: string,
  open: () => Promise<CatalogUnderTest>,
  available: (t: { skip(message: string): void }) => Promise<boolean> = async () => true,
  /** Why this adapter's store cannot fence racing commits, when it cannot (the race test is then skipped with it). */
  unfencedRaces?: string,
): void {
  describe(`Iceberg catalog contract: ${name}`, () => {
    async function setup(t: { skip(message: string): void; after(fn: () => Promise<void>): void }) {
      if (!(await available(t))) return undefined;
      const under = await open();
      t.after(() => under.close());
      const table = `events_buy_${++tableNumber}_${randomUUID().slice(0, 6)}`;
      const options: IcebergTableOptions = {
        storage: under.storage,
        catalog: under.catalog,
        ident: { database: under.database, table },
        dir: under.dir(table),
      };
      let offset = 0;
      const dataFile = async (rows: number): Promise<DataFile> => {
        const path = `${options.dir}/data/dt=2026-12-07/events+0+${offset}+${offset + rows - 1}.parquet`;
        offset += rows;
        await under.storage.create(path, Buffer.alloc(8));
        return { path, sizeBytes: 8, recordCount: rows, partition: { dt: '2026-12-07' } };
      };
      return { under, options, dataFile };
    }
    const total = async (table: IcebergTable) => (await table.liveDataFiles()).reduce((n, f) => n + f.recordCount, 0);

    it('has no table before create, and the created one opens at the location create left', async (t) => {
      const s = await setup(t);
      if (!s) return;
      assert.equal(await s.under.catalog.currentLocation(s.options.ident), undefined);
      assert.equal(await IcebergTable.open(s.options), undefined);
      const created = await IcebergTable.create(s.options, buy);
      const opened = (await IcebergTable.open(s.options))!;
      assert.equal(opened.metadataLocation, created.metadataLocation);
      assert.equal(opened.metadata['table-uuid'], created.metadata['table-uuid']);
      // A second create finds the table and changes nothing.
      const again = await IcebergTable.create(s.options, buy);
      assert.equal(again.metadata['table-uuid'], created.metadata['table-uuid']);
      assert.equal(await s.under.catalog.currentLocation(s.options.ident), created.metadataLocation);
    });

    it('moves the pointer on each commit, and a reader opens exactly the committed snapshot', async (t) => {
      const s = await setup(t);
      if (!s) return;
      const table = await IcebergTable.create(s.options, buy);
      const before = table.metadataLocation;
      await table.append([await s.dataFile(10)], { positions: { w: { '0': 10 } } });
      assert.notEqual(table.metadataLocation, before);
      assert.equal(await s.under.catalog.currentLocation(s.options.ident), table.metadataLocation);
      const reader = (await IcebergTable.open(s.options))!;
      assert.equal(await total(reader), 10);
      assert.deepEqual(await reader.positions(), { w: { '0': 10 } });
    });

    it('refuses a swap from a stale pointer with ICEBERG_COMMIT_CONFLICT and keeps the winner', async (t) => {
      const s = await setup(t);
      if (!s) return;
      const table = await IcebergTable.create(s.options, buy);
      const stale = table.metadataLocation;
      await table.append([await s.dataFile(3)]);
      const winner = table.metadataLocation;
      const location = new TableLocation(s.under.storage, s.options.dir);
      const staged = location.metadataPath(`00009-${randomUUID()}.metadata.json`);
      await s.under.storage.create(staged, serializeTableMetadata(table.metadata));
      const error = await rejection(
        s.under.catalog.commit(s.options.ident, stale, location.fileUri(staged), table.metadata),
      );
      assert.equal((error as { code?: string }).code, 'ICEBERG_COMMIT_CONFLICT');
      assert.equal(await s.under.catalog.currentLocation(s.options.ident), winner);
      assert.equal(await total((await IcebergTable.open(s.options))!), 3);
    });

    it('lets racing writers on one base all land, each once, by rebuilding the losers on the winner', async (t) => {
      if (unfencedRaces) return t.skip(unfencedRaces);
      const s = await setup(t);
      if (!s) return;
      await IcebergTable.create(s.options, buy);
      const writers = await Promise.all([1, 2, 3, 4].map(async () => (await IcebergTable.open(s.options))!));
      const files = await Promise.all([1, 2, 3, 4].map((n) => s.dataFile(n)));
      await Promise.all(writers.map((w, i) => w.append([files[i]!], { positions: { [`w${i}`]: { '0': i + 1 } } })));
      const reader = (await IcebergTable.open(s.options))!;
      assert.equal(await total(reader), 1 + 2 + 3 + 4);
      assert.equal(reader.metadata.snapshots.length, 4);
      assert.deepEqual(Object.keys(await reader.positions()).sort(), ['w0', 'w1', 'w2', 'w3']);
    });

    it('answers undefined for another table of the same database', async (t) => {
      const s = await setup(t);
      if (!s) return;
      await IcebergTable.create(s.options, buy);
      const other: TableIdent = { database: s.under.database, table: `${s.options.ident.table}_other` };
      assert.equal(await s.under.catalog.currentLocation(other), undefined);
    });
  });
}
