import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchDir } from './bench-process.js';
import { freshnessBench } from './freshness-bench.js';
import { kafkaBench } from './kafka-bench.js';
import { scaleBench } from './scale-bench.js';
import { fillLog } from './lake-fixture.js';
import { queryBench } from './query-bench.js';
import { serverBench } from './server-bench.js';
import { soakBench } from './soak-bench.js';
import { cliBench } from './cli-bench.js';
import { reportBench } from './report-bench.js';
import { BACKLOG, stream5mBench, streamBench } from './stream-bench.js';
import { streamHdfsBench } from './stream-hdfs-bench.js';
import { streamS3Bench } from './stream-s3-bench.js';
import { icebergBench } from './iceberg-bench.js';
import { trinoBench } from './trino-bench.js';
import { verifyBench } from './verify-bench.js';
import { writeFiguresJson } from './figures.js';

/** `npm run bench -- [suite ...] [--json [file.json]]`: the suites to run, and where to write the figures as JSON. */
function parseArgs(args: string[]): { names: string[]; jsonPath?: string } {
  const at = args.indexOf('--json');
  if (at < 0) return { names: args };
  const file = args[at + 1]?.endsWith('.json') ? args[at + 1] : undefined;
  return {
    names: args.filter((_, i) => i !== at && !(file !== undefined && i === at + 1)),
    jsonPath: file ?? 'bench-figures.json',
  };
}

/**
 * Every suite but the cluster ones, `stream-5m` (long) and the soak runs by default; `stream-hdfs` needs HDFS, `stream-s3` an S3 store (test/services/s3.sh), `iceberg` HDFS, Kafka, the metastore and Trino (ICEBERG_BENCH_MINUTES per format under load, default 10), `trino`
 * needs Trino, `kafka` needs Kafka and `scale` Redis and Kafka (test/services/); `soak` holds a rate for SOAK_MINUTES (default 10).
 */
const suites = [
  'server',
  'stream',
  'query',
  'cli',
  'verify',
  'freshness',
  'report',
  'stream-hdfs',
  'stream-s3',
  'iceberg',
  'trino',
  'kafka',
  'scale',
  'stream-5m',
  'soak',
] as const;
const defaults = ['server', 'stream', 'query', 'cli', 'verify', 'freshness', 'report'] as const;
const { names: asked, jsonPath } = parseArgs(process.argv.slice(2));
const unknown = asked.filter((a) => !(suites as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${suites.join(', ')} (none: all)`);
  process.exit(2);
}
const chosen: readonly string[] = asked.length === 0 ? defaults : asked;

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'cpu',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
};
console.log(`gamepipe benchmarks on ${machine.cpus} x ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`);
console.log('Figures are for this machine only: compare runs on one machine, not across machines.\n');

const lakeDir = benchDir('lake');
if (chosen.includes('server')) await serverBench();
if (chosen.includes('stream')) await streamBench(lakeDir);
if (chosen.includes('query') || chosen.includes('trino') || chosen.includes('cli') || chosen.includes('verify')) {
  if (!chosen.includes('stream')) {
    await fillLog(lakeDir, BACKLOG);
    spawnSync(process.execPath, [fileURLToPath(new URL('./stream-worker.js', import.meta.url)), lakeDir], {
      stdio: 'ignore',
    });
  }
  if (chosen.includes('query')) await queryBench(lakeDir);
  if (chosen.includes('cli')) await cliBench(lakeDir);
  if (chosen.includes('verify')) await verifyBench(lakeDir);
  if (chosen.includes('trino')) await trinoBench(lakeDir);
}
if (chosen.includes('freshness')) await freshnessBench();
if (chosen.includes('report')) await reportBench();
if (chosen.includes('stream-hdfs')) await streamHdfsBench(benchDir('hdfs'));
if (chosen.includes('stream-s3')) await streamS3Bench(benchDir('s3'));
if (chosen.includes('iceberg')) await icebergBench();
if (chosen.includes('kafka')) await kafkaBench();
if (chosen.includes('scale')) await scaleBench();
if (chosen.includes('stream-5m')) await stream5mBench();
if (chosen.includes('soak')) await soakBench();
if (jsonPath !== undefined) {
  writeFiguresJson(jsonPath, machine);
  console.log(`\nfigures written to ${jsonPath}`);
}
