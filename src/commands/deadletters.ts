import { GamepipeError } from '../errors.js';
import { argument, flag, option, text } from './command-options.js';
import { defineCommand, defineGroup } from './command-spec.js';

const selection = {
  writer: text('--writer <name>', 'only those refused by this writer: buy, guild, user or unrouted'),
  reason: text('--reason <text>', 'only those whose reason contains this text'),
};

const fieldNames = (raw: string): string[] => {
  const names = raw.split(',').map((n) => n.trim());
  if (names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(n)))
    throw new GamepipeError('BAD_REQUEST', `--unset takes field names separated by commas, not "${raw}"`);
  return names;
};

export const deadlettersListOptions = { ...selection, json: flag('--json', 'print the groups as JSON') };
export const deadlettersShowArgs = {
  id: argument('<partition:offset>', 'the dead letter, by its log position (as `deadletters list --json` names it)'),
};
export const deadlettersReplayOptions = {
  ...selection,
  ids: text('--ids <list>', 'only these dead letters: partition:offset, separated by commas'),
  set: text(
    '--set <field=value>',
    'set one field in each event (the value as JSON when it reads as JSON: 2, true, "2")',
  ),
  unset: option('--unset <fields>', 'remove these fields (names separated by commas)', fieldNames),
  patch: text('--patch <json|@file>', 'an RFC 7396 merge patch applied to each event: inline JSON, or @file.json'),
  dryRun: flag('--dry-run', 'say what would be replayed, and append nothing'),
  json: flag('--json', 'print the outcome as JSON'),
};

export const deadlettersCommand = defineGroup({
  name: 'deadletters',
  description: 'records the stream writers refused: list them, show one, replay them through a fix exactly once',
  commands: [
    defineCommand({
      name: 'list',
      description: 'dead letters by writer and reason, with how many and when, and how many were replayed',
      options: deadlettersListOptions,
      action: async () => (await import('./deadletters-action.js')).deadlettersListAction,
    }),
    defineCommand({
      name: 'show',
      description: 'one dead letter: its reason, when the log took it, and the record as kept (secrets redacted)',
      args: deadlettersShowArgs,
      action: async () => (await import('./deadletters-action.js')).deadlettersShowAction,
    }),
    defineCommand({
      name: 'replay',
      description:
        'append the selected dead letters, fixed, to the event log for the writers to land: each once, whatever is run again or killed',
      options: deadlettersReplayOptions,
      action: async () => (await import('./deadletters-action.js')).deadlettersReplayAction,
    }),
  ],
});
