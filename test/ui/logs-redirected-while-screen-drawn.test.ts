import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';

const LOGGER = new URL('../../src/logger.js', import.meta.url).href;

test('redirectLogs sends every logger, children included, to the file until restored, then stderr again', () => {
  const file = join(tempDir(), 'logs', 'dashboard.log');
  const script = `
    const { logger, redirectLogs } = await import(${JSON.stringify(LOGGER)});
    const child = logger.child({ component: 'server' });
    const restore = redirectLogs(${JSON.stringify(file)});
    logger.warn('to the file');
    child.warn('child to the file');
    restore();
    logger.warn('back on stderr');
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'info' },
  });
  assert.equal(result.status, 0, result.stderr);
  const logged = readFileSync(file, 'utf8');
  assert.match(logged, /"msg":"to the file"/);
  assert.match(logged, /"component":"server".*"msg":"child to the file"/);
  assert.doesNotMatch(logged, /back on stderr/);
  assert.doesNotMatch(result.stderr, /to the file/);
  assert.match(result.stderr, /"msg":"back on stderr"/);
});

test('on a terminal the lines are text a person reads, redacted as the JSON is; a file still gets JSON', () => {
  const file = join(tempDir(), 'logs', 'dashboard.log');
  const script = `
    const { logger, redirectLogs } = await import(${JSON.stringify(LOGGER)});
    logger.child({ component: 'stream' }).warn({ writer: 'buy', err: new Error('disk full'), password: 'hunter2' }, 'could not commit');
    const restore = redirectLogs(${JSON.stringify(file)});
    logger.warn('to the file');
    restore();
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'info', GAMEPIPE_LOG_FORMAT: 'text' },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stderr,
    /^\d\d:\d\d:\d\d warn {2}could not commit component="stream" writer="buy" err="disk full" password="\[redacted\]"\n$/,
  );
  assert.doesNotMatch(result.stderr, /hunter2|"msg"/);
  assert.match(readFileSync(file, 'utf8'), /"msg":"to the file"/);
});
