import { flag } from './command-options.js';
import { defineCommand } from './command-spec.js';
import { writerOptions } from './stream.js';

export const upOptions = {
  ...writerOptions,
  quiet: flag('--quiet', 'do not print a line per stream batch'),
  tui: flag('--no-tui', 'print lines instead of the dashboard, even on a terminal'),
};

export const upCommand = defineCommand({
  name: 'up',
  description:
    'run the whole pipeline: game server, stream writers for every table, tables; on a terminal, the live dashboard; Ctrl-C stops it',
  options: upOptions,
  action: async () => (await import('./up-action.js')).upAction,
});
