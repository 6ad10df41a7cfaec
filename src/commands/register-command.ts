import { Argument, Option, type Command } from 'commander';
import type { ConfigResolver } from '../cli.js';
import type { Config } from '../config/config-fields.js';
import { isGroup, type AnyCommandSpec, type CommandSpec, type Text } from './command-spec.js';
import { asUsageError } from '../exit-codes.js';
import { Lazy } from './lazy.js';

/** A text for help: empty while it waits for its module (only the help of a prepared command shows it). */
const helpText = (text: Text | undefined): string | undefined => (text instanceof Lazy ? text.peek() : text);
const loadText = async (text: Text | undefined): Promise<string | undefined> =>
  text instanceof Lazy ? text.get() : text;

/**
 * Loads the lazy help texts and defaults of the commands named in `words` (the command line), so that
 * `gamepipe stream --help` and `gamepipe help stream` show them; no other command's modules load.
 */
export async function prepareNamedCommands(specs: AnyCommandSpec[], words: string[]): Promise<void> {
  await Promise.all(
    specs
      .filter((spec) => words.includes(spec.name))
      .map(async (spec) => {
        if (isGroup(spec)) return prepareNamedCommands(spec.commands, words);
        const { args, options }: CommandSpec = spec;
        const texts = [
          ...Object.values(args).map((a) => a.description),
          ...Object.values(options).flatMap((o) => [o.description, o.defaultValue]),
        ];
        await Promise.all(texts.map(loadText));
      }),
  );
}

/** Adds the command (or group) declared by `spec` to `parent`: its arguments, options, help and an action that parses them, then imports and runs the command's action. */
export function registerCommand(parent: Command, declared: AnyCommandSpec, resolveConfig: ConfigResolver): void {
  const command = parent.command(declared.name).description(declared.description);
  if (isGroup(declared)) {
    for (const subcommand of declared.commands) registerCommand(command, subcommand, resolveConfig);
    return;
  }
  const spec: CommandSpec = declared;
  for (const arg of Object.values(spec.args)) {
    const argument = new Argument(arg.name, helpText(arg.description));
    if (arg.defaultValue !== undefined) argument.default(arg.defaultValue);
    command.addArgument(argument);
  }
  const options = Object.entries(spec.options).map(([key, option]) => {
    const commanderOption = new Option(option.flag, helpText(option.description));
    const defaultText = helpText(option.defaultValue);
    if (defaultText !== undefined) commanderOption.default(defaultText);
    command.addOption(commanderOption);
    return { key, option, commanderOption };
  });
  if (spec.helpAfter) command.addHelpText('after', spec.helpAfter);
  command.action(async (...received: unknown[]) => {
    const invoked = received[received.length - 1] as Command;
    const raw = invoked.opts();
    const args: Record<string, unknown> = {};
    const values: Record<string, unknown> = {};
    try {
      for (const [i, [key, arg]] of Object.entries(spec.args).entries())
        args[key] = await arg.parse(received[i] as string | undefined);
      for (const { key, option, commanderOption } of options) {
        const given = raw[commanderOption.attributeName()] as string | boolean | undefined;
        values[key] = await option.parse(
          given ?? (await loadText(option.defaultValue)),
          commanderOption.long ?? option.flag,
        );
      }
    } catch (error) {
      throw asUsageError(error);
    }
    const action = await spec.action();
    let config: Config | undefined;
    // The settings are read when the action first asks: a bad one (flag, variable, file) is a usage error.
    const settings = () => {
      try {
        config ??= resolveConfig(invoked);
      } catch (error) {
        throw asUsageError(error);
      }
      return config;
    };
    await action({ args, options: values, config: settings });
  });
}
