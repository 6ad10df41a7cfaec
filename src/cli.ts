import { Command, CommanderError, Option } from 'commander';
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { AnyCommandSpec } from './commands/command-spec.js';
import { completionCommand } from './commands/completion.js';
import { dashboardCommand } from './commands/dashboard.js';
import { eventsCommand } from './commands/events.js';
import { loadCommand } from './commands/load.js';
import { queryCommand } from './commands/query.js';
import { prepareNamedCommands, registerCommand } from './commands/register-command.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { streamCommand } from './commands/stream.js';
import { deadlettersCommand } from './commands/deadletters.js';
import { eraseCommand } from './commands/erase.js';
import { tablesCommand } from './commands/tables.js';
import { topicCommand } from './commands/topic.js';
import { traceCommand } from './commands/trace.js';
import { reportCommand } from './commands/report.js';
import { simulateCommand } from './commands/simulate.js';
import { upCommand } from './commands/up.js';
import { verifyCommand } from './commands/verify.js';
import { configFields, type Config } from './config/config-fields.js';
import { loadConfig } from './config/load-config.js';
import { describeError, isGamepipeError } from './errors.js';
import { EXIT, exitCodeHelp } from './exit-codes.js';

/** Resolves the config from the options of `command` and all its parents. */
export type ConfigResolver = (command: Command) => Config;

/**
 * Every command, in the order help lists them. Each module only declares its command (light imports);
 * its action, with what it needs (fastify, DuckDB, Kafka...), is imported when it runs.
 */
export const commandSpecs: AnyCommandSpec[] = [
  upCommand,
  serveCommand,
  streamCommand,
  tablesCommand,
  queryCommand,
  loadCommand,
  simulateCommand,
  reportCommand,
  eventsCommand,
  topicCommand,
  statusCommand,
  dashboardCommand,
  verifyCommand,
  traceCommand,
  deadlettersCommand,
  eraseCommand,
  completionCommand,
];

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const resolveConfig: ConfigResolver = (command) => {
  const options = command.optsWithGlobals() as Record<string, string | undefined>;
  const flags: Partial<Record<keyof Config, string>> = {};
  for (const field of configFields) {
    const value = options[field.key];
    if (value !== undefined) flags[field.key] = value;
  }
  return loadConfig({ flags, env: process.env, configFile: options.config });
};

/** The program for the command line `words` (the arguments after `gamepipe`): the help of the commands it names is complete. */
export async function buildProgram(words: string[] = []): Promise<Command> {
  const program = new Command('gamepipe')
    .description('Run and inspect a game-telemetry pipeline: game API -> event log -> Parquet lake -> SQL.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      '\nSettings come from flags, then GAMEPIPE_* environment variables, then the config file\n' +
        '(--config, GAMEPIPE_CONFIG, else the first of ./gamepipe.config.json and\n' +
        '$XDG_CONFIG_HOME/gamepipe/config.json, ~/.config by default), then defaults. With no\n' +
        'Redis URL or Kafka brokers everything runs embedded under --data-dir.\n\n' +
        exitCodeHelp(),
    )
    // Commander's errors (unknown flag, missing argument) come back to main, which gives them exit 2.
    .exitOverride();
  program.option(
    '--config <file>',
    'JSON config file with any of the settings below (keys as in gamepipe.config.json)',
  );
  for (const field of configFields) {
    const defaultText = field.defaultValue === undefined ? '' : ` (default: ${String(field.defaultValue)})`;
    program.addOption(new Option(field.flag, `${field.description}${defaultText} [env ${field.env}]`));
  }
  await prepareNamedCommands(commandSpecs, words);
  for (const spec of commandSpecs) registerCommand(program, spec, resolveConfig);
  return program;
}

/**
 * Runs the CLI and exits with the status of the exit-code table: a mistake (the user's or the run's) is
 * one line on stderr; anything else is a bug, with its stack.
 */
export async function main(argv: string[]): Promise<void> {
  try {
    await (await buildProgram(argv.slice(2))).parseAsync(argv);
  } catch (error) {
    process.exit(reportFailure(error));
  }
}

function reportFailure(error: unknown): number {
  // Commander has printed its message (or the help, or the version: exit 0).
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (isGamepipeError(error)) {
    process.stderr.write(`gamepipe: ${describeError(error)}\n`);
    return error.code === 'USAGE' ? EXIT.usage : EXIT.failure;
  }
  process.stderr.write(
    `gamepipe: unexpected error (a bug, please report it):\n${(error as Error).stack ?? String(error)}\n`,
  );
  return EXIT.bug;
}

/** True when this module is the program node was asked to run (`node dist/src/cli.js …`), not an import. */
function runAsProgram(): boolean {
  try {
    return process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
  } catch {
    return false;
  }
}

// bin/gamepipe.js imports main and runs it; run directly, this file does the same instead of exiting silently.
if (runAsProgram()) await main(process.argv);
