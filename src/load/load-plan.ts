import type { Catalog } from '../catalog/catalog.js';
import { GamepipeError } from '../errors.js';
import type { Weights } from './seeded-random.js';

export const loadActions = ['buy', 'join_guild', 'login', 'inventory', 'default'] as const;
export type LoadAction = (typeof loadActions)[number];

/** Everything a load run needs, validated. */
export interface LoadPlan {
  url: URL;
  players: number;
  playerPrefix: string;
  /** Every player's password; undefined gives each its own (pw-<name>). */
  password: string | undefined;
  hostTemplate: string;
  mix: Weights<LoadAction>;
  items: Weights<string>;
  /** Cycle through the items in order (the seed's loop) instead of drawing them. */
  cycleItems: boolean;
  /** Empty: let the server draw the quality from its odds. */
  qualities: Weights<string>;
  guilds: string[];
  requests: number | undefined;
  durationMs: number | undefined;
  connections: number;
  rate: number | undefined;
  seed: number;
}

/** "a=70,b=30" or "a,b" (equal weights) into weights; every key must be allowed. */
export function parseWeights<T extends string>(raw: string, what: string, allowed: readonly string[]): Weights<T> {
  const weights = raw.split(',').map((part) => {
    const [key, weight] = part.split('=').map((s) => s.trim()) as [string, string | undefined];
    if (!allowed.includes(key))
      throw new GamepipeError('BAD_REQUEST', `${what}: unknown "${key}"`, {
        hint: `choose from ${allowed.join(', ')}`,
      });
    const value = weight === undefined ? 1 : Number(weight);
    if (!Number.isFinite(value) || value < 0)
      throw new GamepipeError('BAD_REQUEST', `${what}: weight of "${key}" must be a number of at least 0`);
    return [key as T, value] as [T, number];
  });
  if (weights.every(([, w]) => w === 0))
    throw new GamepipeError('BAD_REQUEST', `${what}: at least one weight must be above 0`);
  return weights;
}

export function checkCatalogChoices(plan: LoadPlan, catalog: Catalog): void {
  for (const [item] of plan.items)
    if (!catalog.item(item)) throw new GamepipeError('BAD_REQUEST', `--items: "${item}" is not in the catalog`);
}
