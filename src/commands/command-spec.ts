import type { Config } from '../config/config-fields.js';
import type { Lazy } from './lazy.js';

/** A help text, or one derived from a module the command loads only when it runs or shows its help. */
export type Text = string | Lazy<string>;

/**
 * What a shell completes for a value: these words (perhaps from a module loaded when asked), or the
 * item names of the configured catalog. A `<file>` or `<dir>` placeholder completes paths without it.
 */
export type Completion = readonly string[] | Lazy<readonly string[]> | 'item';

/**
 * One option, declared once: the commander option, the help text, the default and the typed value
 * all come from it. `parse` turns what commander collected (the string, true/false for a switch,
 * undefined when absent and without default) into the value, or throws GamepipeError BAD_REQUEST.
 */
export interface OptionSpec<T> {
  /** As commander takes it: `--trigger <duration>`, `--once`, `--no-tui`. */
  flag: string;
  description: Text;
  /** Shown in help, and parsed as if given when the flag is absent. */
  defaultValue?: Text;
  complete?: Completion;
  parse(raw: string | boolean | undefined, flagName: string): T | Promise<T>;
}

/** One positional argument: `<table>` (required) or `[which]` (optional). */
export interface ArgumentSpec<T> {
  name: string;
  description: Text;
  defaultValue?: string;
  complete?: Completion;
  parse(raw: string | undefined): T | Promise<T>;
}

export type OptionSpecs = Record<string, OptionSpec<unknown>>;
export type ArgumentSpecs = Record<string, ArgumentSpec<unknown>>;

export type OptionValues<O extends OptionSpecs> = { [K in keyof O]: O[K] extends OptionSpec<infer T> ? T : never };
export type ArgumentValues<A extends ArgumentSpecs> = {
  [K in keyof A]: A[K] extends ArgumentSpec<infer T> ? T : never;
};

/** What a command's action receives: its arguments and options parsed and checked, and the settings. */
export interface CommandInput<A extends ArgumentSpecs, O extends OptionSpecs> {
  args: ArgumentValues<A>;
  options: OptionValues<O>;
  /** The global settings (flags, environment, config file, defaults), resolved at the first call. */
  config(): Config;
}

export type CommandAction<A extends ArgumentSpecs, O extends OptionSpecs> = (
  input: CommandInput<A, O>,
) => Promise<void>;

/** A command, declared once: commander's command, its help and its typed input are derived from it. */
export interface CommandSpec<A extends ArgumentSpecs = ArgumentSpecs, O extends OptionSpecs = OptionSpecs> {
  name: string;
  description: string;
  args: A;
  options: O;
  /** Text after the generated help. */
  helpAfter?: string;
  /** Imports the action: a command loads what it uses only when it runs. */
  action(): Promise<CommandAction<A, O>>;
}

/** A command with subcommands (`tables create`), which has no action of its own. */
export interface CommandGroupSpec {
  name: string;
  description: string;
  /** `any`: each subcommand has its own argument and option types. */
  commands: CommandSpec<any, any>[];
}

export type AnyCommandSpec = CommandSpec<any, any> | CommandGroupSpec;

export function defineCommand<A extends ArgumentSpecs = {}, O extends OptionSpecs = {}>(
  spec: Omit<CommandSpec<A, O>, 'args' | 'options'> & { args?: A; options?: O },
): CommandSpec<A, O> {
  return { ...spec, args: spec.args ?? ({} as A), options: spec.options ?? ({} as O) };
}

export const defineGroup = (spec: CommandGroupSpec): CommandGroupSpec => spec;

export const isGroup = (spec: AnyCommandSpec): spec is CommandGroupSpec => 'commands' in spec;
