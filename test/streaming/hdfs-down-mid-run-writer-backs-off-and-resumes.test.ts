import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { gamepipeInBackground } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { sampleRecords } from '../helpers/events.js';
import { copyLakeToLocal, hdfsLake } from '../helpers/hdfs-lake.js';
import { queryLake } from '../helpers/lake-query.js';
import { requireHdfs } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';

const HDFS_SH = fileURLToPath(new URL('../../../test/services/hdfs.sh', import.meta.url));
const hdfs = (command: 'stop' | 'resume' | 'status') =>
  spawnSync('bash', [HDFS_SH, command], { encoding: 'utf8', timeout: 180_000 });

const lastEnd = (output: string): number => {
  const progress = output
    .split('\n')
    .filter((l) => l.startsWith('{"writer"'))
    .map((l) => JSON.parse(l) as { endOffset: Record<string, number> });
  return progress.at(-1)?.endOffset['0'] ?? 0;
};

it('HDFS stopped mid-run: the writer says so in one line per retry, commits nothing partial, and resumes when HDFS is back', async (t) => {
  if (!(await requireHdfs(t))) return;
  const dataDir = tempDir();
  const lake = hdfsLake('outage');
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  await log.append(sampleRecords(20_000));

  const writer = await gamepipeInBackground(
    [
      'stream',
      'all',
      '--json',
      '--trigger',
      '100ms',
      '--max-batch',
      '1000',
      '--max-file-rows',
      '500',
      '--data-dir',
      dataDir,
      ...lake.flags,
    ],
    '"batchId"',
  );
  try {
    assert.equal(hdfs('stop').status, 0);
    await log.append(sampleRecords(5_000, 20_000));
    await log.close();
    const retryLines = () =>
      writer
        .output()
        .split('\n')
        .filter((l) => l.startsWith('gamepipe stream all: '));
    assert.ok(await eventually(() => retryLines().length >= 2, 90_000), `retries reported: ${writer.output()}`);
    for (const line of retryLines()) {
      assert.match(
        line,
        /^gamepipe stream all: (WebHDFS at http:\/\/127\.0\.0\.1:9870|the HDFS DataNode at http:\/\/127\.0\.0\.1:\d+) is not reachable .*; try \d+ in \d+\.\ds$/,
      );
    }
    assert.equal(/\n\s+at /.test(writer.output()), false, 'no stack trace');
    const endWhileDown = lastEnd(writer.output());

    assert.equal(hdfs('resume').status, 0);
    assert.ok(
      await eventually(() => lastEnd(writer.output()) === 25_000, 120_000),
      `the writer caught up after the outage: ${writer.output().slice(-2000)}`,
    );
    assert.ok(endWhileDown < 25_000, 'the outage held the writer up');
    assert.equal(await writer.stop(), 0, writer.output());
  } finally {
    if (hdfs('status').status !== 0) hdfs('resume');
    await writer.stop('SIGKILL');
  }

  const storage = await lake.open();
  const local = tempDir();
  await copyLakeToLocal(storage, local);
  assert.deepEqual(await storage.list('_tmp'), [], 'no staged file is left');
  assert.deepEqual(await storage.list('_wal'), [], 'no pending intent is left');
  await storage.close();
  assert.deepEqual(
    await queryLake(
      local,
      'select (select count(*) from events_buy), (select count(distinct log_offset) from events_buy), (select count(*) from events_user), (select count(*) from events_guild)',
    ),
    [[15_000, 15_000, 5_000, 5_000]],
  );
});
