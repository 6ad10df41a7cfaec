import type { ArgumentSpec, Completion, OptionSpec, Text } from './command-spec.js';
import { Lazy } from './lazy.js';
import { parseChoice, parseCount, parseDuration } from './option-parsers.js';

/**
 * The kinds of options and arguments commands declare. Each builder gives the value its type: with a
 * `default` the value is always there, without one it is undefined when the flag is absent.
 */
type Parser<T> = (raw: string, flagName: string) => T | Promise<T>;
interface Settings {
  default?: Text;
  /** What a shell completes for the value (a choice completes its choices without it). */
  complete?: Completion;
}
type Valued<T, S> = S extends { default: Text } ? T : T | undefined;

function valued<T>(
  flag: string,
  description: Text,
  parse: Parser<T>,
  defaultValue: Text | undefined,
  complete?: Completion,
): OptionSpec<T | undefined> {
  return {
    flag,
    description,
    defaultValue,
    complete,
    parse: (raw, flagName) => (raw === undefined ? undefined : parse(String(raw), flagName)),
  };
}

/** A switch: `--once` is false unless given; `--no-tui` is true unless given. */
export const flag = (flag: string, description: Text): OptionSpec<boolean> => ({
  flag,
  description,
  parse: (raw) => raw === true,
});

/** Free text. */
export function text<S extends Settings = {}>(
  flag: string,
  description: Text,
  settings?: S,
): OptionSpec<Valued<string, S>> {
  return valued(flag, description, (raw) => raw, settings?.default, settings?.complete) as OptionSpec<
    Valued<string, S>
  >;
}

/** Text that `parse` checks and turns into a value (throwing GamepipeError BAD_REQUEST). */
export function option<T, S extends Settings = {}>(
  flag: string,
  description: Text,
  parse: Parser<T>,
  settings?: S,
): OptionSpec<Valued<Awaited<T>, S>> {
  return valued(flag, description, parse, settings?.default, settings?.complete) as OptionSpec<Valued<Awaited<T>, S>>;
}

/** `500ms`, `10s`, `2m`, `1h`: in milliseconds. */
export function duration<S extends Settings = {}>(
  flag: string,
  description: Text,
  settings?: S,
): OptionSpec<Valued<number, S>> {
  return valued(flag, description, parseDuration, settings?.default) as OptionSpec<Valued<number, S>>;
}

/** A whole number from `min` (1) to `max`. */
export function count<S extends Settings & { min?: number; max?: number } = {}>(
  flag: string,
  description: Text,
  settings?: S,
): OptionSpec<Valued<number, S>> {
  const parse = (raw: string, flagName: string) => parseCount(raw, flagName, settings?.min, settings?.max);
  return valued(flag, description, parse, settings?.default) as OptionSpec<Valued<number, S>>;
}

/** One of `choices` (which may come from a module loaded when the command runs). */
export function choice<T extends string, S extends Settings = {}>(
  flag: string,
  description: Text,
  choices: readonly T[] | Lazy<readonly T[]>,
  settings?: S,
): OptionSpec<Valued<T, S>> {
  const parse = async (raw: string, flagName: string) =>
    parseChoice(raw, choices instanceof Lazy ? await choices.get() : choices, flagName);
  return valued(flag, description, parse, settings?.default, choices) as OptionSpec<Valued<T, S>>;
}

type ArgumentValue<T, N extends string, S> = N extends `<${string}>`
  ? T
  : S extends { default: string }
    ? T
    : T | undefined;

/** `<name>` is required, `[name]` optional (with its default, if any); `parse` checks it and turns it into a value. */
export function argument<N extends string, T = string, S extends { default?: string; complete?: Completion } = {}>(
  name: N,
  description: Text,
  parse?: ((raw: string) => T | Promise<T>) & { choices?: Completion },
  settings?: S,
): ArgumentSpec<ArgumentValue<Awaited<T>, N, S>> {
  const parseRaw = parse ?? ((raw: string) => raw);
  return {
    name,
    description,
    defaultValue: settings?.default,
    complete: settings?.complete ?? parse?.choices,
    parse: (raw) => (raw === undefined ? undefined : parseRaw(raw)),
  } as ArgumentSpec<ArgumentValue<Awaited<T>, N, S>>;
}

/** An argument's parser for one of `choices` (which a shell completes); errors name it as `what` ("the table"). */
export const oneOf = <T extends string>(choices: readonly T[] | Lazy<readonly T[]>, what: string) =>
  Object.assign(
    async (raw: string): Promise<T> => parseChoice(raw, choices instanceof Lazy ? await choices.get() : choices, what),
    { choices },
  );
