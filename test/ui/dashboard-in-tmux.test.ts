import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { gamepipe, gamepipeInBackground, GAMEPIPE_BIN, type Background } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TmuxSession } from './tmux-session.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });

const count = (text: string) => Number(text.replaceAll(',', ''));
/** The figure after `total` on the answers line. */
const requestsTotal = (screen: string) => count(/ total ([\d,]+)$/m.exec(screen)?.[1] ?? 'NaN');
/** The rows column of the events_buy line, when it is exact (from SQL, not the `≤` bound). */
const buyRowsShown = (screen: string) =>
  count(/^ {2}events_buy +[\d,]+ +[\d.]+ \S+ +([\d,]+)$/m.exec(screen)?.[1] ?? 'NaN');
/** Lag of every writer row under the Writers head. */
const writerLags = (screen: string) => {
  const lines = screen.split('\n');
  const head = lines.findIndex((l) => l.startsWith('Writers'));
  const rows: string[] = [];
  for (const line of lines.slice(head + 1)) {
    const match = /^ {2}(\S+) +([\d,]+|\?) +[\d.,]+ {2}/.exec(line);
    if (!match) break;
    rows.push(match[2]!);
  }
  return head < 0 ? [] : rows;
};

test('the dashboard follows a running pipeline: counters move under load, the lake count matches SQL, writers catch up', {
  skip: !TmuxSession.available() && !process.env.CI && 'tmux is not installed',
  timeout: 180_000,
}, async (t) => {
  const dir = tempDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const up: Background = await gamepipeInBackground(['up', '--port', String(port), '--data-dir', dir], 'listening on');
  cleanups.push(() => up.stop());

  const dashboard = TmuxSession.start(
    `${process.execPath} ${GAMEPIPE_BIN} dashboard --data-dir ${dir} --port ${port}`,
    {
      columns: 100,
      rows: 30,
      env: { NO_COLOR: '1', GAMEPIPE_LOG_LEVEL: 'info' },
    },
  );
  cleanups.push(() => dashboard.kill());
  let screen = await dashboard.waitFor(/^gamepipe http:\S+ up/m, 30_000, 'the header with the server up');
  await dashboard.waitFor(/^Lake +files/m, 10_000, 'the lake panel');
  screen = await dashboard.waitFor((s) => !Number.isNaN(requestsTotal(s)), 10_000, 'the request total');
  const before = requestsTotal(screen);

  const load = gamepipe(['load', '--url', url, '--item', 'sword', '--requests', '200', '--json']);
  assert.equal(load.status, 0, load.stderr);
  const accepted =
    (JSON.parse(load.stdout) as { accepted: { events: Record<string, number> } }).accepted.events.buy_item ?? 0;
  assert.ok(accepted > 0, 'the load bought swords');

  screen = await dashboard.waitFor(
    (s) => requestsTotal(s) >= before + 200,
    10_000,
    'the request total to take in the load',
  );
  assert.match(screen, /^Events\/s +.*buy_item/m, 'buy events are counted');
  assert.match(screen, /^ {2}200 [\d,]+/m, '2xx answers are counted');
  assert.doesNotMatch(screen, /"level"|"msg"/, 'no log line on the screen');

  // The lake's exact count (from SQL, refreshed every few seconds) settles on what SQL says.
  const sqlCount = () => {
    const result = gamepipe(['query', 'select count(*) from events_buy', '--data-dir', dir, '--format', 'csv']);
    assert.equal(result.status, 0, result.stderr);
    return Number(result.stdout.trim().split('\n').at(-1));
  };
  let lakeCount = 0;
  await dashboard.waitFor(
    (s) => {
      lakeCount = sqlCount();
      return lakeCount === accepted && buyRowsShown(s) === lakeCount;
    },
    60_000,
    `the events_buy rows shown to equal select count(*) (${accepted} swords accepted)`,
  );

  await t.test('every writer row shows lag 0 once the load has landed', async () => {
    // The writers land at their trigger (30 s on the embedded log, whose rows queries read before they land).
    await dashboard.waitFor(
      (s) => writerLags(s).length > 0 && writerLags(s).every((lag) => lag === '0'),
      75_000,
      'every writer at lag 0',
    );
  });

  dashboard.keys('q');
  await dashboard.waitFor(() => dashboard.exited(), 10_000, 'the dashboard to exit on q');
});

test('gamepipe up on a terminal is the dashboard: it moves under load, shows what SQL counts, and q stops the whole pipeline', {
  skip: !TmuxSession.available() && !process.env.CI && 'tmux is not installed',
  timeout: 180_000,
}, async () => {
  const dir = tempDir();
  const port = await freePort();
  const up = TmuxSession.start(`${process.execPath} ${GAMEPIPE_BIN} up --port ${port} --data-dir ${dir}`, {
    columns: 100,
    rows: 30,
    env: { NO_COLOR: '1', GAMEPIPE_LOG_LEVEL: 'info' },
  });
  cleanups.push(() => up.kill());
  await up.waitFor(/^gamepipe http:\S+ up/m, 60_000, 'the dashboard drawn by up');

  const load = gamepipe([
    'load',
    '--url',
    `http://127.0.0.1:${port}`,
    '--item',
    'sword',
    '--requests',
    '150',
    '--json',
  ]);
  assert.equal(load.status, 0, load.stderr);
  const accepted =
    (JSON.parse(load.stdout) as { accepted: { events: Record<string, number> } }).accepted.events.buy_item ?? 0;
  const screen = await up.waitFor(
    (s) => buyRowsShown(s) === accepted && writerLags(s).length > 0 && writerLags(s).every((lag) => lag === '0'),
    90_000,
    `${accepted} buys in the lake and every writer at lag 0`,
  );
  assert.doesNotMatch(screen, /"level"|"msg"|batch \d+:/, 'no log or progress line tears the screen');

  up.keys('q');
  await up.waitFor(() => up.exited(), 30_000, 'up to stop on q');
  assert.equal(up.exitStatus(), 0, 'up stopped cleanly');
  const sql = gamepipe(['query', 'select count(*) from events_buy', '--data-dir', dir, '--format', 'csv']);
  assert.equal(sql.stdout.trim().split('\n').at(-1), String(accepted));
});
