import { Option } from 'commander';
import {
  isGroup,
  type AnyCommandSpec,
  type ArgumentSpecs,
  type Completion,
  type OptionSpecs,
} from '../commands/command-spec.js';
import { Lazy } from '../commands/lazy.js';

/** What a value completes to: words, paths, or nothing (free text). */
export type ValueWords = { words: string[] } | { paths: 'file' | 'dir' } | { free: true };

export interface FlagCompletion {
  /** `--trigger`, and `-h` beside `--help`. */
  names: string[];
  /** Undefined for a switch (`--once`). */
  value: ValueWords | undefined;
}

/** One command line position: the root (`path` []), a command or a subcommand (`tables create`). */
export interface CompletionNode {
  path: string[];
  subcommands: string[];
  /** Its own flags; the global ones are in the model. */
  flags: FlagCompletion[];
  /** Words for its positional argument, when it has a fixed set. */
  args: string[];
}

export interface CompletionModel {
  nodes: CompletionNode[];
  /** Flags taken anywhere (the settings, --config, --help). */
  globalFlags: FlagCompletion[];
}

/** Where the completion words come from: the declared commands and settings, and the configured catalog. */
export interface CompletionSources {
  commands: AnyCommandSpec[];
  /** Flags of the program itself, as commander takes them (`--data-dir <dir>`), with their completions. */
  globalFlags: { flag: string; complete?: Completion }[];
  itemNames: string[];
}

async function wordsOf(complete: Completion | undefined, sources: CompletionSources): Promise<string[] | undefined> {
  if (complete === undefined) return undefined;
  if (complete === 'item') return sources.itemNames;
  return [...(complete instanceof Lazy ? await complete.get() : complete)];
}

/** A flag as commander reads its declaration; `<file>` and `<dir>` placeholders complete paths. */
async function flagCompletion(flag: string, complete: Completion | undefined, sources: CompletionSources) {
  const option = new Option(flag);
  const names = [option.long, option.short].filter((n): n is string => n !== undefined);
  if (!option.required && !option.optional) return { names, value: undefined };
  const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(flag)?.slice(1).find(Boolean) ?? '';
  const words = await wordsOf(complete, sources);
  let value: ValueWords = { free: true };
  if (words) value = { words };
  else if (placeholder === 'dir') value = { paths: 'dir' };
  else if (placeholder === 'file' || placeholder.endsWith('.json')) value = { paths: 'file' };
  return { names, value };
}

async function addNodes(nodes: CompletionNode[], specs: AnyCommandSpec[], path: string[], sources: CompletionSources) {
  for (const spec of specs) {
    const here = [...path, spec.name];
    if (isGroup(spec)) {
      nodes.push({ path: here, subcommands: spec.commands.map((c) => c.name), flags: [], args: [] });
      await addNodes(nodes, spec.commands, here, sources);
      continue;
    }
    const flags = await Promise.all(
      Object.values(spec.options as OptionSpecs).map((o) => flagCompletion(o.flag, o.complete, sources)),
    );
    const args = (
      await Promise.all(Object.values(spec.args as ArgumentSpecs).map((a) => wordsOf(a.complete, sources)))
    ).flat();
    nodes.push({ path: here, subcommands: [], flags, args: args.filter((w): w is string => w !== undefined) });
  }
}

/**
 * The completion model of the program: every command path with its subcommands, flags and argument
 * words, derived from the declared commands (and commander's own `help`, `--help`, `--version`).
 */
export async function buildCompletionModel(sources: CompletionSources): Promise<CompletionModel> {
  const names = sources.commands.map((c) => c.name);
  const nodes: CompletionNode[] = [
    { path: [], subcommands: [...names, 'help'], flags: [], args: [] },
    { path: ['help'], subcommands: [], flags: [], args: names },
  ];
  await addNodes(nodes, sources.commands, [], sources);
  const globalFlags = await Promise.all(sources.globalFlags.map((f) => flagCompletion(f.flag, f.complete, sources)));
  globalFlags.push({ names: ['--help', '-h'], value: undefined });
  nodes[0]!.flags.push({ names: ['--version', '-V'], value: undefined });
  return { nodes, globalFlags };
}
