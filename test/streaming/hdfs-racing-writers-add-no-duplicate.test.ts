import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { GAMEPIPE_BIN } from '../helpers/cli.js';
import { sampleRecords } from '../helpers/events.js';
import { copyLakeToLocal, hdfsLake } from '../helpers/hdfs-lake.js';
import { queryLake } from '../helpers/lake-query.js';
import { requireHdfs } from '../helpers/services.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROUNDS = 3;

/** Runs `gamepipe <args>` and resolves with its exit code and stderr (killed if it runs past a minute). */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [GAMEPIPE_BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

it('two writers for one table started together on one HDFS lake: one lands the events, the other is refused in one line, and no row is doubled', async (t) => {
  if (!(await requireHdfs(t))) return;
  const dataDir = tempDir();
  const lake = hdfsLake('race');
  const args = [
    'stream',
    'buy',
    '--once',
    '--trigger',
    '100ms',
    '--max-batch',
    '500',
    '--data-dir',
    dataDir,
    ...lake.flags,
  ];
  let refused = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
    await log.append(sampleRecords(3_000, round * 3_000));
    await log.close();
    const results = await Promise.all([run(args), run(args)]);
    assert.ok(
      results.some((r) => r.code === 0),
      `a writer succeeded: ${JSON.stringify(results)}`,
    );
    for (const result of results.filter((r) => r.code !== 0)) {
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        /^gamepipe: a stream writer for buy already owns buy \(log partition 0\) in this lake \(host .*, pid \d+\) \(stop it first, or wait for its lease to expire\)\n$/,
      );
      refused++;
    }
  }
  const storage = await lake.open();
  const local = tempDir();
  await copyLakeToLocal(storage, local);
  await storage.close();
  assert.deepEqual(await queryLake(local, 'select count(*), count(distinct log_offset) from events_buy'), [
    [ROUNDS * 1_800, ROUNDS * 1_800],
  ]);
  t.diagnostic(`${refused} of ${ROUNDS * 2} writers were refused because the other held the table`);
});
