import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { configFields, type Config } from './config/config-fields.js';
import { loadConfig } from './config/load-config.js';
import { describeError, isGamepipeError } from './errors.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerEventsCommand } from './commands/events.js';
import { registerLoadCommand } from './commands/load.js';
import { registerQueryCommand } from './commands/query.js';
import { registerServeCommand } from './commands/serve.js';
import { registerStatusCommand } from './commands/status.js';
import { registerStreamCommand } from './commands/stream.js';
import { registerTablesCommand } from './commands/tables.js';
import { registerTopicCommand } from './commands/topic.js';
import { registerUpCommand } from './commands/up.js';

/** Resolves the config from the options of `command` and all its parents. */
export type ConfigResolver = (command: Command) => Config;

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function buildProgram(): Command {
  const program = new Command('gamepipe')
    .description('Run and inspect a game-telemetry pipeline: game API -> event log -> Parquet lake -> SQL.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      '\nSettings come from flags, then GAMEPIPE_* environment variables, then the config file\n' +
        '(--config, GAMEPIPE_CONFIG or ./gamepipe.config.json), then defaults. With no Redis URL or\n' +
        'Kafka brokers everything runs embedded under --data-dir.',
    );
  program.option('--config <file>', 'JSON config file with any of the settings below (keys as in gamepipe.config.json)');
  for (const field of configFields) {
    const defaultText = field.defaultValue === undefined ? '' : ` (default: ${String(field.defaultValue)})`;
    program.addOption(new Option(field.flag, `${field.description}${defaultText} [env ${field.env}]`));
  }

  const resolveConfig: ConfigResolver = (command) => {
    const options = command.optsWithGlobals() as Record<string, string | undefined>;
    const flags: Partial<Record<keyof Config, string>> = {};
    for (const field of configFields) {
      const value = options[field.key];
      if (value !== undefined) flags[field.key] = value;
    }
    return loadConfig({ flags, env: process.env, configFile: options.config });
  };

  registerUpCommand(program, resolveConfig);
  registerServeCommand(program, resolveConfig);
  registerStreamCommand(program, resolveConfig);
  registerTablesCommand(program, resolveConfig);
  registerQueryCommand(program, resolveConfig);
  registerLoadCommand(program, resolveConfig);
  registerEventsCommand(program, resolveConfig);
  registerTopicCommand(program, resolveConfig);
  registerStatusCommand(program, resolveConfig);
  registerDashboardCommand(program, resolveConfig);
  return program;
}

/** Runs the CLI: a user's mistake is one line on stderr and exit 1; anything else is a bug with its stack. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (isGamepipeError(error)) {
      process.stderr.write(`gamepipe: ${describeError(error)}\n`);
      process.exit(1);
    }
    process.stderr.write(`gamepipe: unexpected error (a bug, please report it):\n${(error as Error).stack ?? String(error)}\n`);
    process.exit(70);
  }
}
