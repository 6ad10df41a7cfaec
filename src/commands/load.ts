import { GamepipeError } from '../errors.js';
import { loadActions } from '../load/load-plan.js';
import { count, duration, flag, option, text } from './command-options.js';
import { defineCommand } from './command-spec.js';

/** A player logs in about once per hundred actions: each login costs a deliberately slow password hash. */
export const GAME_DAY_MIX = 'buy=75,join_guild=10,inventory=10,default=4,login=1';

const hostTemplate = (raw: string): string => {
  if (!raw.includes('{user}') && raw.includes('{'))
    throw new GamepipeError('BAD_REQUEST', '--host-template may only use {user}');
  return raw;
};

const guildList = (raw: string): string[] => {
  const guilds = raw
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  if (guilds.length === 0) throw new GamepipeError('BAD_REQUEST', '--guilds needs at least one name');
  return guilds;
};

export const loadOptions = {
  url: text('--url <url>', 'game server to target (default http://127.0.0.1:<--port>)'),
  item: text('--item <name>', "buy only this item (like the seed's ab loop)", { complete: 'item' }),
  items: text(
    '--items <list>',
    'items to buy: "sword,potion,shield" cycles in order; "sword=5,potion=1" draws by weight',
    { complete: 'item' },
  ),
  players: count('--players <n>', 'players to sign up (or log in) first', { default: '1', max: 1_000_000 }),
  playerPrefix: text('--player-prefix <text>', 'player names are <prefix>1, <prefix>2...', { default: 'player' }),
  password: text('--password <text>', 'password of every player, to log in existing ones (default: pw-<name>)'),
  hostTemplate: option('--host-template <text>', 'Host header per player', hostTemplate, {
    default: '{user}.comcast.com',
  }),
  mix: text(
    '--mix <weights>',
    `actions by weight, of ${loadActions.join(', ')} (default buy=100 with --item(s) or one player, else ${GAME_DAY_MIX})`,
  ),
  qualities: text(
    '--qualities <weights>',
    'ask for qualities by weight, e.g. common=60,rare=10 (default: the server draws)',
  ),
  guilds: option('--guilds <list>', 'guilds players join', guildList, { default: 'knights,dragons,rangers,mages' }),
  requests: count('--requests <n>', 'requests per round (default 100)'),
  duration: duration('--duration <duration>', 'send for this long instead of a number of requests, e.g. 30s'),
  connections: count('--connections <n>', 'concurrent connections', { default: '10', max: 10_000 }),
  rate: count('--rate <n>', 'cap on requests per second'),
  loop: flag('--loop', "repeat rounds like the seed's `while true; ... sleep 3` until Ctrl-C or --max-duration"),
  interval: duration('--interval <duration>', 'pause between rounds with --loop', { default: '3s' }),
  maxDuration: duration('--max-duration <duration>', 'a --loop run stops after this long at the latest', {
    default: '1h',
  }),
  seed: count('--seed <n>', 'random seed, to repeat a run exactly', { min: 0, max: 2 ** 32 - 1 }),
  out: text('--out <file>', 'also write the summary as JSON to this file'),
  json: flag('--json', 'print the summary as JSON'),
};

export const loadCommand = defineCommand({
  name: 'load',
  description:
    "send player traffic with real sessions (the seed's ab loop, up to a 1,000-player game day) and report what the server accepted",
  options: loadOptions,
  action: async () => (await import('./load-action.js')).loadAction,
});
