import { loadConfig } from '../src/config/load-config.js';
import { StreamWriter, streamDefaults } from '../src/streaming/stream-writer.js';

/** Runs `stream all --once` (with the CLI's defaults) on the data dir given as argument, into the lake given second (default: the data dir's), and prints its figures as JSON. */
const dataDir = process.argv[2]!;
const lake = process.argv[3];
const started = process.hrtime.bigint();
let events = 0;
let batches = 0;
const writer = await StreamWriter.open(loadConfig({ flags: { dataDir, ...(lake ? { lake } : {}) }, env: process.env }), {
  ...streamDefaults,
  target: 'all',
  once: true,
  parquetWriter: (process.env.BENCH_PARQUET_WRITER as 'duckdb' | 'parquetjs' | undefined) ?? 'duckdb',
  onProgress: (p) => {
    events += p.numInputRows;
    batches++;
  },
});
await writer.run();
await writer.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({ events, batches, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
