import { join } from 'node:path';
import { LocalLakeStorage } from '../src/lake/storage/local/local-lake-storage.js';
import { httpMetrics, PipelineSampler } from '../src/metrics/pipeline-sampler.js';
import { DuckdbQueryEngine } from '../src/sql/engines/duckdb-query-engine.js';

/** What `gamepipe dashboard` does to a server, without a screen: polls it and its lake until killed. */
const [url, dataDir] = process.argv.slice(2) as [string, string];
const storage = new LocalLakeStorage(join(dataDir, 'lake'));
const sampler = new PipelineSampler({
  fetchMetrics: httpMetrics(url),
  storage,
  openEngine: () => DuckdbQueryEngine.open(storage),
});
let snapshots = 0;
sampler.subscribe(() => snapshots++);
sampler.start();
process.once('SIGTERM', () => {
  void sampler.stop().then(() => {
    process.stdout.write(String(snapshots));
    process.exit(0);
  });
});
