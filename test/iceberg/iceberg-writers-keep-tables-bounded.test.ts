import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import { IcebergTable, type IcebergTableOptions } from '../../src/iceberg/iceberg-table.js';
import { LakeIcebergCatalog } from '../../src/iceberg/lake-iceberg-catalog.js';
import { reachableFiles } from '../../src/iceberg/maintenance/reachable-files.js';
import { readSnapshotManifestList } from '../../src/iceberg/manifest-io.js';
import { TableLocation } from '../../src/iceberg/table-location.js';
import { parseIcebergDataPath } from '../../src/iceberg/write/gamepipe-tables.js';
import { IcebergTableFormat } from '../../src/iceberg/write/iceberg-table-format.js';
import { defaultCompaction } from '../../src/lake/commit/compactor.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import { listTree } from '../../src/lake/storage/list-tree.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { sampleEvent } from '../helpers/events.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';
import { smallDisk } from '../helpers/tmpfs-mount.js';

const buy = tableSpecs.find((t) => t.name === 'buy')!;
const BATCHES = 200;
const ROWS = 3;
/** The writers' clock moves this much per batch: 200 batches are 2.5 hours, so snapshots expire 15 times. */
const BATCH_MS = 45_000;

// The bounds the README states.
const METADATA_FILES_MAX = 101; // write.metadata.previous-versions-max (100) + the current one
const MANIFESTS_MAX = 31; // below commit.manifest.min-count-to-merge (32) on gamepipe's tables
const SMALL_FILES_MAX = 2 * defaultCompaction.minFiles; // per date and log partition (two here)
// Snapshots of the last hour, plus the 10 minutes between two expiries: one per batch, and one
// compaction's per 30 batches of a log partition.
const SNAPSHOTS_MAX = Math.ceil((4_200_000 / BATCH_MS) * (1 + 1 / defaultCompaction.minFiles)) + 2;

