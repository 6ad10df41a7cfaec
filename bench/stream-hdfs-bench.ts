import { fmt } from './bench-process.js';
import { figure, suite } from './figures.js';
import { fillLog } from './lake-fixture.js';
import { BACKLOG, runStreamWorker } from './stream-bench.js';

const HDFS_LAKE = process.env.BENCH_HDFS_LAKE ?? 'hdfs://127.0.0.1:8020/gamepipe-bench';

/** The same backlog landed in a local lake and on HDFS (WebHDFS), one after the other in one run. */
export async function streamHdfsBench(dataDir: string): Promise<void> {
  suite(
    'stream-hdfs',
    `a backlog of ${fmt(BACKLOG)} buy events, stream all --once into a local lake, then into ${HDFS_LAKE}`,
  );
  await fillLog(dataDir, BACKLOG);
  const local = runStreamWorker(dataDir);
  const hdfs = runStreamWorker(dataDir, `${HDFS_LAKE}/${Date.now()}`);
  const rate = (f: typeof local) => f.events / f.seconds;
  const localRate = figure({ label: 'writer into a local directory', value: rate(local), unit: 'events/s' });
  figure({
    label: 'writer into HDFS (WebHDFS)',
    value: rate(hdfs),
    unit: 'events/s',
    baseline: { label: 'the local rate', value: localRate.value },
  });
  figure({ label: 'writer peak RSS, local', value: local.maxRssMb, unit: 'MB' });
  figure({ label: 'writer peak RSS, HDFS', value: hdfs.maxRssMb, unit: 'MB' });
}
