import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchDir } from './bench-process.js';
import { freshnessBench } from './freshness-bench.js';
import { fillLog } from './lake-fixture.js';
import { queryBench } from './query-bench.js';
import { serverBench } from './server-bench.js';
import { cliBench } from './cli-bench.js';
import { reportBench } from './report-bench.js';
import { BACKLOG, streamBench } from './stream-bench.js';
import { streamHdfsBench } from './stream-hdfs-bench.js';
import { trinoBench } from './trino-bench.js';
import { verifyBench } from './verify-bench.js';

/** Every suite but the cluster ones runs by default; `stream-hdfs` needs HDFS and `trino` needs Trino (test/services/). */
const suites = ['server', 'stream', 'query', 'cli', 'verify', 'freshness', 'report', 'stream-hdfs', 'trino'] as const;
const defaults = ['server', 'stream', 'query', 'cli', 'verify', 'freshness', 'report'] as const;
const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !(suites as readonly string[]).includes(a));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${suites.join(', ')} (none: all)`);
  process.exit(2);
}
const chosen: readonly string[] = asked.length === 0 ? defaults : asked;

console.log(`gamepipe benchmarks on ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log('Figures are for this machine only: compare runs on one machine, not across machines.\n');

const lakeDir = benchDir('lake');
if (chosen.includes('server')) await serverBench();
if (chosen.includes('stream')) await streamBench(lakeDir);
if (chosen.includes('query') || chosen.includes('trino') || chosen.includes('cli') || chosen.includes('verify')) {
  if (!chosen.includes('stream')) {
    await fillLog(lakeDir, BACKLOG);
    spawnSync(process.execPath, [fileURLToPath(new URL('./stream-worker.js', import.meta.url)), lakeDir], { stdio: 'ignore' });
  }
  if (chosen.includes('query')) await queryBench(lakeDir);
  if (chosen.includes('cli')) await cliBench(lakeDir);
  if (chosen.includes('verify')) await verifyBench(lakeDir);
  if (chosen.includes('trino')) await trinoBench(lakeDir);
}
if (chosen.includes('freshness')) await freshnessBench();
if (chosen.includes('report')) await reportBench();
if (chosen.includes('stream-hdfs')) await streamHdfsBench(benchDir('hdfs'));
