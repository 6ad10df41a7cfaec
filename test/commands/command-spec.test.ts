import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { argument, choice, count, duration, flag, oneOf, option, text } from '../../src/commands/command-options.js';
import { defineCommand, type CommandInput, type OptionValues } from '../../src/commands/command-spec.js';
import { lazy } from '../../src/commands/lazy.js';
import type { loadOptions } from '../../src/commands/load.js';
import { prepareNamedCommands, registerCommand } from '../../src/commands/register-command.js';
import type { writerOptions } from '../../src/commands/stream.js';
import type { Config } from '../../src/config/config-fields.js';
import { GamepipeError } from '../../src/errors.js';

/** Compile-time checks: the typed values are derived from the declarations (a wrong type fails the build). */
type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;
const sameType = <T extends true>(): T | undefined => undefined;
sameType<Equal<OptionValues<typeof loadOptions>['players'], number>>();
sameType<Equal<OptionValues<typeof loadOptions>['requests'], number | undefined>>();
sameType<Equal<OptionValues<typeof loadOptions>['guilds'], string[]>>();
sameType<Equal<OptionValues<typeof loadOptions>['loop'], boolean>>();
sameType<Equal<OptionValues<typeof writerOptions>['trigger'], number | undefined>>();
sameType<Equal<OptionValues<typeof writerOptions>['parquetWriter'], 'auto' | 'duckdb' | 'parquetjs'>>();

const demoArgs = {
  target: argument('<target>', 'what to act on', oneOf(['a', 'b'], 'the target')),
  extra: argument('[extra]', 'anything more'),
};
const demoOptions = {
  every: duration('--every <duration>', 'how often', { default: '2s' }),
  limit: count('--limit <n>', 'at most this many', { max: 10 }),
  mode: choice('--mode <name>', 'fast or safe', ['fast', 'safe'], { default: 'safe' }),
  dry: flag('--dry', 'only say what would happen'),
  color: flag('--no-color', 'plain output'),
  name: text('--name <text>', 'who asks'),
  tags: option('--tags <list>', 'labels', (raw) => raw.split(','), { default: 'red,blue' }),
};
sameType<Equal<OptionValues<typeof demoOptions>['tags'], string[]>>();
sameType<Equal<OptionValues<typeof demoOptions>['limit'], number | undefined>>();
sameType<Equal<OptionValues<typeof demoOptions>['mode'], 'fast' | 'safe'>>();

/** Runs `words` against a program holding only the demo command; returns what its action received. */
async function runDemo(words: string[]) {
  const received: CommandInput<typeof demoArgs, typeof demoOptions>[] = [];
  let actionImports = 0;
  let configReads = 0;
  const spec = defineCommand({
    name: 'demo',
    description: 'a command declared once',
    args: demoArgs,
    options: demoOptions,
    action: async () => {
      actionImports++;
      return async (input) => {
        received.push(input);
      };
    },
  });
  const program = new Command('gamepipe').exitOverride();
  registerCommand(program, spec, () => {
    configReads++;
    return { dataDir: '/demo' } as Config;
  });
  await program.parseAsync(words, { from: 'user' });
  return { input: received[0], actionImports, configReads: () => configReads };
}

describe('a command declared once', () => {
  it('gives its action typed values: defaults parsed like given values, switches as booleans', async () => {
    const { input } = await runDemo(['demo', 'a']);
    assert.deepEqual(input!.args, { target: 'a', extra: undefined });
    assert.deepEqual(input!.options, {
      every: 2000,
      limit: undefined,
      mode: 'safe',
      dry: false,
      color: true,
      name: undefined,
      tags: ['red', 'blue'],
    });
    const given = await runDemo([
      'demo',
      'b',
      'more',
      '--every',
      '500ms',
      '--limit',
      '3',
      '--mode',
      'fast',
      '--dry',
      '--no-color',
      '--name',
      'ann',
      '--tags',
      'x',
    ]);
    assert.deepEqual(given.input!.args, { target: 'b', extra: 'more' });
    assert.deepEqual(given.input!.options, {
      every: 500,
      limit: 3,
      mode: 'fast',
      dry: true,
      color: false,
      name: 'ann',
      tags: ['x'],
    });
  });

  it('refuses a bad value with one USAGE line (exit 2) before its action is even imported', async () => {
    const cases: [string[], string][] = [
      [['demo', 'c'], 'the target must be one of a, b, not "c"'],
      [['demo', 'a', '--limit', '11'], '--limit must be a whole number from 1 to 10, not "11"'],
      [['demo', 'a', '--every', 'soon'], '--every must be a duration like 500ms, 10s or 2m, not "soon"'],
      [['demo', 'a', '--mode', 'slow'], '--mode must be one of fast, safe, not "slow"'],
    ];
    for (const [words, message] of cases) {
      await assert.rejects(runDemo(words), (error: unknown) => {
        assert.ok(error instanceof GamepipeError, String(error));
        assert.equal(error.code, 'USAGE');
        assert.equal(error.message, message);
        return true;
      });
    }
  });

  it('resolves the settings only when the action asks for them', async () => {
    const run = await runDemo(['demo', 'a']);
    assert.equal(run.actionImports, 1);
    assert.equal(run.configReads(), 0);
    assert.equal(run.input!.config().dataDir, '/demo');
    assert.equal(run.input!.config().dataDir, '/demo');
    assert.equal(run.configReads(), 1);
  });

  it('derives its help from the declarations', async () => {
    const program = new Command('gamepipe');
    registerCommand(
      program,
      defineCommand({
        name: 'demo',
        description: 'a command declared once',
        args: demoArgs,
        options: demoOptions,
        action: async () => async () => {},
      }),
      () => ({}) as Config,
    );
    const help = program.commands[0]!.helpInformation();
    for (const line of [
      'Usage: gamepipe demo [options] <target> [extra]',
      'target',
      'what to act on',
      '--every <duration>',
      '(default: "2s")',
      '--no-color',
      'plain output',
    ]) {
      assert.ok(help.includes(line), `${line} in:\n${help}`);
    }
  });

  it('loads a lazy help text only for a command named on the command line', async () => {
    let loads = 0;
    const kinds = lazy(async () => {
      loads++;
      return ['x', 'y'];
    });
    const spec = defineCommand({
      name: 'pick',
      description: 'choose a kind',
      options: {
        kind: choice(
          '--kind <name>',
          kinds.map((k) => `one of ${k.join(', ')}`),
          kinds,
        ),
      },
      action: async () => async () => {},
    });
    await prepareNamedCommands([spec], ['status', '--json']);
    assert.equal(loads, 0);
    await prepareNamedCommands([spec], ['pick', '--help']);
    assert.equal(loads, 1);
    const program = new Command('gamepipe');
    registerCommand(program, spec, () => ({}) as Config);
    assert.match(program.commands[0]!.helpInformation(), /--kind <name>\s+one of x, y/);
  });
});
