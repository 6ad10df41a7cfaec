import { QuerySession } from '../src/sql/query-session.js';
import { allTableSpecs, registerTables } from '../src/sql/table-catalog.js';
import { lakeRoot } from '../src/lake/lake-paths.js';
import { fmt, percentile } from './bench-process.js';

const RUNS = 7;

async function timeQuery(dataDir: string, sql: string): Promise<{ p50: number; max: number; answer: unknown }> {
  const samples: number[] = [];
  let answer: unknown;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const session = await QuerySession.open(dataDir);
    answer = (await session.query(sql)).rows.length;
    session.close();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { p50: percentile(samples, 0.5), max: Math.max(...samples), answer };
}

/** Latency of the seed's sword count and of a group-by, over the lake the stream bench wrote. */
export async function queryBench(dataDir: string): Promise<void> {
  registerTables(lakeRoot(dataDir), allTableSpecs);
  const count = await QuerySession.open(dataDir);
  const rows = (await count.query('select count(*) from events_buy')).rows[0]![0];
  count.close();
  console.log(`# query: DuckDB over ${fmt(Number(rows))} buy events, ${RUNS} runs each, opening the tables every time (as gamepipe query does)`);
  const sword = await timeQuery(dataDir, "select count(*) from events_buy where item_type = 'sword'");
  const groupBy = await timeQuery(dataDir, 'select item_type, item_quality, count(*), sum(total_price) from events_buy group by 1, 2 order by 1, 2');
  console.log(`  sword count:      p50 ${fmt(sword.p50, 1)} ms, max ${fmt(sword.max, 1)} ms`);
  console.log(`  group-by (${groupBy.answer} groups): p50 ${fmt(groupBy.p50, 1)} ms, max ${fmt(groupBy.max, 1)} ms`);
}
