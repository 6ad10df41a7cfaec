import type { SimulatedEvent } from './simulate-days.js';
import { DAY_MS, utcDay } from './simulation-plan.js';

/** What a simulation wrote, in the report's terms, counted from the events themselves. */
export interface SimulationSummary {
  events: number;
  byType: Record<SimulatedEvent['event_type'], number>;
  daily: DailyTally[];
  cohorts: { cohort: string; players: number; d1: number | null; d7: number | null; d30: number | null }[];
  revenueByItem: { item: string; category: string; purchases: number; quantity: number; revenue: number }[];
  revenueByQuality: { quality: string; purchases: number; quantity: number; revenue: number }[];
  totals: { players: number; activePlayers: number; payingPlayers: number; purchases: number; revenue: number };
  funnel: {
    signedUp: number;
    within1Day: number;
    within7Days: number;
    purchased: number;
    repeatPurchasers: number;
    medianMsToFirstPurchase: number | null;
  };
  guilds: { guild: string; members: number; joins: number; leaves: number }[];
}

export interface DailyTally {
  day: string;
  events: number;
  signups: number;
  logins: number;
  purchases: number;
  revenue: number;
  guildJoins: number;
  /** Players with any event that day; WAU and MAU over the 7 and 30 days ending that day. */
  dau: number;
  wau: number;
  mau: number;
}

interface PlayerTally {
  signupTs: number | null;
  days: Set<number>;
  firstBuyTs: number | null;
  buys: number;
  guild: string | null;
}

interface Sales {
  purchases: number;
  quantity: number;
  cents: number;
}

/** Code-point order, as SQL engines sort strings. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const dayNumber = (ts: number) => Math.floor(ts / DAY_MS);
const cents = (price: number) => Math.round(price * 100);
const addSale = (sales: Sales | undefined, quantity: number, price: number): Sales => ({
  purchases: (sales?.purchases ?? 0) + 1,
  quantity: (sales?.quantity ?? 0) + quantity,
  cents: (sales?.cents ?? 0) + cents(price),
});

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Counts simulated events the way the report defines its metrics: a player is active on a day
 * (UTC) with any event; a cohort is the players who signed up on a day, retained on day N when
 * active exactly N days later (unknown until that day has been simulated); revenue is the sum of
 * `total_price`, kept in cents so that sums are exact.
 */
export class SimulationTally {
  private readonly byType: SimulationSummary['byType'] = { signup: 0, login: 0, buy_item: 0, join_guild: 0 };
  private readonly days = new Map<
    number,
    Omit<DailyTally, 'day' | 'dau' | 'wau' | 'mau' | 'revenue'> & { cents: number }
  >();
  private readonly players = new Map<string, PlayerTally>();
  private readonly items = new Map<string, Sales & { category: string }>();
  private readonly qualities = new Map<string, Sales>();
  private readonly guildMoves = new Map<string, { joins: number; leaves: number }>();

  add(event: SimulatedEvent): void {
    this.byType[event.event_type]++;
    const dayNo = dayNumber(event.event_ts);
    let day = this.days.get(dayNo);
    if (!day) this.days.set(dayNo, (day = { events: 0, signups: 0, logins: 0, purchases: 0, cents: 0, guildJoins: 0 }));
    day.events++;
    let player = this.players.get(event.username!);
    if (!player)
      this.players.set(
        event.username!,
        (player = { signupTs: null, days: new Set(), firstBuyTs: null, buys: 0, guild: null }),
      );
    player.days.add(dayNo);
    switch (event.event_type) {
      case 'signup':
        day.signups++;
        player.signupTs ??= event.event_ts;
        break;
      case 'login':
        day.logins++;
        break;
      case 'buy_item':
        day.purchases++;
        day.cents += cents(event.total_price);
        player.firstBuyTs ??= event.event_ts;
        player.buys++;
        this.items.set(event.item_type, {
          ...addSale(this.items.get(event.item_type), event.quantity, event.total_price),
          category: event.item_category,
        });
        this.qualities.set(
          event.item_quality,
          addSale(this.qualities.get(event.item_quality), event.quantity, event.total_price),
        );
        break;
      case 'join_guild': {
        day.guildJoins++;
        player.guild = event.guild_name;
        const moves = (guild: string) =>
          this.guildMoves.get(guild) ?? this.guildMoves.set(guild, { joins: 0, leaves: 0 }).get(guild)!;
        moves(event.guild_name).joins++;
        if (event.previous_guild) moves(event.previous_guild).leaves++;
        break;
      }
    }
  }

