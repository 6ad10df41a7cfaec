import { DuckdbQueryEngine } from '../src/sql/engines/duckdb-query-engine.js';
import { queryAll } from '../src/sql/query-engine.js';
import { localLake } from '../test/helpers/lake-query.js';
import { benchDir, fmt, percentile, startGamepipe } from './bench-process.js';
import { probeFreshness } from './freshness-probe.js';

const PROBES = Number(process.env.BENCH_PROBES ?? 30);

/** Seconds from a purchase's 2xx to its row being visible to a query, with `gamepipe up` defaults. */
export async function freshnessBench(): Promise<void> {
  console.log(`# freshness: gamepipe up with its default trigger, ${PROBES} purchases one after another, each polled for every 50 ms`);
  const dataDir = benchDir('freshness');
  const up = await startGamepipe(['up', '--quiet', '--data-dir', dataDir], process.cwd());
  try {
    const delays = await probeFreshness(up.url, PROBES, async (quantity) => {
      const engine = await DuckdbQueryEngine.open(localLake(dataDir));
      const [[visible]] = (await queryAll(engine, `select count(*) from events_buy where quantity = ${quantity}`)).rows as number[][];
      await engine.close();
      return visible === 1;
    });
    console.log(`  2xx -> visible to query: p50 ${fmt(percentile(delays, 0.5), 2)} s, p95 ${fmt(percentile(delays, 0.95), 2)} s, max ${fmt(Math.max(...delays), 2)} s`);
  } finally {
    await up.stop();
  }
}
