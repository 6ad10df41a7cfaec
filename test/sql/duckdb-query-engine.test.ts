import assert from 'node:assert/strict';
import { mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { it } from 'node:test';
import { tableSpecs } from '../../src/events/tables.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { LakeCatalogRegistry } from '../../src/sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../../src/sql/lake-tables.js';
import { queryAll } from '../../src/sql/query-engine.js';
import { gamepipe } from '../helpers/cli.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';
import { writeParquet } from './lake-parquet-fixture.js';

const buySpec = tableSpecs.find((s) => s.name === 'buy')!;

it('--query-timeout stops a DuckDB query that runs longer, in one line naming the limit as Trino does', () => {
  const result = gamepipe([
    'query',
    'select count(*) from range(100000000000)',
    '--query-timeout',
    '300ms',
    '--data-dir',
    tempDir(),
  ]);
  assert.equal(result.status, 1);
  assert.equal(result.stderr, 'gamepipe: EXCEEDED_TIME_LIMIT: the query ran longer than 300 ms\n');
});

it("a query whose files a writer's compaction hid after the views were declared runs on the files committed now, each row once", async () => {
  const dataDir = tempDir();
  const lake = join(dataDir, 'lake');
  const day = 'events_buy/dt=2026-11-28';
  const small = [await writeParquet(lake, day, buySpec, 0, 9), await writeParquet(lake, day, buySpec, 10, 19)];
  const storage = localLake(dataDir);
  await new LakeCatalogRegistry(storage).create(allTableSpecs);
  const engine = await DuckdbQueryEngine.open(storage);
  try {
    // What the compaction commits: one file over the whole offset range, the merged-away files hidden in `_merged/`.
    await writeParquet(lake, day, buySpec, 0, 19);
    mkdirSync(join(lake, day, '_merged'));
    for (const file of small) renameSync(file, join(lake, day, '_merged', `${Date.now()}+${basename(file)}`));
    assert.deepEqual((await queryAll(engine, 'select count(*), count(distinct event_id) from events_buy')).rows, [
      [20, 20],
    ]);
  } finally {
    await engine.close();
  }
});

it('answers statements asked at once on one engine each in whole (the streaming results take turns)', async () => {
  const engine = await DuckdbQueryEngine.open(localLake(tempDir()));
  try {
    const answers = await Promise.all(
      [100_000, 50_000, 1].map(async (n) => (await queryAll(engine, `select * from range(${n})`)).rows.length),
    );
    assert.deepEqual(answers, [100_000, 50_000, 1]);
  } finally {
    await engine.close();
  }
});
