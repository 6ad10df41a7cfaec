import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { LoadSummary } from '../../src/load/load-summary.js';
import { gamepipe, gamepipeInBackground, sh } from '../helpers/cli.js';
import { asCounts, queryRows } from '../helpers/query-rows.js';
import { tempDir } from '../helpers/temp-dir.js';
import { abSummary, sessionFromJar } from '../walkthrough/seed-walkthrough.js';

/** Rows of a query on the lake; fails on an empty answer (a check built on no data proves nothing). */
const sql = (cwd: string, query: string): string[][] => queryRows(query, { cwd });

it("a mixed game day's accepted totals equal the lake's counts exactly", async () => {
  const cwd = tempDir();
  const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  const load = gamepipe(
    [
      'load',
      '--url',
      url.replace('localhost', '127.0.0.1'),
      '--players',
      '300',
      '--requests',
      '4000',
      '--connections',
      '20',
      '--seed',
      '11',
      '--out',
      'run.json',
    ],
    { cwd, timeoutMs: 300_000 },
  );
  assert.equal(await server.stop(), 0);
  assert.equal(load.status, 0, load.stderr);
  assert.match(load.stdout, /4000 requests in .* \(300 players, seed 11\)/);
  const summary = JSON.parse(readFileSync(join(cwd, 'run.json'), 'utf8')) as LoadSummary;
  assert.equal(summary.requests, 4000);
  assert.equal(summary.status['5xx'], 0);
  assert.equal(summary.accepted.events.signup, 300);

  assert.equal(gamepipe(['stream', 'all', '--once'], { cwd }).status, 0);
  assert.equal(gamepipe(['tables', 'create', 'all'], { cwd }).status, 0);
  assert.deepEqual(asCounts(sql(cwd, 'select item_type, count(*) from events_buy group by 1')), summary.accepted.items);
  const byQuality = sql(cwd, 'select item_type, item_quality, count(*) from events_buy group by 1, 2');
  for (const [item, quality, n] of byQuality)
    assert.equal(summary.accepted.itemQualities[item!]![quality!], Number(n), `${item} ${quality}`);
  assert.deepEqual(
    asCounts(sql(cwd, 'select guild_name, count(*) from events_guild group by 1')),
    summary.accepted.guilds,
  );
  assert.deepEqual(asCounts(sql(cwd, 'select event_type, count(*) from events_user group by 1')), {
    signup: summary.accepted.events.signup,
    login: summary.accepted.events.login,
  });
  assert.deepEqual(sql(cwd, "select count(*) from events_buy where host not like 'player%.comcast.com'"), [['0']]);
});

it('a timed run waits for the answers in flight when time is up, so its totals are exact too', async () => {
  const cwd = tempDir();
  const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  const load = gamepipe(
    ['load', '--url', url, '--players', '20', '--duration', '3s', '--connections', '30', '--seed', '3', '--json'],
    { cwd },
  );
  assert.equal(await server.stop(), 0);
  assert.equal(load.status, 0, load.stderr);
  const summary = JSON.parse(load.stdout) as LoadSummary;
  assert.equal(summary.unanswered, 0);
  assert.ok(summary.requests > 100, `${summary.requests} requests`);
  assert.equal(gamepipe(['stream', 'buy', '--once'], { cwd }).status, 0);
  assert.equal(gamepipe(['tables', 'create', 'buy'], { cwd }).status, 0);
  assert.deepEqual(asCounts(sql(cwd, 'select item_type, count(*) from events_buy group by 1')), summary.accepted.items);
});

