import type { Catalog } from '../catalog/catalog.js';
import { GamepipeError } from '../errors.js';

export const DAY_MS = 86_400_000;

/** Everything a simulated month needs, validated. */
export interface SimulationPlan {
  days: number;
  players: number;
  seed: number;
  /** Midnight UTC of the first simulated day; the last one ends before today, so every event is in the past. */
  firstDayMs: number;
  /** Players are `<prefix>1` … `<prefix>N`. */
  playerPrefix: string;
  guilds: string[];
  catalog: Catalog;
}

export interface SimulationRequest {
  days: number;
  players: number;
  seed: number;
  /** The last simulated UTC day, `YYYY-MM-DD`; default yesterday. */
  lastDay?: string;
  playerPrefix?: string;
  guilds?: string[];
  catalog: Catalog;
}

/** The guild names the server accepts (routes/guild-routes.ts). */
const GUILD_NAME = /^[\p{L}\p{N}][\p{L}\p{N} _.'-]{0,63}$/u;

export const DEFAULT_GUILDS = ['knights', 'dragons', 'rangers', 'mages'];

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function lastDayMs(lastDay: string | undefined, now: number): number {
  const yesterday = Math.floor(now / DAY_MS) * DAY_MS - DAY_MS;
  if (lastDay === undefined) return yesterday;
  const ms = Date.parse(`${lastDay}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(lastDay) || Number.isNaN(ms))
    throw new GamepipeError('BAD_REQUEST', `--last-day must be a date like 2026-11-28, not "${lastDay}"`);
  if (ms > yesterday)
    throw new GamepipeError('BAD_REQUEST', `--last-day ${lastDay} is not in the past`, {
      hint: `the latest is ${utcDay(yesterday)}`,
    });
  return ms;
}

export function planSimulation(request: SimulationRequest, now: number = Date.now()): SimulationPlan {
  const last = lastDayMs(request.lastDay, now);
  const playerPrefix = request.playerPrefix ?? `sim${request.seed}-player`;
  if (!/^[A-Za-z0-9_.-]{1,50}$/.test(playerPrefix))
    throw new GamepipeError('BAD_REQUEST', '--player-prefix is 1 to 50 letters, digits, ".", "_" or "-"');
  const guilds = request.guilds ?? DEFAULT_GUILDS;
  if (guilds.length === 0) throw new GamepipeError('BAD_REQUEST', '--guilds needs at least one name');
  const badGuild = guilds.find((g) => !GUILD_NAME.test(g));
  if (badGuild !== undefined)
    throw new GamepipeError(
      'BAD_REQUEST',
      `--guilds: "${badGuild.slice(0, 64)}" is not a guild name the server would accept`,
      { hint: '1 to 64 letters, digits, spaces, ".", "_", "\'" or "-"' },
    );
  return {
    days: request.days,
    players: request.players,
    seed: request.seed,
    firstDayMs: last - (request.days - 1) * DAY_MS,
    playerPrefix,
    guilds,
    catalog: request.catalog,
  };
}
