import { statSync } from 'node:fs';
import { loadConfig } from '../src/config/load-config.js';
import { committedFiles } from '../src/lake/lake-files.js';
import { ownerDirs, ownersOf } from '../src/lake/owners.js';
import type { LakeStorage } from '../src/lake/storage/lake-storage.js';
import { openLakeStorage } from '../src/lake/storage/open-lake-storage.js';
import { deploymentOf } from '../src/config/deployment.js';
import { defaultBatching, streamDefaults } from '../src/streaming/batching.js';
import { StreamWriter } from '../src/streaming/stream-writer.js';

/**
 * Runs `stream all` (with the CLI's defaults) on the data dir given as argument, into the lake given
 * second (default: the data dir's), and prints its figures as JSON: `--once` by default, or for
 * BENCH_STREAM_SECONDS seconds when set (a trickle fed by the bench). Bytes written to the lake are
 * every Parquet file handed to it (batches and merges); bytes held are the files queries read at the end.
 */
const dataDir = process.argv[2]!;
const lake = process.argv[3];
const seconds = process.env.BENCH_STREAM_SECONDS === undefined ? undefined : Number(process.env.BENCH_STREAM_SECONDS);
const config = loadConfig({ flags: { dataDir, ...(lake ? { lake } : {}) }, env: process.env });
const opened = await openLakeStorage(config);
let bytesWritten = 0;
const storage = new Proxy(opened, {
  get(target, name, receiver) {
    if (name === 'upload') {
      return (localFile: string, path: string) => {
        bytesWritten += statSync(localFile).size;
        return target.upload(localFile, path);
      };
    }
    const value = Reflect.get(target, name, receiver) as unknown;
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
  },
}) as LakeStorage;

const started = process.hrtime.bigint();
let events = 0;
let batches = 0;
const writer = await StreamWriter.open(config, {
  ...streamDefaults,
  ...defaultBatching(deploymentOf(config)),
  deployment: deploymentOf(config),
  target: 'all',
  once: seconds === undefined,
  parquetWriter: (process.env.BENCH_PARQUET_WRITER as 'duckdb' | 'parquetjs' | undefined) ?? 'duckdb',
  storage,
  onProgress: (p) => {
    events += p.numInputRows;
    batches++;
  },
});
if (seconds !== undefined) setTimeout(() => writer.stop(), seconds * 1000);
await writer.run();
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
let lakeBytes = 0;
let lakeFiles = 0;
for (const dir of ownersOf('all').flatMap(ownerDirs)) {
  for (const file of await committedFiles(opened, dir)) {
    lakeBytes += file.size;
    lakeFiles++;
  }
}
await writer.close();
process.stdout.write(
  JSON.stringify({
    events,
    batches,
    seconds: elapsed,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    bytesWritten,
    lakeBytes,
    lakeFiles,
  }),
);