it("the seed's exact ab command and gamepipe load give the same results for the same counts", async () => {
  const cwd = tempDir();
  const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  sh(`curl -s -c cookies -b cookies '${url}/signup?username=user1&password=pw1'`, cwd);
  const session = sessionFromJar(join(cwd, 'cookies'));
  for (const item of ['sword', 'potion', 'shield']) {
    assert.deepEqual(
      abSummary(sh(`ab -n 2 -C "session_id=${session}" -H "Host: user1.comcast.com" ${url}/buy/${item}`)),
      { complete: 2, failed: 0, non2xx: 0 },
    );
  }
  const load = gamepipe(
    [
      'load',
      '--url',
      url,
      '--items',
      'sword,potion,shield',
      '--requests',
      '6',
      '--connections',
      '1',
      '--player-prefix',
      'loader',
      '--json',
    ],
    { cwd },
  );
  assert.equal(await server.stop(), 0);
  assert.equal(load.status, 0, load.stderr);
  const summary = JSON.parse(load.stdout) as LoadSummary;
  assert.deepEqual(summary.accepted.items, { potion: 2, shield: 2, sword: 2 });
  assert.deepEqual(summary.status, { '2xx': 6, '4xx': 0, '5xx': 0 });

  assert.equal(gamepipe(['stream', 'buy', '--once'], { cwd }).status, 0);
  assert.equal(gamepipe(['tables', 'create', 'buy'], { cwd }).status, 0);
  const rows = sql(cwd, 'select username, host, item_type, count(*) from events_buy group by all order by 1, 3');
  assert.deepEqual(rows, [
    ['loader1', 'loader1.comcast.com', 'potion', '2'],
    ['loader1', 'loader1.comcast.com', 'shield', '2'],
    ['loader1', 'loader1.comcast.com', 'sword', '2'],
    ['user1', 'user1.comcast.com', 'potion', '2'],
    ['user1', 'user1.comcast.com', 'shield', '2'],
    ['user1', 'user1.comcast.com', 'sword', '2'],
  ]);
});

it("gamepipe load can play the seed's own user1, logging it in with its password", async () => {
  const cwd = tempDir();
  const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  const url = /listening on (\S+)/.exec(server.output())![1]!;
  sh(`curl -s '${url}/signup?username=user1&password=pw1'`, cwd);
  const wrong = gamepipe(['load', '--url', url, '--player-prefix', 'user', '--item', 'sword', '--requests', '2'], {
    cwd,
  });
  assert.equal(wrong.status, 1);
  assert.match(
    wrong.stderr,
    /^gamepipe: could not login player user1 .*HTTP 401 \(the player exists with another password: give it with --password/,
  );
  const load = gamepipe(
    [
      'load',
      '--url',
      url,
      '--player-prefix',
      'user',
      '--password',
      'pw1',
      '--item',
      'sword',
      '--requests',
      '2',
      '--json',
    ],
    { cwd },
  );
  await server.stop();
  assert.equal(load.status, 0, load.stderr);
  assert.deepEqual((JSON.parse(load.stdout) as LoadSummary).accepted.events, { login: 1, buy_item: 2 });
});

it('one seed gives one run: the same accepted totals twice', async () => {
  const totals: unknown[] = [];
  for (let run = 0; run < 2; run++) {
    const cwd = tempDir();
    const server = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
    const url = /listening on (\S+)/.exec(server.output())![1]!;
    const load = gamepipe(
      [
        'load',
        '--url',
        url,
        '--players',
        '20',
        '--requests',
        '300',
        '--connections',
        '1',
        '--seed',
        '5',
        '--qualities',
        'common=3,rare=1',
        '--json',
      ],
      { cwd },
    );
    await server.stop();
    assert.equal(load.status, 0, load.stderr);
    totals.push((JSON.parse(load.stdout) as LoadSummary).accepted);
  }
  assert.deepEqual(totals[0], totals[1]);
});

it('bad load options get one clear line and exit 2, a usage error', () => {
  for (const args of [
    ['--mix', 'fly=3'],
    ['--items', 'laser'],
    ['--requests', '0'],
    ['--url', 'ftp://x'],
    ['--item', 'sword', '--items', 'potion'],
  ]) {
    const result = gamepipe(['load', ...args]);
    assert.equal(result.status, 2, args.join(' '));
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^gamepipe: /);
  }
});
