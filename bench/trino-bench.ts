import { loadConfig } from '../src/config/load-config.js';
import { LocalLakeStorage } from '../src/lake/storage/local/local-lake-storage.js';
import { LakeCatalogRegistry } from '../src/sql/engines/lake-catalog-registry.js';
import { openQueryEngine, openTableRegistry } from '../src/sql/open-query-engine.js';
import { queryAll, type QueryEngine } from '../src/sql/query-engine.js';
import { allTableSpecs } from '../src/sql/lake-tables.js';
import { benchDir, fmt, percentile, startGamepipe } from './bench-process.js';
import { figure, suite } from './figures.js';
import { probeFreshness } from './freshness-probe.js';

const TRINO_URL = process.env.BENCH_TRINO_URL ?? 'http://127.0.0.1:8080';
const RUNS = 7;
const PROBES = Number(process.env.BENCH_PROBES ?? 10);
const SWORDS = "select count(*) from events_buy where item_type = 'sword'";
const GROUP_BY =
  'select item_type, item_quality, count(*), sum(total_price) from events_buy group by 1, 2 order by 1, 2';

async function time(engine: QueryEngine, sql: string): Promise<{ p50: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await queryAll(engine, sql);
    samples.push(performance.now() - started);
  }
  return { p50: percentile(samples, 0.5), max: Math.max(...samples) };
}

/** The sword count and a group-by on Trino beside DuckDB over the same lake, and purchase-to-Trino freshness. */
export async function trinoBench(lakeDataDir: string): Promise<void> {
  const schema = `bench_${Date.now()}`;
  const config = loadConfig({ flags: { dataDir: lakeDataDir, trinoUrl: TRINO_URL, schema }, env: {} });
  const storage = new LocalLakeStorage(`${lakeDataDir}/lake`);
  const registry = await openTableRegistry(config, storage);
  await registry.create(allTableSpecs);
  for (const spec of allTableSpecs) await registry.addPartitions(spec);
  await registry.close();
  await new LakeCatalogRegistry(storage).create(allTableSpecs);
  const trino = await openQueryEngine(config, storage);
  const duckdb = await openQueryEngine({ ...config, engine: 'duckdb' }, storage);
  const [[rows]] = (await queryAll(duckdb, 'select count(*) from events_buy')).rows as [[number]];
  suite(
    'trino',
    `Trino (${TRINO_URL}) beside DuckDB over the same ${fmt(rows!)} buy events, median of ${RUNS} runs each on an open session`,
  );
  for (const [label, sql] of [
    ['sword count', SWORDS],
    ['group-by', GROUP_BY],
  ] as const) {
    const onTrino = await time(trino, sql);
    const onDuckdb = await time(duckdb, sql);
    const duckdbFigure = figure({ label: `${label} on DuckDB p50`, value: onDuckdb.p50, unit: 'ms', digits: 1 });
    figure({
      label: `${label} on Trino p50`,
      value: onTrino.p50,
      unit: 'ms',
      digits: 1,
      baseline: { label: 'DuckDB', value: duckdbFigure.value },
    });
  }
  await queryAll(trino, `drop schema hive.${schema} cascade`);
  await trino.close();
  await duckdb.close();
  await freshnessOnTrino();
}

/** 2xx of a purchase to its row counted by Trino, with `gamepipe up --trino-url` defaults. */
async function freshnessOnTrino(): Promise<void> {
  const dataDir = benchDir('trino-freshness');
  const schema = `bench_fresh_${Date.now()}`;
  const up = await startGamepipe(
    ['up', '--quiet', '--data-dir', dataDir, '--trino-url', TRINO_URL, '--schema', schema],
    process.cwd(),
  );
  const config = loadConfig({ flags: { dataDir, trinoUrl: TRINO_URL, schema }, env: {} });
  const trino = await openQueryEngine(config, new LocalLakeStorage(`${dataDir}/lake`));
  try {
    const delays = await probeFreshness(
      up.url,
      PROBES,
      async (quantity) =>
        (await queryAll(trino, `select count(*) from events_buy where quantity = ${quantity}`)).rows[0]![0] === 1,
    );
    figure({
      label: `2xx -> visible in Trino p50 (${PROBES} buys)`,
      value: percentile(delays, 0.5),
      unit: 's',
      digits: 2,
    });
    figure({
      label: `2xx -> visible in Trino p95 (${PROBES} buys)`,
      value: percentile(delays, 0.95),
      unit: 's',
      digits: 2,
    });
  } finally {
    await queryAll(trino, `drop schema if exists hive.${schema} cascade`).catch(() => undefined);
    await trino.close();
    await up.stop();
  }
}
