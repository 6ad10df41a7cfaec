import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { gamepipe, gamepipeInBackground, sh } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { tempDir } from '../helpers/temp-dir.js';

it('gamepipe up serves the game, lands purchases in the lake within seconds, answers SQL, and stops on Ctrl-C', async () => {
  const cwd = tempDir();
  const up = await gamepipeInBackground(['up', '--port', '0', '--trigger', '200ms'], 'Ctrl-C stops everything', {
    cwd,
  });
  const url = /listening on (\S+)/.exec(up.output())![1]!;
  assert.match(up.output(), /lake: .*events_buy/);
  assert.match(up.output(), /gamepipe query/);

  sh(`curl -s -c cookies -b cookies '${url}/signup?username=ann&password=pw1'`, cwd);
  for (let i = 0; i < 5; i++) assert.equal(sh(`curl -s -b cookies ${url}/buy/sword`, cwd), 'Bought a sword!\n');
  const swordsInLake = () =>
    gamepipe(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv'], { cwd })
      .stdout === 'count_star()\n5\n';
  assert.ok(await eventually(swordsInLake, 15_000), 'the purchases reached the lake');

  const port = new URL(url).port;
  const status = JSON.parse(gamepipe(['status', '--json', '--port', port], { cwd }).stdout) as {
    server: { health: string };
    writers: { lag: number }[];
  };
  assert.equal(status.server.health, 'ok');
  assert.ok(
    await eventually(
      () =>
        (JSON.parse(gamepipe(['status', '--json', '--port', port], { cwd }).stdout) as typeof status).writers.every(
          (w) => w.lag === 0,
        ),
      10_000,
    ),
  );

  assert.equal(await up.stop('SIGINT'), 0);
  assert.match(up.output(), /gamepipe up: stopped/);
  assert.equal(gamepipe(['status', '--json', '--port', port], { cwd }).status, 0);
});

it('with its defaults, up answers SQL with a purchase at once, lands it as Parquet when stopped, and stops at once, not at the end of the trigger', async () => {
  const cwd = tempDir();
  const up = await gamepipeInBackground(['up', '--port', '0'], 'Ctrl-C stops everything', { cwd });
  const url = /listening on (\S+)/.exec(up.output())![1]!;
  sh(`curl -s -c cookies -b cookies '${url}/signup?username=ann&password=pw1'`, cwd);
  for (let i = 0; i < 3; i++) assert.equal(sh(`curl -s -b cookies ${url}/buy/sword`, cwd), 'Bought a sword!\n');
  const swords = () =>
    gamepipe(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv'], { cwd }).stdout;
  assert.equal(swords(), 'count_star()\n3\n', 'visible at once, read from the log');
  const parquetFiles = () =>
    readdirSync(join(cwd, '.gamepipe', 'lake'), { recursive: true }).filter(
      (f) => String(f).startsWith('events_buy') && String(f).endsWith('.parquet'),
    );
  assert.deepEqual(parquetFiles(), [], 'not landed yet: the writers land every 30 s');

  const stopping = Date.now();
  assert.equal(await up.stop('SIGINT'), 0);
  assert.ok(Date.now() - stopping < 5000, `stopped in ${Date.now() - stopping} ms, not at the end of the trigger`);
  assert.equal(parquetFiles().length, 1, 'the batch in hand landed on the way out');
  assert.equal(swords(), 'count_star()\n3\n', 'each purchase once');
});

it('a second gamepipe on the same data dir is refused with one clear line', async () => {
  const cwd = tempDir();
  const first = await gamepipeInBackground(['serve', '--port', '0'], 'listening on', { cwd });
  const second = gamepipe(['serve', '--port', '0'], { cwd });
  assert.equal(second.status, 1);
  assert.match(
    second.stderr,
    /^gamepipe: gamepipe serve is already running on \.\/\.gamepipe \(pid \d+\) \(stop it first, or give this one another --data-dir\)\n$/,
  );
  assert.equal(await first.stop(), 0);
});

it('bad SQL is one line on stderr and a non-zero exit', () => {
  const cwd = tempDir();
  gamepipe(['tables', 'create', 'all'], { cwd });
  const result = gamepipe(['query', 'selec nonsense'], { cwd });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^gamepipe: Parser Error: syntax error at or near "selec"\n$/);
  const missing = gamepipe(['query', 'select * from events_nope'], { cwd });
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});
