import { fmt } from './bench-process.js';
import { fillLog } from './lake-fixture.js';
import { BACKLOG, runStreamWorker } from './stream-bench.js';

const HDFS_LAKE = process.env.BENCH_HDFS_LAKE ?? 'hdfs://127.0.0.1:8020/gamepipe-bench';

/** The same backlog landed in a local lake and on HDFS (WebHDFS), one after the other in one run. */
export async function streamHdfsBench(dataDir: string): Promise<void> {
  console.log(`# stream-hdfs: a backlog of ${fmt(BACKLOG)} buy events, stream all --once into a local lake, then into ${HDFS_LAKE}`);
  await fillLog(dataDir, BACKLOG);
  const local = runStreamWorker(dataDir);
  const hdfs = runStreamWorker(dataDir, `${HDFS_LAKE}/${Date.now()}`);
  const rate = (f: typeof local) => f.events / f.seconds;
  console.log(`  local directory:  ${fmt(rate(local))} events/s, ${local.batches} batches in ${fmt(local.seconds, 1)} s, peak RSS ${fmt(local.maxRssMb)} MB`);
  console.log(`  HDFS (WebHDFS):   ${fmt(rate(hdfs))} events/s, ${hdfs.batches} batches in ${fmt(hdfs.seconds, 1)} s, peak RSS ${fmt(hdfs.maxRssMb)} MB (${fmt((rate(hdfs) / rate(local)) * 100)}% of the local rate)`);
}
