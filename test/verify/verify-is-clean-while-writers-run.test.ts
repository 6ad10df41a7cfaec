import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { VerifyReport } from '../../src/verify/verify-report.js';
import { GAMEPIPE_BIN, gamepipe, gamepipeInBackground } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const verifyJson = (cwd: string, args: string[]) => {
  const result = gamepipe(['verify', '--json', ...args], { cwd });
  assert.ok(result.stdout.trim() !== '', result.stderr);
  return { status: result.status, report: JSON.parse(result.stdout) as VerifyReport };
};

it('verify is clean while the server takes traffic and a writer commits and compacts, then equals the run exactly', async () => {
  const cwd = tempDir();
  const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  // Enough batch files for a compaction (30 in a row) even when a loaded machine stretches each batch.
  const stream = await gamepipeInBackground(['stream', 'all', '--trigger', '100ms'], 'started', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!.replace('localhost', '127.0.0.1');
  const load = spawn(
    process.execPath,
    [
      GAMEPIPE_BIN,
      'load',
      '--url',
      url,
      '--players',
      '10',
      '--requests',
      '4000',
      '--connections',
      '4',
      '--rate',
      '400',
      '--seed',
      '5',
      '--out',
      'run.json',
    ],
    {
      cwd,
      env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    },
  );
  let loadDone = false;
  const loaded = new Promise<number | null>((resolve) => load.once('exit', (code) => resolve(code))).finally(
    () => (loadDone = true),
  );
  try {
    let checks = 0;
    let sawPending = false;
    while (!loadDone) {
      await new Promise((r) => setTimeout(r, 100)); // lets the load's exit be seen: verify runs synchronously
      const { status, report } = verifyJson(cwd, ['--metrics-url', `${url}/metrics`]);
      assert.equal(status, 0, JSON.stringify(report.findings.filter((f) => f.kind !== 'note')));
      sawPending ||= report.tallies.some((t) => t.pending > 0);
      checks++;
    }
    assert.equal(await loaded, 0);
    assert.ok(checks >= 2, `verify ran ${checks} times during the load`);
    assert.ok(sawPending, 'verify saw events beyond the writer position at least once');
    let settled = verifyJson(cwd, ['--against', 'run.json']);
    for (let i = 0; i < 40 && settled.report.tallies.some((t) => t.pending > 0); i++) {
      await new Promise((r) => setTimeout(r, 250));
      settled = verifyJson(cwd, ['--against', 'run.json']);
    }
    assert.equal(settled.status, 0, JSON.stringify(settled.report.findings));
    const lake = join(cwd, '.gamepipe', 'lake', 'events_buy');
    assert.ok(
      readdirSync(lake).some((dt) => existsSync(join(lake, dt, '_merged'))),
      'the writer compacted small files while verify ran',
    );
    for (const tally of settled.report.tallies.filter(
      (t) => t.eventType !== 'default' && t.accepted !== null && t.accepted > 0,
    )) {
      assert.deepEqual(
        [tally.accepted, tally.log, tally.committed, tally.lake, tally.pending],
        [tally.accepted, tally.accepted, tally.accepted, tally.accepted, 0],
        tally.eventType,
      );
    }
  } finally {
    if (load.exitCode === null) load.kill('SIGKILL');
    await stream.stop();
    await server.stop();
  }
});