  summary(qualityOrder: string[]): SimulationSummary {
    const dayNos = [...this.days.keys()].sort((a, b) => a - b);
    const lastDay = dayNos.at(-1) ?? 0;
    const players = [...this.players.values()];
    const activeWithin = (dayNo: number, span: number) =>
      players.filter((p) => [...p.days].some((d) => d <= dayNo && d > dayNo - span)).length;
    const daily = dayNos.map((dayNo) => {
      const { cents: dayCents, ...counts } = this.days.get(dayNo)!;
      return {
        day: utcDay(dayNo * DAY_MS),
        ...counts,
        revenue: dayCents / 100,
        dau: activeWithin(dayNo, 1),
        wau: activeWithin(dayNo, 7),
        mau: activeWithin(dayNo, 30),
      };
    });
    const signedUp = players.filter((p) => p.signupTs !== null);
    const cohorts = new Map<number, PlayerTally[]>();
    for (const p of signedUp) {
      const cohort = dayNumber(p.signupTs!);
      if (!cohorts.has(cohort)) cohorts.set(cohort, []);
      cohorts.get(cohort)!.push(p);
    }
    const retained = (members: PlayerTally[], cohort: number, n: number) =>
      cohort + n > lastDay ? null : members.filter((p) => p.days.has(cohort + n)).length;
    const toFirstBuy = signedUp.filter((p) => p.firstBuyTs !== null).map((p) => p.firstBuyTs! - p.signupTs!);
    const sales = [...this.items.entries()].map(([item, s]) => ({
      item,
      category: s.category,
      purchases: s.purchases,
      quantity: s.quantity,
      revenue: s.cents / 100,
    }));
    const totalCents = [...this.items.values()].reduce((sum, s) => sum + s.cents, 0);
    return {
      events: Object.values(this.byType).reduce((a, b) => a + b, 0),
      byType: { ...this.byType },
      daily,
      cohorts: [...cohorts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([cohort, members]) => ({
          cohort: utcDay(cohort * DAY_MS),
          players: members.length,
          d1: retained(members, cohort, 1),
          d7: retained(members, cohort, 7),
          d30: retained(members, cohort, 30),
        })),
      revenueByItem: sales.sort((a, b) => b.revenue - a.revenue || byName(a.item, b.item)),
      revenueByQuality: qualityOrder
        .filter((q) => this.qualities.has(q))
        .map((quality) => {
          const s = this.qualities.get(quality)!;
          return { quality, purchases: s.purchases, quantity: s.quantity, revenue: s.cents / 100 };
        }),
      totals: {
        players: signedUp.length,
        activePlayers: players.length,
        payingPlayers: players.filter((p) => p.buys > 0).length,
        purchases: this.byType.buy_item,
        revenue: totalCents / 100,
      },
      funnel: {
        signedUp: signedUp.length,
        within1Day: toFirstBuy.filter((ms) => ms < DAY_MS).length,
        within7Days: toFirstBuy.filter((ms) => ms < 7 * DAY_MS).length,
        purchased: toFirstBuy.length,
        repeatPurchasers: signedUp.filter((p) => p.buys >= 2).length,
        medianMsToFirstPurchase: median(toFirstBuy),
      },
      guilds: [...this.guildMoves.entries()]
        .map(([guild, m]) => ({ guild, members: players.filter((p) => p.guild === guild).length, ...m }))
        .sort((a, b) => b.members - a.members || byName(a.guild, b.guild)),
    };
  }
}
