import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { logger } from '../../src/logger.js';
import { PipelineSampler } from '../../src/metrics/pipeline-sampler.js';
import { startDashboard } from '../../src/ui/dashboard/start-dashboard.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A terminal for Ink without a terminal: keys in through `press`, frames out in `frames`. */
function fakeTerminal() {
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    queue: [] as string[],
    setEncoding() {},
    setRawMode() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read(): string | null {
      return stdin.queue.shift() ?? null;
    },
  });
  const frames: string[] = [];
  const stdout = Object.assign(new EventEmitter(), { columns: 80, rows: 24, write: (s: string) => frames.push(s) });
  const press = (key: string) => {
    stdin.queue.push(key);
    stdin.emit('readable');
  };
  return {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    frames,
    press,
  };
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), 'condition not met in time');
};

test('q ends the dashboard with "quit", stops the sampler, and logs went to the file meanwhile', async () => {
  const logFile = join(tempDir(), 'logs', 'dashboard.log');
  let polls = 0;
  const sampler = new PipelineSampler(
    { fetchMetrics: async () => (polls++, ''), storage: new MemoryLakeStorage() },
    { intervalMs: 20 },
  );
  const terminal = fakeTerminal();
  const ended = startDashboard({
    sampler,
    serverUrl: 'http://127.0.0.1:1',
    logFile,
    stdin: terminal.stdin,
    stdout: terminal.stdout,
    env: { NO_COLOR: '1' },
  });
  await until(() => terminal.frames.some((f) => f.includes('Requests')));
  logger.warn('written while the dashboard draws');
  terminal.press('q');
  assert.equal(await ended, 'quit');
  const after = polls;
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(polls, after, 'no poll after the dashboard ended');
  assert.match(readFileSync(logFile, 'utf8'), /written while the dashboard draws/);
  assert.ok(
    terminal.frames.every((f) => !f.includes('written while')),
    'the log line never reached the screen',
  );
  assert.ok(
    terminal.frames.every((f) => !/\x1b\[3\d/.test(f)),
    'no color under NO_COLOR',
  );
});

test('the caller\'s signal ends it with "aborted"; Ctrl-C with "interrupt"', async () => {
  const sampler = () =>
    new PipelineSampler({ fetchMetrics: async () => '', storage: new MemoryLakeStorage() }, { intervalMs: 50 });
  const stop = new AbortController();
  const terminal = fakeTerminal();
  const ended = startDashboard({
    sampler: sampler(),
    serverUrl: 'http://h:1',
    signal: stop.signal,
    stdin: terminal.stdin,
    stdout: terminal.stdout,
  });
  await until(() => terminal.frames.length > 0);
  stop.abort();
  assert.equal(await ended, 'aborted');

  const other = fakeTerminal();
  const interrupted = startDashboard({
    sampler: sampler(),
    serverUrl: 'http://h:1',
    stdin: other.stdin,
    stdout: other.stdout,
  });
  await until(() => other.frames.length > 0);
  other.press('/'); // no shell engine given: ignored
  other.press('\x03');
  assert.equal(await interrupted, 'interrupt');
});
