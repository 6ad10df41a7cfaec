import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Catalog } from '../catalog/catalog.js';
import type { Config } from '../config/config-fields.js';
import { GamepipeError } from '../errors.js';
import { checkingUsage } from '../exit-codes.js';
import { checkCatalogChoices, loadActions, parseWeights, type LoadAction, type LoadPlan } from '../load/load-plan.js';
import { formatSummary } from '../load/load-summary.js';
import { runLoad } from '../load/run-load.js';
import { showLoadProgress } from '../ui/load-progress.js';
import type { CommandAction, OptionValues } from './command-spec.js';
import { GAME_DAY_MIX, type loadOptions } from './load.js';
import { parseServerUrl } from './option-parsers.js';
import { shutdownSignal } from './shutdown-signal.js';

type LoadOptions = OptionValues<typeof loadOptions>;

/** The plan from the options; what depends on the catalog or the configured port is checked here. */
function buildPlan(options: LoadOptions, config: Config, catalog: Catalog): LoadPlan {
  if (options.item && options.items) throw new GamepipeError('BAD_REQUEST', 'give --item or --items, not both');
  if (options.requests !== undefined && options.duration !== undefined)
    throw new GamepipeError('BAD_REQUEST', 'give --requests or --duration, not both');
  const itemsText = options.item ?? options.items;
  const requests = options.duration === undefined ? (options.requests ?? 100) : undefined;
  const plan: LoadPlan = {
    url: parseServerUrl(options.url, config.port),
    players: options.players,
    playerPrefix: options.playerPrefix,
    password: options.password,
    hostTemplate: options.hostTemplate,
    mix: parseWeights<LoadAction>(
      options.mix ?? (itemsText || options.players === 1 ? 'buy=100' : GAME_DAY_MIX),
      '--mix',
      loadActions,
    ),
    items: itemsText
      ? parseWeights(itemsText, '--items', catalog.itemNames())
      : catalog.itemNames().map((name) => [name, 1]),
    cycleItems: itemsText !== undefined && !itemsText.includes('='),
    qualities: options.qualities ? parseWeights(options.qualities, '--qualities', catalog.qualityNames()) : [],
    guilds: options.guilds,
    requests,
    durationMs: options.duration,
    connections: Math.min(options.connections, requests ?? Number.MAX_SAFE_INTEGER),
    rate: options.rate,
    seed: options.seed ?? randomInt(2 ** 31),
  };
  checkCatalogChoices(plan, catalog);
  return plan;
}

export const loadAction: CommandAction<{}, typeof loadOptions> = async ({ options, config: resolveConfig }) => {
  const config = resolveConfig();
  const catalog = Catalog.fromFile(config.itemCatalog);
  const plan = checkingUsage(() => buildPlan(options, config, catalog));
  const tty = process.stderr.isTTY === true;
  let stopProgress = () => undefined as void;
  const summary = await runLoad(
    plan,
    { intervalMs: options.loop ? options.interval : undefined, maxDurationMs: options.maxDuration },
    {
      onPlayersReady: (done, total) => {
        if (tty) process.stderr.write(`\rplayers ready: ${done}/${total}${done === total ? '\n' : ''}`);
      },
      onRoundStart: (round, instance) => {
        if (tty)
          stopProgress = showLoadProgress(
            instance,
            round,
            { requests: plan.requests, durationMs: plan.durationMs },
            process.stderr,
          );
        else if (options.loop) process.stderr.write(`round ${round}\n`);
      },
      onRoundEnd: () => stopProgress(),
      stopRequested: shutdownSignal(),
    },
  );
  if (options.out) writeFileSync(options.out, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
};
