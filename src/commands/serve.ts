import { defineCommand } from './command-spec.js';

export const serveCommand = defineCommand({
  name: 'serve',
  description: 'run the instrumented game API (state: Redis or embedded; events: Kafka or embedded log)',
  helpAfter: '\nUses the global --host, --port, --catalog, --redis-url, --kafka-brokers and --data-dir.',
  action: async () => (await import('./serve-action.js')).serveAction,
});
