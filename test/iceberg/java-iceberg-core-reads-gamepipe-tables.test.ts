import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { expireIcebergSnapshots, maintainIcebergTable } from '../../src/iceberg/maintenance/maintain-iceberg-table.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';

const READER = fileURLToPath(new URL('../../../test/services/iceberg-reader.sh', import.meta.url));
const buy = tableSpecs.find((t) => t.name === 'buy')!;

/** What Java's iceberg-core plans for the table's current snapshot: files (path, rows, dt) and the summary's total. */
function javaReads(metadataLocation: string): { files: string[]; total: string } {
  // The first run downloads iceberg-core from Maven Central and compiles the reader (cached in ~/.cache).
  const run = spawnSync(READER, ['read', metadataLocation], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `${READER} failed: ${run.stderr}`);
  const lines = run.stdout.trim().split('\n');
  const summary = lines.pop()!.split('\t');
  assert.equal(summary[0], 'snapshot');
  return { files: lines.sort(), total: summary[2]! };
}

describe("Java's iceberg-core, a reader gamepipe did not write, agrees with gamepipe", () => {
  it('on the live files, their record counts and partitions, through appends, a replace and maintenance', async () => {
    const storage = localLake(tempDir());
    let clock = Date.now();
    const options: IcebergTableOptions = {
      storage,
      catalog: new LakeIcebergCatalog({ storage }),
      ident: { database: 'default', table: 'events_buy' },
      dir: 'events_buy',
      now: () => clock,
    };
    const table = await IcebergTable.create(options, buy);
    // One previous version kept: old v<N>.metadata.json files are deleted at each commit, as Java's Hadoop tables do.
    await table.update((base) => ({
      ...base,
      properties: { ...base.properties, 'write.metadata.previous-versions-max': '1' },
    }));
    const file = async (dt: string, name: string, rows: number) => {
      const path = `events_buy/data/dt=${dt}/${name}.parquet`;
      await storage.create(path, Buffer.alloc(rows)); // planning reads manifests only: the bytes are never opened
      return { path, sizeBytes: rows, recordCount: rows, partition: { dt } };
    };
    const a = await file('2026-12-06', 'a', 10);
    const b = await file('2026-12-07', 'b', 20);
    const c = await file('2026-12-07', 'c', 30);
    await table.append([a, b], { positions: { 'buy+0': 30 } });
    clock += 3_600_000;
    await table.append([c], { positions: { 'buy+0': 60 } });
    clock += 3_600_000;
    await table.replace([b.path, c.path], [await file('2026-12-07', 'bc', 50)]);

    const gamepipeSees = async () => {
      const reopened = (await IcebergTable.open(options))!;
      return {
        files: (await reopened.liveDataFiles()).map((f) => `${f.uri}\t${f.recordCount}\t${f.partition.dt}`).sort(),
        total: reopened.currentSnapshot()!.summary['total-records']!,
        location: reopened.metadataLocation,
      };
    };
    const ours = await gamepipeSees();
    assert.deepEqual(
      ours.files.map((f) => f.replace(/.*\//, '')),
      ['a.parquet\t10\t2026-12-06', 'bc.parquet\t50\t2026-12-07'],
    );
    assert.equal(ours.total, '60');
    assert.deepEqual(javaReads(ours.location), { files: ours.files, total: ours.total });

    await maintainIcebergTable(options, { now: () => clock + 6 * 24 * 3_600_000 });
    const after = await gamepipeSees();
    assert.deepEqual(after.files, ours.files);
    assert.deepEqual(javaReads(after.location), { files: after.files, total: after.total });

    // The writers' own expiry once the replace is old: the files it replaced go with it, no listing.
    clock += 6 * 24 * 3_600_000;
    await table.refresh();
    await table.append([await file('2026-12-08', 'd', 5)], { positions: { 'buy+0': 65 } });
    const expiry = await expireIcebergSnapshots(options, { retentionMs: 3_600_000, now: () => clock + 3_600_001 });
    assert.equal(expiry.expired, 2);
    assert.equal(expiry.files.dataFiles, 2);
    for (const gone of [b, c]) assert.equal(await storage.stat(gone.path), null, `${gone.path} deleted`);
    const metadataFiles = (await storage.list('events_buy/metadata')).filter((e) => e.name.endsWith('.metadata.json'));
    assert.equal(metadataFiles.length, 2, metadataFiles.map((e) => e.name).join());
    const last = await gamepipeSees();
    assert.equal(last.total, '65');
    assert.deepEqual(javaReads(last.location), { files: last.files, total: last.total });
  });
});
