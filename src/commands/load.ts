import type { Command } from 'commander';
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Catalog } from '../catalog/catalog.js';
import type { ConfigResolver } from '../cli.js';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { checkCatalogChoices, loadActions, parseWeights, type LoadAction, type LoadPlan } from '../load/load-plan.js';
import { formatSummary } from '../load/load-summary.js';
import { runLoad } from '../load/run-load.js';
import { showLoadProgress } from '../ui/load-progress.js';
import { parseCount, parseDuration, parseServerUrl } from './option-parsers.js';
import { shutdownSignal } from './shutdown-signal.js';

interface LoadOptions {
  url?: string;
  item?: string;
  items?: string;
  players: string;
  playerPrefix: string;
  password?: string;
  hostTemplate: string;
  mix?: string;
  qualities?: string;
  guilds: string;
  requests?: string;
  duration?: string;
  connections: string;
  rate?: string;
  loop?: boolean;
  interval: string;
  maxDuration: string;
  seed?: string;
  out?: string;
  json?: boolean;
}

/** A player logs in about once per hundred actions: each login costs a deliberately slow password hash. */
const GAME_DAY_MIX = 'buy=75,join_guild=10,inventory=10,default=4,login=1';

function buildPlan(options: LoadOptions, config: Config, catalog: Catalog): LoadPlan {
  if (options.item && options.items) throw new GamepipeError('BAD_REQUEST', 'give --item or --items, not both');
  if (options.requests && options.duration) throw new GamepipeError('BAD_REQUEST', 'give --requests or --duration, not both');
  const itemsText = options.item ?? options.items;
  const players = parseCount(options.players, '--players', 1, 1_000_000);
  const requests = options.duration ? undefined : parseCount(options.requests ?? '100', '--requests', 1);
  const plan: LoadPlan = {
    url: parseServerUrl(options.url, config.port),
    players,
    playerPrefix: options.playerPrefix,
    password: options.password,
    hostTemplate: options.hostTemplate,
    mix: parseWeights<LoadAction>(options.mix ?? (itemsText || players === 1 ? 'buy=100' : GAME_DAY_MIX), '--mix', loadActions),
    items: itemsText ? parseWeights(itemsText, '--items', catalog.itemNames()) : catalog.itemNames().map((name) => [name, 1]),
    cycleItems: itemsText !== undefined && !itemsText.includes('='),
    qualities: options.qualities ? parseWeights(options.qualities, '--qualities', catalog.qualityNames()) : [],
    guilds: options.guilds.split(',').map((g) => g.trim()).filter(Boolean),
    requests,
    durationMs: options.duration ? parseDuration(options.duration, '--duration') : undefined,
    connections: Math.min(parseCount(options.connections, '--connections', 1, 10_000), requests ?? Number.MAX_SAFE_INTEGER),
    rate: options.rate ? parseCount(options.rate, '--rate', 1) : undefined,
    seed: options.seed ? parseCount(options.seed, '--seed', 0, 2 ** 32 - 1) : randomInt(2 ** 31),
  };
  if (!plan.hostTemplate.includes('{user}') && plan.hostTemplate.includes('{')) throw new GamepipeError('BAD_REQUEST', '--host-template may only use {user}');
  if (plan.guilds.length === 0) throw new GamepipeError('BAD_REQUEST', '--guilds needs at least one name');
  checkCatalogChoices(plan, catalog);
  return plan;
}

export function registerLoadCommand(program: Command, resolveConfig: ConfigResolver): void {
  program
    .command('load')
    .description('send player traffic with real sessions (the seed\'s ab loop, up to a 1,000-player game day) and report what the server accepted')
    .option('--url <url>', 'game server to target (default http://127.0.0.1:<--port>)')
    .option('--item <name>', 'buy only this item (like the seed\'s ab loop)')
    .option('--items <list>', 'items to buy: "sword,potion,shield" cycles in order; "sword=5,potion=1" draws by weight')
    .option('--players <n>', 'players to sign up (or log in) first', '1')
    .option('--player-prefix <text>', 'player names are <prefix>1, <prefix>2...', 'player')
    .option('--password <text>', 'password of every player, to log in existing ones (default: pw-<name>)')
    .option('--host-template <text>', 'Host header per player', '{user}.comcast.com')
    .option('--mix <weights>', `actions by weight, of ${loadActions.join(', ')} (default buy=100 with --item(s) or one player, else ${GAME_DAY_MIX})`)
    .option('--qualities <weights>', 'ask for qualities by weight, e.g. common=60,rare=10 (default: the server draws)')
    .option('--guilds <list>', 'guilds players join', 'knights,dragons,rangers,mages')
    .option('--requests <n>', 'requests per round (default 100)')
    .option('--duration <duration>', 'send for this long instead of a number of requests, e.g. 30s')
    .option('--connections <n>', 'concurrent connections', '10')
    .option('--rate <n>', 'cap on requests per second')
    .option('--loop', 'repeat rounds like the seed\'s `while true; ... sleep 3` until Ctrl-C or --max-duration')
    .option('--interval <duration>', 'pause between rounds with --loop', '3s')
    .option('--max-duration <duration>', 'a --loop run stops after this long at the latest', '1h')
    .option('--seed <n>', 'random seed, to repeat a run exactly')
    .option('--out <file>', 'also write the summary as JSON to this file')
    .option('--json', 'print the summary as JSON')
    .action(async (options: LoadOptions, command: Command) => {
      const config = resolveConfig(command);
      const plan = buildPlan(options, config, Catalog.fromFile(config.itemCatalog));
      const tty = process.stderr.isTTY === true;
      let stopProgress = () => undefined as void;
      const summary = await runLoad(
        plan,
        { intervalMs: options.loop ? parseDuration(options.interval, '--interval') : undefined, maxDurationMs: parseDuration(options.maxDuration, '--max-duration') },
        {
          onPlayersReady: (done, total) => {
            if (tty) process.stderr.write(`\rplayers ready: ${done}/${total}${done === total ? '\n' : ''}`);
          },
          onRoundStart: (round, instance) => {
            if (tty) stopProgress = showLoadProgress(instance, round, { requests: plan.requests, durationMs: plan.durationMs }, process.stderr);
            else if (options.loop) process.stderr.write(`round ${round}\n`);
          },
          onRoundEnd: () => stopProgress(),
          stopRequested: shutdownSignal(),
        },
      );
      if (options.out) writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    });
}
