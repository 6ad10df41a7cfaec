import { createConnection } from 'node:net';
import type { TestContext } from 'node:test';

export const REDIS_URL = process.env.GAMEPIPE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
export const KAFKA_BROKERS = (process.env.GAMEPIPE_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
/** The test HDFS: NameNode RPC (what `hdfs://` URIs name) and its WebHDFS HTTP address. */
export const HDFS_URI = process.env.GAMEPIPE_TEST_HDFS_URI ?? 'hdfs://127.0.0.1:8020';
export const WEBHDFS_URL = process.env.GAMEPIPE_TEST_WEBHDFS_URL ?? 'http://127.0.0.1:9870';
export const TRINO_URL = process.env.GAMEPIPE_TEST_TRINO_URL ?? 'http://127.0.0.1:8080';
/** The test Hive metastore's Thrift address. */
export const HIVE_METASTORE_URL = process.env.GAMEPIPE_TEST_HIVE_METASTORE_URL ?? 'thrift://127.0.0.1:9083';

function reachable(hostPort: string): Promise<boolean> {
  const url = new URL(hostPort.includes('://') ? hostPort : `tcp://${hostPort}`);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Returns true when the service answers. When it does not: under CI the test fails (a missing
 * service is a broken CI, never a pass); on a developer machine the test is skipped with a note.
 */
async function requireService(t: TestContext, name: string, address: string, howToStart: string): Promise<boolean> {
  if (await reachable(address)) return true;
  const message = `${name} is not reachable at ${address}; start it with: ${howToStart}`;
  if (process.env.CI) throw new Error(message);
  t.skip(message);
  return false;
}

export const requireRedis = (t: TestContext) => requireService(t, 'Redis', REDIS_URL, 'redis-server --daemonize yes');
export const requireKafka = (t: TestContext) =>
  requireService(t, 'Kafka', KAFKA_BROKERS[0]!, 'test/services/kafka.sh start');
export const requireHdfs = (t: TestContext) =>
  requireService(t, 'HDFS (WebHDFS)', WEBHDFS_URL, 'test/services/hdfs.sh start');
export const requireTrino = (t: TestContext) => requireService(t, 'Trino', TRINO_URL, 'test/services/trino.sh start');
export const requireHiveMetastore = (t: TestContext) =>
  requireService(t, 'Hive metastore', HIVE_METASTORE_URL, 'test/services/hive-metastore.sh start');
/**
 * A Trino whose `hive` catalog uses the test Hive metastore, for the tests that switch partition
 * locations in it. Opt-in (GAMEPIPE_TEST_TRINO_HMS_URL) while the shared test Trino keeps its file metastore.
 */
export const TRINO_ON_HIVE_METASTORE_URL = process.env.GAMEPIPE_TEST_TRINO_HMS_URL;
export const requireTrinoOnHiveMetastore = (t: TestContext) =>
  requireService(
    t,
    'Trino on the Hive metastore',
    TRINO_ON_HIVE_METASTORE_URL ?? 'http://127.0.0.1:8081',
    `GAMEPIPE_TEST_TRINO_PORT=8081 GAMEPIPE_TEST_TRINO_METASTORE_URI=${HIVE_METASTORE_URL} test/services/trino.sh start`,
  );
