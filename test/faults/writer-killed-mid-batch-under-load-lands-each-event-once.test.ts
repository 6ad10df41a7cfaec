import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gamepipeInBackground } from '../helpers/cli.js';
import { eventuallyLakeEqualsRun, readRun } from '../helpers/lake-equals-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { freePort, loadInBackground, serve, sleep, untilBuying, writers } from './fault-pipeline.js';

const KILLS = 4;

it('writers SIGKILLed mid-batch again and again during one load run land every accepted event exactly once', async () => {
  const dataDir = tempDir();
  const flags = ['--data-dir', dataDir];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  const runFile = join(dataDir, 'run.json');
  const load = loadInBackground(url, runFile, ['--players', '20', '--duration', '8s', '--connections', '4', '--seed', '31']);
  await untilBuying(url);
  let batchesBeforeKills = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    const writer = await gamepipeInBackground(['stream', 'all', '--json', '--trigger', '100ms', '--max-batch', '300', ...flags], '"batchId"');
    await sleep(Math.random() * 400);
    assert.equal(await writer.stop('SIGKILL'), null, 'the writer died of the SIGKILL');
    batchesBeforeKills += writer.output().split('\n').filter((l) => l.startsWith('{')).length;
  }
  const { code, stderr } = await load.done;
  assert.equal(code, 0, stderr);
  assert.equal(await server.stop(), 0);
  assert.ok(batchesBeforeKills >= KILLS, `each writer committed batches before its kill (${batchesBeforeKills})`);
  assert.equal(readRun(runFile).unanswered, 0, 'the server answered every request: the totals are exact');

  const writer = await writers(flags);
  await eventuallyLakeEqualsRun(runFile, { flags });
  assert.equal(await writer.stop(), 0);
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_tmp')), [], 'no staged file is left behind');
  assert.deepEqual(readdirSync(join(dataDir, 'lake', '_wal')), [], 'no unfinished commit is left behind');
});
