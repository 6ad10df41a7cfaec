import { flag } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const statusOptions = { json: flag('--json', 'print the status as JSON') };

export const statusCommand = defineCommand({
  name: 'status',
  description: 'what runs where, whether it answers, how far behind the stream writers are, what the lake holds',
  options: statusOptions,
  action: async () => (await import('./status-action.js')).statusAction,
});
