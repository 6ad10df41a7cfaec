import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT, exitCodeTable } from '../../src/exit-codes.js';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

/** Runs `gamepipe <words>` in a fresh directory; a usage error or a failure is one line on stderr. */
function run(words: string[], env: NodeJS.ProcessEnv = {}) {
  const result = gamepipe(words, { cwd: tempDir(), env });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('exit status', () => {
  it('is 2 for a command line gamepipe cannot run: unknown command or flag, missing argument, bad value', () => {
    const cases: [string[], RegExp, NodeJS.ProcessEnv?][] = [
      [['nope'], /^error: unknown command 'nope'\n/],
      [['query', '--nope'], /^error: unknown option '--nope'\n/],
      [['trace'], /^error: missing required argument 'event_id'\n/],
      [
        ['stream', 'all', '--trigger', 'xx'],
        /^gamepipe: --trigger must be a duration like 500ms, 10s or 2m, not "xx"\n$/,
      ],
      [['tables', 'create', 'nope'], /^gamepipe: the table must be one of .*, not "nope"\n$/],
      [
        ['query', 'select 1'],
        /^gamepipe: invalid port "abc": expected a number from 0 to 65535\n$/,
        { GAMEPIPE_PORT: 'abc' },
      ],
      [['query', 'select 1', '--port', '70000'], /^gamepipe: invalid port "70000"/],
      [['load', '--item', 'sword', '--items', 'sword'], /^gamepipe: give --item or --items, not both\n$/],
      [['simulate', '--last-day', '2999-01-01'], /^gamepipe: --last-day 2999-01-01 is not in the past/],
      [['verify', '--since', '2026-11-02', '--until', '2026-11-01'], /^gamepipe: --since must be before --until\n$/],
      [['trace', 'not-an-id'], /is not an event id/],
      [[], /^Usage: gamepipe/],
    ];
    for (const [words, stderr, env] of cases) {
      const result = run(words, env);
      assert.equal(result.status, EXIT.usage, `gamepipe ${words.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, stderr, `gamepipe ${words.join(' ')}`);
    }
  });

  it('is 1 when the run fails: bad SQL, a game server that does not answer', () => {
    const sql = run(['query', 'selec nonsense']);
    assert.equal(sql.status, EXIT.failure);
    assert.equal(sql.stderr.split('\n').length, 2, sql.stderr);
    const load = run(['load', '--url', 'http://127.0.0.1:1', '--requests', '1']);
    assert.equal(load.status, EXIT.failure, load.stderr);
    assert.match(load.stderr, /^gamepipe: .*127\.0\.0\.1:1/);
  });

  it('is 3 when verify finds a discrepancy, naming it', () => {
    const cwd = tempDir();
    const against = join(cwd, 'run.json');
    writeFileSync(against, JSON.stringify({ accepted: { events: { buy_item: 5 } } }));
    const result = gamepipe(['verify', '--against', against], { cwd });
    assert.equal(result.status, EXIT.discrepancy, result.stderr);
    assert.match(result.stdout, /1 discrepancy[\s\S]*says the server accepted 5; the log holds 0/);
  });

  it('is 70 with the stack trace for a bug, and 0 for help and the version', () => {
    const boom = `
      import { commandSpecs, main } from ${JSON.stringify(CLI)};
      commandSpecs.push({ name: 'boom', description: 'a bug', args: {}, options: {},
        action: async () => async () => { null.field; } });
      await main([process.argv[0], 'gamepipe', 'boom']);`;
    const bug = spawnSync(process.execPath, ['--input-type=module', '-e', boom], { encoding: 'utf8' });
    assert.equal(bug.status, EXIT.bug);
    assert.match(bug.stderr, /^gamepipe: unexpected error \(a bug, please report it\):\nTypeError: .*\n {4}at /);
    assert.equal(run(['--help']).status, EXIT.ok);
    assert.equal(run(['help', 'query']).status, EXIT.ok);
    assert.match(run(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('is the same table in --help and in the README', () => {
    const help = run(['--help']).stdout;
    const readme = readFileSync(README, 'utf8');
    for (const { code, meaning } of exitCodeTable) {
      assert.ok(help.includes(`${String(code).padStart(2)}  ${meaning}`), `--help shows exit ${code}`);
      assert.ok(readme.includes(`| ${code} | ${meaning} |`), `the README's table has exit ${code}: ${meaning}`);
    }
  });
});