describe('Iceberg writers keep a table bounded on their own, for hundreds of commits', () => {
  const parquet = DuckdbParquetWriter.create();
  after(async () => (await parquet).close());

  it(`${BATCHES} batches: metadata files, manifests per snapshot, small files per partition and snapshots stay under their bounds; every file on disk is one the table reaches; each row once`, async (t) => {
    // On a tmpfs when the test may mount one (CI runs as root): a local disk's fsyncs (six a commit) would take most of the time.
    const disk = process.getuid?.() === 0 ? smallDisk(t, '512m', 'lake') : null;
    const storage = localLake(disk?.dir ?? tempDir());
    const catalog = new LakeIcebergCatalog({ storage });
    const scratch = new ScratchDir(tempDir(), 'bounded');
    let clock = Date.parse('2026-12-07T08:00:00Z');
    const now = () => clock;
    const format = new IcebergTableFormat({
      storage,
      catalog,
      database: 'default',
      writer: 'buy',
      scratch,
      compaction: { parquet: await parquet, policy: defaultCompaction },
      now,
    });
    const options: IcebergTableOptions = {
      storage,
      catalog,
      ident: { database: 'default', table: 'events_buy' },
      dir: 'events_buy',
    };
    const location = new TableLocation(storage, 'events_buy');
    const claimed = new Set([0, 1]);
    await format.committedPositions(['buy'], claimed);
    const next = [0, 0];
    const peaks = { metadataFiles: 0, manifests: 0, smallFiles: 0, snapshots: 0 };
    // A long-lived engine, as `query`'s shell holds: each statement reads the tables' current snapshots.
    let shell: DuckdbQueryEngine | undefined;
    const shellCounts = async () =>
      (await queryAll(shell!, 'SELECT count(*), count(DISTINCT event_id) FROM events_buy')).rows[0]?.map(Number);

    for (let batch = 0; batch < BATCHES; batch++) {
      const partition = batch % 2;
      const first = next[partition]!;
      const local = scratch.newPath();
      await (await parquet).writeEvents(
        local,
        buy,
        Array.from({ length: ROWS }, (_, i) => ({
          raw: JSON.stringify(sampleEvent(partition * 1_000_000 + first + i)),
          timestamp: clock,
          partition,
          offset: first + i,
        })),
      );
      const staged = await format.stage(
        local,
        { dir: 'events_buy', dt: 'dt=2026-12-07', partition, firstOffset: first, lastOffset: first + ROWS - 1 },
        ROWS,
      );
      next[partition] = first + ROWS;
      await format.commit(partition, [staged], new Map([['buy', next[partition]!]]));
      await format.compact([staged], claimed);
      clock += BATCH_MS;
      if (batch === 0) shell = await DuckdbQueryEngine.open(storage, { iceberg: { catalog, database: 'default' } });
      if (batch === 0 || batch === 4) assert.deepEqual(await shellCounts(), [(batch + 1) * ROWS, (batch + 1) * ROWS]);

      const table = (await IcebergTable.open(options))!;
      const metadataFiles = (await storage.list('events_buy/metadata')).filter((e) =>
        e.name.endsWith('.metadata.json'),
      ).length;
      const manifests = (await readSnapshotManifestList(location, table.currentSnapshot()!)).length;
      // Every file here is small (a few KiB): the snapshot's count is the two log partitions' small files.
      const smallFiles = Number(table.currentSnapshot()!.summary['total-data-files']);
      peaks.metadataFiles = Math.max(peaks.metadataFiles, metadataFiles);
      peaks.manifests = Math.max(peaks.manifests, manifests);
      peaks.smallFiles = Math.max(peaks.smallFiles, smallFiles);
      peaks.snapshots = Math.max(peaks.snapshots, table.metadata.snapshots.length);
    }
    await format.close();

    assert.ok(peaks.metadataFiles <= METADATA_FILES_MAX, `${peaks.metadataFiles} metadata files`);
    assert.equal(peaks.metadataFiles, METADATA_FILES_MAX, 'the log filled up, so old versions were deleted');
    assert.ok(peaks.manifests <= MANIFESTS_MAX, `${peaks.manifests} manifests in a snapshot`);
    assert.ok(peaks.smallFiles < 2 * SMALL_FILES_MAX, `${peaks.smallFiles} small files in two log partitions' day`);
    assert.ok(peaks.snapshots <= SNAPSHOTS_MAX, `${peaks.snapshots} snapshots`);

    // Nothing left behind: every file under the table is one its metadata reaches (expired snapshots'
    // manifest lists and manifests, and the files compaction replaced, were deleted with them).
    const table = (await IcebergTable.open(options))!;
    const reachable = await reachableFiles(location, table.metadata, table.metadataLocation);
    const onDisk = (await listTree(storage, 'events_buy'))
      .map((e) => e.path)
      .filter((p) => !p.endsWith('version-hint.text'));
    assert.deepEqual(
      onDisk.filter((p) => !reachable.has(p)),
      [],
    );
    t.diagnostic(`${onDisk.length} files under the table after ${BATCHES} commits; peaks ${JSON.stringify(peaks)}`);

    // Each row exactly once: the live files' offsets tile each log partition, and DuckDB counts them.
    const live = await table.liveDataFiles();
    for (const p of [0, 1]) {
      const ranges = live
        .map((f) => parseIcebergDataPath(f.path)!)
        .filter((n) => n.partition === p)
        .sort((a, b) => a.firstOffset - b.firstOffset);
      let expected = 0;
      for (const r of ranges) {
        assert.equal(r.firstOffset, expected, `partition ${p} at ${expected}`);
        expected = r.lastOffset + 1;
      }
      assert.equal(expected, next[p]);
    }
    try {
      assert.deepEqual(await shellCounts(), [BATCHES * ROWS, BATCHES * ROWS]);
    } finally {
      await shell!.close();
    }
  });
});
