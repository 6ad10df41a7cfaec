import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Command } from 'commander';
import { Catalog } from '../../src/catalog/catalog.js';
import { buildProgram } from '../../src/cli.js';
import { eventTypes } from '../../src/events/event-schemas.js';
import { deadLetterSpec, tableSpecs } from '../../src/events/tables.js';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const items = Catalog.fromFile(undefined).itemNames();

/** The script `gamepipe completion <shell>` prints, saved to a file. */
function script(shell: string, flags: string[] = []): string {
  const result = gamepipe(['completion', shell, ...flags]);
  assert.equal(result.status, 0, result.stderr);
  const file = join(dir, `gamepipe-${shell}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, result.stdout);
  return file;
}

/** What bash completes for the command line `words` (the last one being typed), with the script sourced. */
function bashCompletes(file: string, words: string[]): string[] {
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _gamepipe; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program, 'bash', file, ...words], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '', `no error completing ${words.join(' ')}`);
  return result.stdout.split('\n').filter(Boolean).sort();
}

/** Every command path of the program with its subcommands and long flags, as commander registered them. */
function registered(command: Command, path: string[] = []): { path: string[]; subs: string[]; flags: string[] }[] {
  const subs = command.commands.map((c) => c.name());
  const flags = command.options.map((o) => o.long).filter((f): f is string => f !== undefined);
  return [{ path, subs, flags }, ...command.commands.flatMap((c) => registered(c, [...path, c.name()]))];
}

const sorted = (words: readonly string[]) => [...words].sort();

describe('gamepipe completion bash', () => {
  const bash = script('bash');

  it('completes every command, subcommand and flag commander has registered, the global ones included', async () => {
    const program = await buildProgram();
    // --version is the root's alone.
    const globals = program.options.map((o) => o.long!).filter((flag) => flag !== '--version');
    for (const { path, subs, flags } of registered(program)) {
      const line = ['gamepipe', ...path];
      const offered = bashCompletes(bash, [...line, '']);
      for (const sub of subs) assert.ok(offered.includes(sub), `gamepipe ${path.join(' ')} offers ${sub}`);
      const offeredFlags = bashCompletes(bash, [...line, '--']);
      for (const flag of [...flags, ...globals])
        assert.ok(offeredFlags.includes(flag), `gamepipe ${path.join(' ')} offers ${flag}: ${offeredFlags.join(' ')}`);
    }
  });

  it("completes table names, item names, event types and a flag's choices from where they are declared", () => {
    const tables = [...tableSpecs, deadLetterSpec].map((s) => s.table);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'tables', 'describe', '']), sorted(tables));
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'tables', 'ddl', 'events_b']), ['events_buy']);
    assert.deepEqual(
      bashCompletes(bash, ['gamepipe', 'stream', '']),
      sorted(tableSpecs.map((s) => s.name).concat('all')),
    );
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'load', '--item', '']), sorted(items));
    assert.deepEqual(
      bashCompletes(bash, ['gamepipe', 'load', '--players', '3', '--items', 'sw']),
      items.filter((i) => i.startsWith('sw')).sort(),
    );
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'events', 'tail', '--type', '']), sorted(eventTypes));
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'query', '--format', '=', 'c']), ['csv']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', '--engine', '']), ['duckdb', 'presto', 'trino']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', '--data-dir', '/tmp/x', 'tables', 'cr']), ['create']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'st']), ['status', 'stream']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'help', 'que']), ['query']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'completion', '']), ['bash', 'fish', 'zsh']);
    assert.deepEqual(bashCompletes(bash, ['gamepipe', 'query', '--query-timeout', '']), [], 'free text: nothing');
  });

  it('completes file names for a file flag, and the item names of the configured catalog', () => {
    const catalogFile = join(dir, 'shop.json');
    const shop = Catalog.fromFile(undefined).data;
    writeFileSync(
      catalogFile,
      JSON.stringify({
        ...shop,
        items: [
          { ...shop.items[0]!, name: 'lute' },
          { ...shop.items[0]!, name: 'lyre' },
        ],
      }),
    );
    assert.deepEqual(bashCompletes(bash, ['gamepipe', '--config', join(dir, 'sho')]), [catalogFile]);
    const custom = script('bash', ['--item-catalog', catalogFile]);
    assert.deepEqual(bashCompletes(custom, ['gamepipe', 'load', '--item', 'l']), ['lute', 'lyre']);
  });
});

/** Skips (or fails under CI) when `shell` is not installed. */
function requireShell(t: TestContext, shell: string): boolean {
  if (!spawnSync(shell, ['-c', 'true']).error) return true;
  const message = `${shell} is not installed (apt-get install -y ${shell})`;
  if (process.env.CI) assert.fail(message);
  t.skip(message);
  return false;
}

describe('gamepipe completion zsh and fish', () => {
  it('zsh loads the script and completes through its bash layer', (t) => {
    if (!requireShell(t, 'zsh')) return;
    const file = script('zsh');
    // As zsh's _bash_complete does: COMP_WORDS and COMP_CWORD set, then compgen -F runs the function
    // (zsh's compadd then keeps the words that match what is typed).
    const complete = (words: string[]) => {
      const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); compgen -F _gamepipe -- "\${@[-1]}"`;
      const result = spawnSync('zsh', ['-f', '-c', program, 'zsh', file, ...words], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').filter(Boolean).sort();
    };
    const tables = [...tableSpecs, deadLetterSpec].map((s) => s.table);
    assert.deepEqual(complete(['gamepipe', 'tables', 'describe', '']), sorted(tables));
    assert.deepEqual(complete(['gamepipe', 'load', '--item', '']), sorted(items));
    assert.deepEqual(complete(['gamepipe', 'query', '--format', '']), ['csv', 'json', 'table']);
    assert.ok(complete(['gamepipe', 'tables', '']).includes('compact'));
  });

  it('fish completes commands, table names and item names', (t) => {
    if (!requireShell(t, 'fish')) return;
    const file = script('fish');
    const complete = (line: string) => {
      const result = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!)
        .sort();
    };
    assert.deepEqual(complete('gamepipe st'), ['status', 'stream']);
    assert.deepEqual(complete('gamepipe tables describe events_b'), ['events_buy']);
    assert.deepEqual(complete('gamepipe load --item sw'), items.filter((i) => i.startsWith('sw')).sort());
    assert.ok(complete('gamepipe query --fo').includes('--format'));
  });
});
