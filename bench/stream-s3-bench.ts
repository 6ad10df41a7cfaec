import { fmt } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { fillLog } from './lake-fixture.js';
import { BACKLOG, runStreamWorker } from './stream-bench.js';

/** The test server of test/services/s3.sh unless BENCH_S3_LAKE (and the AWS variables) name another store. */
const S3_LAKE =
  process.env.BENCH_S3_LAKE ?? `s3://${process.env.GAMEPIPE_TEST_S3_BUCKET ?? 'gamepipe-test'}/gamepipe-bench`;

/**
 * The same backlog landed in a local lake and on S3, one after the other in one run. The S3 run
 * uses the adapter's defaults (5 MiB parts sent while the file is encoded, 2 in flight) and the rename-free commit: each file goes
 * up once, as a multipart upload completed at its final key (ObjectStoreTableFormat).
 */
export async function streamS3Bench(dataDir: string): Promise<void> {
  process.env.AWS_ENDPOINT_URL_S3 ??= process.env.GAMEPIPE_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9190';
  process.env.AWS_ACCESS_KEY_ID ??= 'gamepipe-test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'gamepipe-test-placeholder';
  process.env.AWS_REGION ??= 'us-east-1';
  suite(
    'stream-s3',
    `a backlog of ${fmt(BACKLOG)} buy events, stream all --once into a local lake, then into ${S3_LAKE}`,
  );
  note(
    `S3 endpoint: ${process.env.AWS_ENDPOINT_URL_S3}; commit: rename-free (multipart uploads completed at their final keys)`,
  );
  await fillLog(dataDir, BACKLOG);
  const local = runStreamWorker(dataDir);
  const s3 = runStreamWorker(dataDir, `${S3_LAKE}/${Date.now()}`);
  const rate = (f: typeof local) => f.events / f.seconds;
  const localRate = figure({ label: 'writer into a local directory', value: rate(local), unit: 'events/s' });
  figure({
    label: 'writer into S3',
    value: rate(s3),
    unit: 'events/s',
    baseline: { label: 'the local rate', value: localRate.value },
    target: { op: '>=', value: 0.7 },
  });
  figure({ label: 'writer peak RSS, local', value: local.maxRssMb, unit: 'MB' });
  figure({ label: 'writer peak RSS, S3', value: s3.maxRssMb, unit: 'MB', target: { op: '<=', value: 300 } });
}
