import { flag, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const eraseOptions = {
  player: text('--player <name>', 'the player to erase, by username'),
  yes: flag('--yes', 'do it: without --yes, erase only says what it would do'),
  json: flag('--json', 'print the outcome as JSON'),
};

export const eraseCommand = defineCommand({
  name: 'erase',
  description:
    'erase a player: the account from the state store, their name from every lake file (rows kept under a pseudonym, so figures hold); prove it with `verify --erased`',
  options: eraseOptions,
  helpAfter:
    '\nRun it with the stream writers stopped: it takes their leases while it rewrites files.\n' +
    'Exit status: 0 erased (or erased before, nothing left), 1 no such player or erase could not run, 2 bad usage.',
  action: async () => (await import('./erase-action.js')).eraseAction,
});
