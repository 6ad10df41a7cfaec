import { createWriteStream } from 'node:fs';
import { DuckdbQueryEngine } from '../src/sql/engines/duckdb-query-engine.js';
import { printQuery } from '../src/sql/print/print-query.js';
import { localLake } from '../test/helpers/lake-query.js';

/** Exports every buy event of the data dir given as argument to /dev/null in csv, as `gamepipe query --format csv` does; prints its figures as JSON. */
const started = process.hrtime.bigint();
const engine = await DuckdbQueryEngine.open(localLake(process.argv[2]!));
const output = createWriteStream('/dev/null');
const { rowCount } = await printQuery(engine, 'select * from events_buy', 'csv', output);
await new Promise((resolve) => output.end(resolve));
await engine.close();
process.stdout.write(
  JSON.stringify({
    rows: rowCount,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
