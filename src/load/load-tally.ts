import type { LoadAction } from './load-plan.js';

export interface RouteTally {
  requests: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  latenciesMs: number[];
}

/** What the server accepted, read from its answers: the totals to check the lake against. */
export interface AcceptedTotals {
  /** Per event type: signup, login, buy_item, join_guild, default. */
  events: Record<string, number>;
  /** Bought items per item type. */
  items: Record<string, number>;
  /** Bought items per item type and quality (the quality the server answered with). */
  itemQualities: Record<string, Record<string, number>>;
  guilds: Record<string, number>;
}

export const eventOfAction: Record<LoadAction, string | undefined> = {
  buy: 'buy_item',
  join_guild: 'join_guild',
  login: 'login',
  default: 'default',
  inventory: undefined,
};

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/** Counts answers per route, and what the server accepted. */
export class LoadTally {
  readonly routes: Record<string, RouteTally> = {};
  readonly accepted: AcceptedTotals = { events: {}, items: {}, itemQualities: {}, guilds: {} };

  recordAnswer(route: string, status: number, latencyMs: number): void {
    const tally = (this.routes[route] ??= { requests: 0, '2xx': 0, '4xx': 0, '5xx': 0, latenciesMs: [] });
    tally.requests++;
    tally.latenciesMs.push(latencyMs);
    if (status >= 200 && status < 300) tally['2xx']++;
    else if (status >= 400 && status < 500) tally['4xx']++;
    else if (status >= 500) tally['5xx']++;
  }

  recordAccepted(event: string, detail: { item?: string; quality?: string; guild?: string } = {}): void {
    bump(this.accepted.events, event);
    if (detail.item) {
      bump(this.accepted.items, detail.item);
      bump((this.accepted.itemQualities[detail.item] ??= {}), detail.quality ?? 'unknown');
    }
    if (detail.guild) bump(this.accepted.guilds, detail.guild);
  }
}
