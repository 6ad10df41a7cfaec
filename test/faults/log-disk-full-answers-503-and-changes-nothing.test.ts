import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  assertLakeEqualsRun,
  eventuallyLakeEqualsRun,
  writeCombinedRun,
  type RunTotals,
} from '../helpers/lake-equals-run.js';
import { smallDisk } from '../helpers/tmpfs-mount.js';
import { freePort, loadInBackground, serve, writers } from './fault-pipeline.js';

const UNAVAILABLE = /^Service unavailable: the embedded event log's disk is full; nothing was changed, try again\.\n$/;

/** The log's published durable end (8 bytes, big-endian): it moves with every accepted event. */
const durableEnd = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'log', 'events', 'durable-offset')).readBigInt64BE(0));

it("the embedded log's disk full: every action answers 503 in one line and changes nothing; service returns with the space", async (t) => {
  const disk = smallDisk(t, '8m', 'data/log'); // the log alone on a small disk: <data-dir>/log is the mount
  if (disk === null) return;
  const dataDir = join(disk.parent, 'data');
  const flags = ['--data-dir', dataDir];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, flags);
  const writer = await writers(flags);
  const load = async (name: string, seed: number) => {
    const runFile = join(dataDir, `${name}.json`);
    const { code, stderr } = await loadInBackground(url, runFile, [
      '--players',
      '4',
      '--player-prefix',
      name,
      '--requests',
      '150',
      '--connections',
      '4',
      '--seed',
      String(seed),
    ]).done;
    assert.equal(code, 0, stderr);
    return runFile;
  };
  // The test's own player, whose state it reads back; what it gets accepted is a run of its own.
  const own: RunTotals = {
    accepted: { events: { signup: 1 }, items: {}, itemQualities: {}, guilds: {} },
    unanswered: 0,
  };
  const signup = await fetch(`${url}/signup?username=tester&password=pw-tester`);
  assert.equal(signup.status, 200);
  const cookie = signup.headers.getSetCookie()[0]!.split(';')[0]!;
  const get = (path: string) => fetch(`${url}${path}`, { headers: { cookie } });
  const countOwn = (event: string, item?: string) => {
    own.accepted.events[event] = (own.accepted.events[event] ?? 0) + 1;
    if (item) own.accepted.items[item] = (own.accepted.items[item] ?? 0) + 1;
  };
  const buySword = async () => {
    const answer = await get('/buy/sword?quality=rare');
    if (answer.status === 200) countOwn('buy_item', 'sword');
    return answer;
  };
  assert.equal((await buySword()).status, 200);
  const before = await load('before', 1);

  disk.fill();
  // The segment's last page still takes a few records: buy until the log refuses, then send the
  // smallest event there is (a `default`, without a username) until it is refused too: no event fits.
  for (const [path, count] of [
    ['/buy/sword?quality=rare', () => countOwn('buy_item', 'sword')],
    ['/', () => countOwn('default')],
  ] as const) {
    let refused: Response | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const answer = await get(path);
      if (answer.status === 200) count();
      else refused = answer;
    }
    assert.equal(refused?.status, 503, `${path}: the log refused once its disk was full`);
    assert.match(await refused!.text(), UNAVAILABLE);
  }
  const inventory = await (await get('/inventory')).json();
  const end = durableEnd(dataDir);
  for (const answer of [
    await buySword(),
    await get('/join_guild/knights'),
    await get('/'),
    await fetch(`${url}/signup?username=latecomer&password=pw-latecomer`),
    await fetch(`${url}/login?username=tester&password=pw-tester`),
  ]) {
    assert.equal(answer.status, 503, answer.url);
    assert.match(await answer.text(), UNAVAILABLE, answer.url);
  }
  const refusedLoad = await loadInBackground(url, join(dataDir, 'refused.json'), [
    '--players',
    '1',
    '--player-prefix',
    'refused',
    '--requests',
    '10',
  ]).done;
  assert.equal(refusedLoad.code, 1, 'a load cannot even sign its players up');
  assert.equal(refusedLoad.stderr.trim().split('\n').length, 1, refusedLoad.stderr);
  assert.deepEqual(await (await get('/inventory')).json(), inventory, 'the refused actions changed no state');
  assert.equal(durableEnd(dataDir), end, 'the refused actions appended nothing');
  assert.equal(
    (await fetch(`${url}/login?username=latecomer&password=pw-latecomer`)).status,
    401,
    'the refused signup left no account',
  );

  assert.equal(writer.child.exitCode, null, 'the writer waits for the space, it does not exit');
  const writerLines = writer
    .output()
    .split('\n')
    .filter((l) => l.startsWith('gamepipe stream all: the disk'));
  for (const line of writerLines)
    assert.match(
      line,
      /^gamepipe stream all: the disk of \S+ is full \(free some space, then try again\); try \d+ in [\d.]+s$/,
    );
  disk.release();
  assert.equal((await buySword()).status, 200, 'the server serves again once space returns, without a restart');
  const after = await load('after', 2);
  const ownFile = join(dataDir, 'own.json');
  writeFileSync(ownFile, JSON.stringify(own));
  await eventuallyLakeEqualsRun(writeCombinedRun([ownFile, before, after], join(dataDir, 'run.json')), { flags });
  assertLakeEqualsRun(join(dataDir, 'run.json'), { flags });
  assert.equal(await writer.stop(), 0);
  assert.equal(await server.stop(), 0);
});
