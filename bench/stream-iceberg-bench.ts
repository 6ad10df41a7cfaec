import { HiveMetastoreClient } from '../src/metastore/hive-metastore-client.js';
import { fmt } from './bench-process.js';
import { figure, suite } from './figures.js';
import { fillLog } from './lake-fixture.js';
import { BACKLOG, runStreamWorker } from './stream-bench.js';

const HDFS_LAKE = process.env.BENCH_HDFS_LAKE ?? 'hdfs://127.0.0.1:8020/gamepipe-bench';
const METASTORE_URL = process.env.BENCH_METASTORE_URL ?? 'thrift://127.0.0.1:9083';

/** The same backlog landed on HDFS into Hive tables, then into Iceberg tables committed to the Hive metastore, one after the other in one run. */
export async function streamIcebergBench(dataDir: string): Promise<void> {
  suite(
    'iceberg',
    `a backlog of ${fmt(BACKLOG)} buy events, stream all --once into Hive tables on ${HDFS_LAKE}, then into Iceberg tables (metastore ${METASTORE_URL})`,
  );
  await fillLog(dataDir, BACKLOG);
  const run = Date.now();
  const schema = `gamepipe_bench_${run}`;
  const hive = runStreamWorker(dataDir, `${HDFS_LAKE}/hive-${run}`);
  const metastore = new HiveMetastoreClient({ url: METASTORE_URL });
  try {
    await metastore.createDatabase(schema);
    const iceberg = runStreamWorker(dataDir, `${HDFS_LAKE}/iceberg-${run}`, {
      GAMEPIPE_TABLE_FORMAT: 'iceberg',
      GAMEPIPE_METASTORE_URL: METASTORE_URL,
      GAMEPIPE_SCHEMA: schema,
    });
    const rate = (f: typeof hive) => f.events / f.seconds;
    const hiveRate = figure({ label: 'writer into Hive tables on HDFS', value: rate(hive), unit: 'events/s' });
    figure({
      label: 'writer into Iceberg tables on HDFS',
      value: rate(iceberg),
      unit: 'events/s',
      baseline: { label: 'the Hive rate', value: hiveRate.value },
      target: { op: '>=', value: 0.8 },
    });
    figure({ label: 'writer peak RSS, Hive tables', value: hive.maxRssMb, unit: 'MB' });
    figure({ label: 'writer peak RSS, Iceberg tables', value: iceberg.maxRssMb, unit: 'MB' });
    figure({ label: 'batches, Iceberg tables', value: iceberg.batches, unit: 'batches' });
  } finally {
    await metastore.dropDatabase(schema, { cascade: true }).catch(() => false);
    await metastore.close();
  }
}
