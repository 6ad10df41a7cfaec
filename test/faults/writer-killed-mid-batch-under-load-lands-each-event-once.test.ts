import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gamepipeInBackground } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freePort, loadInBackground, serve, sleep, untilBuying, writers } from './fault-pipeline.js';

it('writers SIGKILLed mid-batch again and again during one load run land every accepted event exactly once', async () => {
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  const runFile = join(dataDir, 'run.json');
  const load = loadInBackground(url, runFile, [
    '--players',
    '8',
    '--duration',
    '15s',
    '--connections',
    '4',
    '--seed',
    '31',
  ]);
  let loading = true;
  const done = load.done.finally(() => (loading = false));
  await untilBuying(url);
  let kills = 0;
  let batches = 0;
  while (loading) {
    const writer = await gamepipeInBackground(
      ['stream', 'all', '--trigger', '100ms', '--max-batch', '300', ...flags],
      'started, writing to',
    );
    const committed = () =>
      writer
        .output()
        .split('\n')
        .filter((l) => l.startsWith('[all] batch')).length;
    await eventually(() => committed() > 0 || !loading, 30_000, 50);
    await sleep(Math.random() * 300); // batches follow each other under load: this lands in the next one
    assert.equal(await writer.stop('SIGKILL'), null, 'the writer died of the SIGKILL');
    kills++;
    batches += committed();
  }
  const { code, stderr } = await done;
  assert.equal(code, 0, stderr);
  assert.equal(await server.stop(), 0);
  assert.ok(
    kills >= 2 && batches > 0,
    `writers were killed while traffic ran (${kills} kills, ${batches} batches committed before them)`,
  );
  assert.equal(readRun(runFile).unanswered, 0, 'the server answered every request: the totals are exact');

  const writer = await writers(flags);
  await eventuallyLakeEqualsRun(runFile, { flags });
  assert.equal(await writer.stop(), 0);
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_tmp')), [], 'no staged file is left behind');
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_wal')), [], 'no unfinished commit is left behind');
});
