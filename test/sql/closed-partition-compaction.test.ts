import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { tableSpecs } from '../../src/events/tables.js';
import { ClosedPartitionSchedule } from '../../src/lake/commit/closed-partition-schedule.js';
import {
  compactClosedPartitions,
  defaultClosedPartitionPolicy,
  type PartitionLocations,
} from '../../src/lake/commit/closed-partition-compactor.js';
import { createParquetWriter } from '../../src/lake/parquet/create-parquet-writer.js';
import { ScratchDir } from '../../src/lake/storage/local/scratch-dir.js';
import { recoverPositions } from '../../src/lake/commit/recover-positions.js';
import { partitionLocation } from '../../src/metastore/hive-metastore-objects.js';
import { HiveMetastoreClient } from '../../src/metastore/hive-metastore-client.js';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { gamepipe, GAMEPIPE_BIN } from '../helpers/cli.js';
import { localLake, queryLake } from '../helpers/lake-query.js';
import {
  HIVE_METASTORE_URL,
  requireHiveMetastore,
  requireTrinoOnHiveMetastore,
  TRINO_ON_HIVE_METASTORE_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { writeParquet } from './lake-parquet-fixture.js';

const buySpec = tableSpecs.find((s) => s.name === 'buy')!;
const DAY = '2026-11-20';
const CLOSED = `events_buy/dt=${DAY}`;
const LOG_PARTITIONS = [0, 1];
const FILES_PER_LOG_PARTITION = 20;
const ROWS_PER_FILE = 50;
const TOTAL = LOG_PARTITIONS.length * FILES_PER_LOG_PARTITION * ROWS_PER_FILE;
const TODAY = new Date().toISOString().slice(0, 10);

/** A closed day of many small files in two log partitions, as short-trigger writers leave it; and three files of today. */
async function smallFiles(dataDir: string): Promise<void> {
  const lake = join(dataDir, 'lake');
  for (const partition of LOG_PARTITIONS) {
    for (let f = 0; f < FILES_PER_LOG_PARTITION; f++) {
      await writeParquet(lake, CLOSED, buySpec, f * ROWS_PER_FILE, (f + 1) * ROWS_PER_FILE - 1, 'buy', partition);
    }
  }
  for (let f = 0; f < 3; f++)
    await writeParquet(lake, `events_buy/dt=${TODAY}`, buySpec, 10_000 + f * 10, 10_000 + f * 10 + 9);
}

const dataFilesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.parquet')) : []);
const duckdbCount = async (dataDir: string, day: string) =>
  Number((await queryLake(dataDir, `SELECT count(*) FROM events_buy WHERE dt = DATE '${day}'`))[0]![0]);
/** A partition's location as a metastore keeps it, whose first switch fails as a metastore that went away. */
function metastoreFailingFirstSwitch(): { readFrom: string; locations: PartitionLocations } {
  let failNext = true;
  const state: { readFrom: string; locations: PartitionLocations } = {
    readFrom: CLOSED,
    locations: {
      partitionDir: async () => state.readFrom,
      switchPartition: async (_spec, _dir, to, from) => {
        if (failNext) {
          failNext = false;
          throw new GamepipeError('METASTORE_UNAVAILABLE', 'the metastore went away');
        }
        assert.equal(from, state.readFrom);
        state.readFrom = to;
      },
    },
  };
  return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = promisify(execFile);

/** `gamepipe <args>` without blocking this process's event loop (a count loop runs meanwhile). */
async function gamepipeAsync(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [GAMEPIPE_BIN, ...args], {
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe('tables compact on a DuckDB lake', () => {
  it('merges a closed day into a new generation, leaves today alone, and keeps every count and position', async () => {
    const dataDir = tempDir('gamepipe-closed-');
    await smallFiles(dataDir);
    const positionsBefore = await recoverPositions(localLake(dataDir), 'buy');
    assert.equal(await duckdbCount(dataDir, DAY), TOTAL);

    const first = gamepipe(['tables', 'compact', 'buy', '--data-dir', dataDir, '--grace', '1s']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`${CLOSED}: 40 files merged into 2 \\(${TOTAL} rows\\) in generation 1`));
    assert.deepEqual(dataFilesIn(join(dataDir, 'lake', CLOSED, '_gen-1')).sort(), [
      'events+0+0+999.parquet',
      'events+1+0+999.parquet',
    ]);
    assert.equal(
      dataFilesIn(join(dataDir, 'lake', `events_buy/dt=${TODAY}`)).length,
      3,
      'the open day is not compacted',
    );
    assert.equal(
      await duckdbCount(dataDir, DAY),
      TOTAL,
      'DuckDB counts each row once while both generations are there',
    );
    assert.deepEqual(await recoverPositions(localLake(dataDir), 'buy'), positionsBefore);

    // A late event for the closed day, written where the writer wrote before: visible at once, never deleted.
    await writeParquet(join(dataDir, 'lake'), CLOSED, buySpec, 5000, 5009, 'buy', 0);
    assert.equal(await duckdbCount(dataDir, DAY), TOTAL + 10);
    await sleep(1100);
    const second = gamepipe(['tables', 'compact', 'buy', '--data-dir', dataDir, '--grace', '1s']);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /in generation 2/);
    assert.equal(await duckdbCount(dataDir, DAY), TOTAL + 10);
    await sleep(1100);
    const third = gamepipe(['tables', 'compact', 'buy', '--data-dir', dataDir, '--grace', '1s']);
    assert.equal(third.status, 0, third.stderr);
    assert.deepEqual(dataFilesIn(join(dataDir, 'lake', CLOSED)), [], 'generation 0 is deleted after the grace period');
    assert.deepEqual(
      dataFilesIn(join(dataDir, 'lake', CLOSED, '_gen-1')),
      [],
      'generation 1 is deleted after the grace period',
    );
    assert.deepEqual(dataFilesIn(join(dataDir, 'lake', CLOSED, '_gen-2')).sort(), [
      'events+0+0+5009.parquet',
      'events+1+0+999.parquet',
    ]);
    assert.equal(await duckdbCount(dataDir, DAY), TOTAL + 10);
    assert.deepEqual(await recoverPositions(localLake(dataDir), 'buy'), positionsBefore);
  });

  it('finishes at the next run a compaction whose switch failed, deleting nothing readers are on meanwhile', async () => {
    const dataDir = tempDir('gamepipe-closed-');
    await smallFiles(dataDir);
    const metastore = metastoreFailingFirstSwitch();
    const locations = metastore.locations;
    const parquet = await createParquetWriter();
    const compaction = {
      storage: localLake(dataDir),
      parquet,
      scratch: new ScratchDir(join(dataDir, 'lake', '_scratch'), 'compact'),
      locations,
      policy: { ...defaultClosedPartitionPolicy, graceMs: 0 },
    };
    try {
      await assert.rejects(
        compactClosedPartitions(compaction, [buySpec], (spec) => [spec.table]),
        /the metastore went away/,
      );
      assert.equal(metastore.readFrom, CLOSED);
      assert.equal(dataFilesIn(join(dataDir, 'lake', CLOSED)).length, 40, 'the files readers are on stay');
      assert.equal(dataFilesIn(join(dataDir, 'lake', CLOSED, '_gen-1')).length, 2);
      const outcomes = await compactClosedPartitions(compaction, [buySpec], (spec) => [spec.table]);
      assert.deepEqual(outcomes, [{ dateDir: CLOSED, switched: true, deleted: 40 }]);
      assert.equal(metastore.readFrom, `${CLOSED}/_gen-1`);
      assert.equal(await duckdbCount(dataDir, DAY), TOTAL);
    } finally {
      await parquet.close();
    }
  });

  it('runs from a writer at most once per period, a failure logged and finished by a later run', async () => {
    const dataDir = tempDir('gamepipe-closed-');
    await smallFiles(dataDir);
    const metastore = metastoreFailingFirstSwitch();
    let clock = Date.now();
    const parquet = await createParquetWriter();
    const scratch = new ScratchDir(join(dataDir, 'lake', '_scratch'), 'compact');
    const policy = { ...defaultClosedPartitionPolicy, graceMs: 0 };
    const schedule = new ClosedPartitionSchedule(
      { storage: localLake(dataDir), parquet, scratch, locations: metastore.locations, policy, now: () => clock },
      60_000,
    );
    const run = () => schedule.runIfDue([buySpec], (spec) => [spec.table]);
    try {
      assert.deepEqual(await run(), [], 'the failed switch is logged, not thrown');
      clock += 59_000;
      assert.deepEqual(await run(), [], 'not due yet');
      assert.equal(metastore.readFrom, CLOSED);
      clock += 1_000;
      assert.deepEqual(await run(), [{ dateDir: CLOSED, switched: true, deleted: 40 }]);
      assert.equal(metastore.readFrom, `${CLOSED}/_gen-1`);
    } finally {
      await parquet.close();
    }
  });

  it('refuses, in one line and changing nothing, under Trino without a metastore URL', async () => {
    const dataDir = tempDir('gamepipe-closed-');
    await smallFiles(dataDir);
    const result = gamepipe(['tables', 'compact', '--data-dir', dataDir, '--trino-url', 'http://127.0.0.1:1']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr.split('\n')[0]!,
      /needs the Hive metastore behind it \(--metastore-url\): nothing was compacted/,
    );
    assert.equal(existsSync(join(dataDir, 'lake', CLOSED, '_gen-1')), false);
    assert.equal(dataFilesIn(join(dataDir, 'lake', CLOSED)).length, 40);
  });
});

describe('tables compact on a Trino over a Hive metastore', () => {
  const schema = uniqueName('gp_compact').replaceAll('-', '_');
  const metastore = new HiveMetastoreClient({ url: HIVE_METASTORE_URL });
  let declared = false;
  after(async () => {
    if (declared) await metastore.dropDatabase(schema, { cascade: true });
    await metastore.close();
  });

  it('never lets a Trino count(*) running through the compaction differ from the committed total', async (t) => {
    if (!TRINO_ON_HIVE_METASTORE_URL) {
      t.skip(
        'set GAMEPIPE_TEST_TRINO_HMS_URL to a Trino whose hive catalog uses the test metastore (GAMEPIPE_TEST_HIVE_METASTORE_URL)',
      );
      return;
    }
    if (!(await requireHiveMetastore(t)) || !(await requireTrinoOnHiveMetastore(t))) return;
    const dataDir = tempDir('gamepipe-closed-');
    await smallFiles(dataDir);
    const cluster = [
      '--data-dir',
      dataDir,
      '--trino-url',
      TRINO_ON_HIVE_METASTORE_URL,
      '--metastore-url',
      HIVE_METASTORE_URL,
      '--schema',
      schema,
    ];
    const created = gamepipe(['tables', 'create', 'buy', ...cluster]);
    declared = true;
    assert.equal(created.status, 0, created.stderr);

    const trino = new PrestoQueryEngine({
      engine: 'trino',
      url: TRINO_ON_HIVE_METASTORE_URL,
      user: 'gamepipe-test',
      schema,
    });
    try {
      const countSql = `SELECT count(*), count(DISTINCT "$path") FROM events_buy WHERE dt = '${DAY}'`;
      const counts: { rows: number; files: number; startedMs: number; endedMs: number }[] = [];
      let counting = true;
      const reader = (async () => {
        while (counting) {
          const startedMs = Date.now();
          const [[rows, files]] = (await queryAll(trino, countSql)).rows as [[number, number]];
          counts.push({ rows: Number(rows), files: Number(files), startedMs, endedMs: Date.now() });
        }
      })();
      try {
        while (counts.length < 2) await sleep(50);
        const compactStarted = Date.now();
        const output = await gamepipeAsync(['tables', 'compact', 'buy', ...cluster, '--grace', '3s']);
        const compactEnded = Date.now();
        assert.match(
          output,
          new RegExp(`${CLOSED}: 40 files merged into 2 \\(${TOTAL} rows\\) in generation 1, readers switched to it`),
        );
        const location = partitionLocation((await metastore.getPartition(schema, 'events_buy', `dt=${DAY}`))!);
        assert.match(location ?? '', new RegExp(`/${CLOSED}/_gen-1$`));
        // Counting on through the grace period, then the run that deletes the old files.
        await sleep(3100);
        const swept = await gamepipeAsync(['tables', 'compact', 'buy', ...cluster, '--grace', '3s']);
        assert.match(swept, new RegExp(`${CLOSED}: 40 older files deleted`));
        const afterSweep = counts.length;
        while (counts.length < afterSweep + 2) await sleep(50);
        counting = false;
        await reader;

        const during = counts.filter((c) => c.endedMs >= compactStarted && c.startedMs <= compactEnded);
        t.diagnostic(
          `${counts.length} counts, ${during.length} overlapping the compaction: ${counts.filter((c) => c.files === 40).length} over the small files, ${counts.filter((c) => c.files === 2).length} over generation 1`,
        );
        assert.ok(during.length > 0, 'a count ran while the compaction did');
        assert.ok(
          counts.some((c) => c.files === 40) && counts.at(-1)!.files === 2,
          'Trino read the small files, then the compacted ones',
        );
        assert.deepEqual(
          counts.filter((c) => c.rows !== TOTAL),
          [],
          `every count is the committed total ${TOTAL}`,
        );
      } finally {
        counting = false;
        await reader.catch(() => undefined);
      }
    } finally {
      await trino.close();
    }
    assert.equal(await duckdbCount(dataDir, DAY), TOTAL, 'DuckDB counts the same');
    assert.deepEqual(dataFilesIn(join(dataDir, 'lake', CLOSED)), [], 'the small files are gone after the grace period');

    // A metastore that lost the partition: `tables create` declares it again at the current generation.
    assert.equal(await metastore.dropPartition(schema, 'events_buy', `dt=${DAY}`), true);
    const again = gamepipe(['tables', 'create', 'buy', ...cluster]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(
      partitionLocation((await metastore.getPartition(schema, 'events_buy', `dt=${DAY}`))!) ?? '',
      new RegExp(`/${CLOSED}/_gen-1$`),
    );
    const recount = new PrestoQueryEngine({
      engine: 'trino',
      url: TRINO_ON_HIVE_METASTORE_URL,
      user: 'gamepipe-test',
      schema,
    });
    try {
      assert.equal(
        Number((await queryAll(recount, `SELECT count(*) FROM events_buy WHERE dt = '${DAY}'`)).rows[0]![0]),
        TOTAL,
      );
    } finally {
      await recount.close();
    }
  });
});
