import { duration, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const dashboardOptions = {
  url: text('--url <url>', 'the game server to watch (default: http://127.0.0.1:<port>)'),
  refresh: duration('--refresh <duration>', 'how often the server and the lake are read', { default: '1s' }),
};

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  description:
    'watch a running pipeline live: requests, events, writers, freshness, the lake; `/` opens the query shell, `q` quits',
  options: dashboardOptions,
  action: async () => (await import('./dashboard-action.js')).dashboardAction,
});
