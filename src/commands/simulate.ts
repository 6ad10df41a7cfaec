import { DEFAULT_GUILDS } from '../simulate/simulation-plan.js';
import { count, flag, option, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

export const simulateOptions = {
  days: count('--days <n>', 'days of play, the last one yesterday (UTC)', { default: '30', max: 366 }),
  players: count('--players <n>', 'players signing up over those days', { default: '5000', max: 1_000_000 }),
  seed: count('--seed <n>', 'random seed: the same seed writes the same events (default: a random one, printed)', {
    min: 0,
    max: 2 ** 32 - 1,
  }),
  lastDay: text('--last-day <date>', 'the last day played, e.g. 2026-11-28 (default: yesterday)'),
  playerPrefix: text('--player-prefix <text>', 'players are <prefix>1, <prefix>2... (default: sim<seed>-player)'),
  guilds: option(
    '--guilds <list>',
    'guilds players join, most popular first',
    (raw) =>
      raw
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    { default: DEFAULT_GUILDS.join(',') },
  ),
  json: flag('--json', 'print what was written as JSON'),
  land: flag(
    '--no-land',
    'only write the log; by default the events are also landed in the lake (unless a stream writer is running: it lands them)',
  ),
};

export const simulateCommand = defineCommand({
  name: 'simulate',
  description:
    'write a realistic month of play (sign-ups, sessions, purchases, guild joins) with past timestamps to the event log, for the stream writers to land',
  options: simulateOptions,
  action: async () => (await import('./simulate-action.js')).simulateAction,
});
