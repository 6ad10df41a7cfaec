import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sessionFromJar } from '../walkthrough/seed-walkthrough.js';
import { killIfRunning, sh } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
/** What a clean clone holds: no dependencies, no build, no run data. */
const NOT_IN_A_CLONE = new Set(['node_modules', 'dist', '.git', '.gamepipe']);

const work = tempDir('gamepipe-ship-');
const prefix = join(work, 'prefix');
/** The installed gamepipe runs on the Node running this test (npm's own too), with nothing of the clone. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GAMEPIPE_'))),
  PATH: [join(prefix, 'bin'), dirname(process.execPath), process.env.PATH].join(delimiter),
  XDG_CONFIG_HOME: join(work, 'config'),
  GAMEPIPE_LOG_LEVEL: 'warn',
};

function run(command: string, args: string[], cwd: string, timeoutMs = 600_000) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.error ?? ''}${result.stderr}`);
  return result.stdout;
}

/** Packs a copy of the clone as `npm pack` on a fresh clone would: prepack builds dist/ there. */
function pack(): string {
  const clone = join(work, 'clone');
  cpSync(REPO, clone, { recursive: true, filter: (source) => !NOT_IN_A_CLONE.has(basename(source)) });
  // The clone's dependencies (TypeScript for the build) without copying them.
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
  run('npm', ['pack', '--pack-destination', work, '--silent'], clone);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote a tarball');
  return join(work, tarball);
}

// Packing builds the whole tree and installing fetches the dependencies (from npm's cache when it has them).
const timeout = 900_000;

it('the npm package installs globally and runs: --version, up, the curl walkthrough, and query counting the swords', {
  timeout,
}, async () => {
  const tarball = pack();
  const files = run('tar', ['tzf', tarball], work).trim().split('\n');
  assert.ok(files.includes('package/bin/gamepipe.js') && files.includes('package/dist/src/cli.js'), 'the built code');
  const strays = files.filter((f) =>
    /^package\/(test|bench|\.ci|src\/(?!report\/sql\/))|\.map$|^package\/dist\/test/.test(f),
  );
  assert.deepEqual(strays, [], 'nothing of the tests, benchmarks or CI');

  run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
  const home = tempDir('gamepipe-ship-home-');
  assert.equal(run('gamepipe', ['--version'], home), `${version}\n`);

  const dataDir = join(home, 'data');
  const up = spawn('gamepipe', ['up', '--port', '0', '--data-dir', dataDir, '--no-tui'], {
    cwd: home,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  after(() => killIfRunning(up));
  const output = await readyOutput(up, 'Ctrl-C stops everything');
  const url = /listening on (\S+)/.exec(output)![1]!;

  // The README's quick start, with curl for ab's two purchases.
  const jar = join(home, 'cookies');
  assert.equal(
    sh(`curl -s -c ${jar} -b ${jar} '${url}/signup?username=user1&password=pw1'`),
    'Signup successful! Welcome user1.\n',
  );
  const session = sessionFromJar(jar);
  for (let i = 0; i < 2; i++)
    assert.equal(
      sh(`curl -s -b 'session_id=${session}' -H 'Host: user1.comcast.com' ${url}/buy/sword`),
      'Bought a sword!\n',
    );
  const swords = run(
    'gamepipe',
    ['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv', '--data-dir', dataDir],
    home,
  );
  assert.equal(swords, 'count_star()\n2\n');

  up.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) =>
    up.exitCode === null ? up.once('exit', resolve) : resolve(up.exitCode),
  );
  assert.equal(code, 0, 'up stops cleanly on Ctrl-C');
});

/** Waits until the child's stdout holds `ready`, and gives its output; fails if it exits or takes a minute. */
function readyOutput(child: ChildProcess, ready: string): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in a minute: ${out}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before it was ready: ${out}`));
    });
  });
}
