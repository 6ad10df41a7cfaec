import { DuckdbQueryEngine } from '../src/sql/engines/duckdb-query-engine.js';
import { LakeCatalogRegistry } from '../src/sql/engines/lake-catalog-registry.js';
import { allTableSpecs } from '../src/sql/lake-tables.js';
import { queryAll } from '../src/sql/query-engine.js';
import { localLake } from '../test/helpers/lake-query.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, percentile } from './bench-process.js';
import { figure, suite } from './figures.js';

const RUNS = 7;

async function timeQuery(dataDir: string, sql: string): Promise<{ p50: number; max: number; answer: unknown }> {
  const samples: number[] = [];
  let answer: unknown;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const engine = await DuckdbQueryEngine.open(localLake(dataDir));
    answer = (await queryAll(engine, sql)).rows.length;
    await engine.close();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(samples, 0.5), max: Math.max(...samples), answer };
}

/** Latency of the seed's sword count and of a group-by, over the lake the stream bench wrote. */
export async function queryBench(dataDir: string): Promise<void> {
  await new LakeCatalogRegistry(localLake(dataDir)).create(allTableSpecs);
  const count = await DuckdbQueryEngine.open(localLake(dataDir));
  const rows = (await queryAll(count, 'select count(*) from events_buy')).rows[0]![0];
  await count.close();
  suite(
    'query',
    `DuckDB over ${fmt(Number(rows))} buy events, median of ${RUNS} runs each, opening the tables every time (as gamepipe query does)`,
  );
  const sword = await timeQuery(dataDir, "select count(*) from events_buy where item_type = 'sword'");
  const groupBy = await timeQuery(
    dataDir,
    'select item_type, item_quality, count(*), sum(total_price) from events_buy group by 1, 2 order by 1, 2',
  );
  figure({ label: 'sword count p50', value: sword.p50, unit: 'ms', digits: 1 });
  figure({ label: `group-by (${groupBy.answer} groups) p50`, value: groupBy.p50, unit: 'ms', digits: 1 });
  const exports = Array.from({ length: 3 }, () => exportBuys(dataDir));
  figure({
    label: `csv export of ${fmt(exports[0]!.rows)} rows p50`,
    value: percentile(
      exports.map((e) => e.seconds),
      0.5,
    ),
    unit: 's',
    digits: 2,
  });
  figure({ label: 'csv export peak RSS', value: Math.max(...exports.map((e) => e.maxRssMb)), unit: 'MB' });
}

/** A csv export of every buy event, in a process of its own so that its peak memory is its own. */
function exportBuys(dataDir: string): { rows: number; seconds: number; maxRssMb: number } {
  const worker = fileURLToPath(new URL('./query-export-worker.js', import.meta.url));
  const result = spawnSync(process.execPath, [worker, dataDir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`query-export-worker exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { rows: number; seconds: number; maxRssMb: number };
}
