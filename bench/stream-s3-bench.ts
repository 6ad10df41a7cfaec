import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, fmt, median } from './bench-process.js';
import { figure, note, suite } from './figures.js';
import { fillLog } from './lake-fixture.js';
import { BACKLOG, runStreamWorker, type StreamFigures } from './stream-bench.js';

/** The test server of test/services/s3.sh unless BENCH_S3_LAKE (and the AWS variables) name another store. */
const S3_LAKE =
  process.env.BENCH_S3_LAKE ?? `s3://${process.env.GAMEPIPE_TEST_S3_BUCKET ?? 'gamepipe-test'}/gamepipe-bench`;
/** Rounds of (local, S3), alternating which goes first: this machine is shared, so medians of pairs. */
const ROUNDS = Number(process.env.BENCH_S3_ROUNDS ?? 3);

/**
 * The CPU seconds the store's process has used so far, when it is the local test server
 * (test/services/s3.sh keeps its pid): the store shares this machine's cores with the writer, so
 * its CPU is part of what the S3 run costs here. Undefined for another store.
 */
function storeCpuSeconds(): number | undefined {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? '';
  const port = /^http:\/\/127\.0\.0\.1:(\d+)/.exec(endpoint)?.[1];
  if (!port) return undefined;
  const services = process.env.GAMEPIPE_TEST_SERVICES_DIR ?? '/tmp/gamepipe-services';
  const pidFile = join(services, port === '9190' ? 's3' : `s3-${port}`, 'pid');
  if (!existsSync(pidFile)) return undefined;
  try {
    return cpuSeconds(Number(readFileSync(pidFile, 'utf8').trim()));
  } catch {
    return undefined;
  }
}

/**
 * The same backlog landed in a local lake and on S3, in alternating rounds. The S3 run uses the
 * adapter's defaults (5 MiB parts sent while the file is encoded, 2 in flight) and the rename-free
 * commit: each file goes up once, as a multipart upload completed at its final key
 * (ObjectStoreTableFormat).
 */
export async function streamS3Bench(dataDir: string): Promise<void> {
  process.env.AWS_ENDPOINT_URL_S3 ??= process.env.GAMEPIPE_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9190';
  process.env.AWS_ACCESS_KEY_ID ??= 'gamepipe-test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'gamepipe-test-placeholder';
  process.env.AWS_REGION ??= 'us-east-1';
  suite(
    'stream-s3',
    `a backlog of ${fmt(BACKLOG)} buy events, stream all --once into a local lake and into ${S3_LAKE}, ${ROUNDS} alternating rounds`,
  );
  note(
    `S3 endpoint: ${process.env.AWS_ENDPOINT_URL_S3}; commit: rename-free (multipart uploads completed at their final keys)`,
  );
  await fillLog(dataDir, BACKLOG);
  // One S3 run first, not counted: a store that serves has compiled its request path long since (a
  // JVM's JIT, S3Mock's here); the writer is a new process each run either way.
  runStreamWorker(dataDir, `${S3_LAKE}/warm-up-${Date.now()}`);
  note('one S3 run before the rounds warmed the store up, not counted');
  const local: StreamFigures[] = [];
  const s3: StreamFigures[] = [];
  const storeCpu: number[] = [];
  const runS3 = () => {
    const before = storeCpuSeconds();
    s3.push(runStreamWorker(dataDir, `${S3_LAKE}/${Date.now()}`));
    const after = storeCpuSeconds();
    if (before !== undefined && after !== undefined) storeCpu.push(after - before);
  };
  for (let round = 0; round < ROUNDS; round++) {
    // The local run lands in the data dir's own lake: a fresh one each round, as S3 gets a fresh prefix.
    const runLocal = () => local.push(runStreamWorker(dataDir, `${dataDir}/lake-${round}`));
    if (round % 2 === 0) {
      runLocal();
      runS3();
    } else {
      runS3();
      runLocal();
    }
  }
  const rate = (f: StreamFigures) => f.events / f.seconds;
  const ratios = s3.map((f, i) => rate(f) / rate(local[i]!));
  note(`S3 / local per round: ${ratios.map((r) => fmt(r, 2)).join(', ')}`);
  const localRate = figure({
    label: 'writer into a local directory',
    value: median(local.map(rate)),
    unit: 'events/s',
  });
  figure({
    label: 'writer into S3',
    value: median(s3.map(rate)),
    unit: 'events/s',
    baseline: { label: 'the local rate', value: localRate.value },
    target: { op: '>=', value: 0.7 },
  });
  figure({ label: 'S3 / local, median of the rounds', value: median(ratios), unit: '', digits: 2 });
  if (storeCpu.length > 0)
    figure({
      label: 'the store process, CPU per S3 run',
      value: median(storeCpu),
      unit: 's',
      digits: 2,
    });
  figure({ label: 'writer CPU, local', value: median(local.map((f) => f.cpuSeconds)), unit: 's', digits: 2 });
  figure({ label: 'writer CPU, S3', value: median(s3.map((f) => f.cpuSeconds)), unit: 's', digits: 2 });
  figure({ label: 'writer peak RSS, local', value: Math.max(...local.map((f) => f.maxRssMb)), unit: 'MB' });
  figure({
    label: 'writer peak RSS, S3',
    value: Math.max(...s3.map((f) => f.maxRssMb)),
    unit: 'MB',
    target: { op: '<=', value: 300 },
  });
}
