import type { Item } from '../catalog/catalog.js';
import { eventBuilders, type GameEvent } from '../events/event-builders.js';
import { pickWeighted, seededRandom, type Weights } from '../load/seeded-random.js';
import {
  drawPlayers,
  extraSessions,
  guildJoinOdds,
  playsOnDay,
  poisson,
  priceTaste,
  purchasesPerSession,
  spendingRamp,
  timeOfDay,
  type PlayerProfile,
  type Spender,
} from './player-profile.js';
import { simulatedEventId } from './simulated-event-id.js';
import { DAY_MS, utcDay, type SimulationPlan } from './simulation-plan.js';

export type SimulatedEvent = GameEvent<'signup'> | GameEvent<'login'> | GameEvent<'buy_item'> | GameEvent<'join_guild'>;

export interface SimulatedDay {
  day: string;
  /** The day's events in time order. */
  events: SimulatedEvent[];
}

interface PlayerState {
  profile: PlayerProfile;
  itemCounts: Map<string, number>;
  inventory: number;
  guild: string | null;
}

const MAX_SESSIONS = 6;
const MAX_PURCHASES_PER_SESSION = 15;
/** A session is at most 1 + 16 steps of at most 3.25 minutes: starting by then, it ends the same day. */
const LATEST_SESSION_START = DAY_MS - 60 * 60_000;
const GUILD_SWITCH_ODDS = 0.02;

const quantityFor = (item: Item, random: () => number): number =>
  item.category === 'consumable'
    ? 1 + Math.floor(random() * 5)
    : item.category === 'ammunition'
      ? [10, 20, 50][Math.floor(random() * 3)]!
      : 1;

/**
 * A month of play, one day at a time, deterministic for the plan's seed. Each active player plays
 * one or more sessions: the first ever opens with `signup`, the others with `login`; a session
 * holds purchases at catalog prices (qualities drawn from the drop odds, as the server does) and
 * sometimes a guild join. Every event is built by the typed builders of the event schemas.
 */
export function* simulateDays(plan: SimulationPlan): Generator<SimulatedDay> {
  const random = seededRandom(plan.seed);
  const idRandom = seededRandom(plan.seed ^ 0x9e3779b9);
  const { catalog } = plan;
  const items = catalog.data.items;
  const itemWeights = Object.fromEntries(
    (Object.keys(priceTaste) as Spender[]).map((s) => [
      s,
      items.map((item): [string, number] => [item.name, Math.max(item.price, 1) ** priceTaste[s]]),
    ]),
  ) as Record<Spender, Weights<string>>;
  const guildWeights: Weights<string> = plan.guilds.map((g, i) => [g, 1 / (i + 1) ** 0.8]);
  const players: PlayerState[] = drawPlayers(plan, random).map((profile) => ({
    profile,
    itemCounts: new Map(),
    inventory: 0,
    guild: null,
  }));

  for (let d = 0; d < plan.days; d++) {
    const dayStart = plan.firstDayMs + d * DAY_MS;
    const events: SimulatedEvent[] = [];
    for (const player of players) {
      const { profile } = player;
      if (profile.signupDay > d) break;
      if (!playsOnDay(profile, d - profile.signupDay, random)) continue;
      const envelope = {
        accept: 'application/json',
        host: 'game.example.com',
        user_agent: `gamepipe-simulate/1 (${profile.client})`,
        username: profile.username,
      };
      const at = (ts: number) => ({ ...envelope, event_id: simulatedEventId(ts, idRandom), event_ts: ts });
      const sessions = Math.min(MAX_SESSIONS, 1 + poisson(extraSessions[profile.engagement], random));
      const starts = Array.from({ length: sessions }, () => Math.min(timeOfDay(random), LATEST_SESSION_START)).sort(
        (a, b) => a - b,
      );
      let cursor = 0;
      for (let s = 0; s < sessions; s++) {
        const start = Math.max(starts[s]!, cursor);
        if (start > LATEST_SESSION_START) break;
        let ts = dayStart + start;
        const firstEver = d === profile.signupDay && s === 0;
        events.push(firstEver ? eventBuilders.signup(at(ts)) : eventBuilders.login(at(ts)));
        const purchases = Math.min(
          MAX_PURCHASES_PER_SESSION,
          poisson(purchasesPerSession[profile.spender] * spendingRamp(d - profile.signupDay), random),
        );
        const joinOdds = player.guild === null ? guildJoinOdds[profile.engagement] : GUILD_SWITCH_ODDS;
        const joinAfter = random() < joinOdds ? Math.floor(random() * (purchases + 1)) : -1;
        for (let step = 0; step <= purchases; step++) {
          if (step === joinAfter) {
            ts += 15_000 + Math.floor(random() * 180_000);
            const choices = guildWeights.filter(([g]) => g !== player.guild);
            if (choices.length > 0) {
              const guild = pickWeighted(choices, random);
              events.push(eventBuilders.join_guild({ ...at(ts), guild_name: guild, previous_guild: player.guild }));
              player.guild = guild;
            }
          }
          if (step === purchases) break;
          ts += 15_000 + Math.floor(random() * 180_000);
          const item = catalog.item(pickWeighted(itemWeights[profile.spender], random))!;
          const quality = catalog.drawQuality(random());
          const quantity = quantityFor(item, random);
          const price = catalog.unitPrice(item, quality);
          const itemCount = (player.itemCounts.get(item.name) ?? 0) + quantity;
          player.itemCounts.set(item.name, itemCount);
          player.inventory += quantity;
          events.push(
            eventBuilders.buy_item({
              ...at(ts),
              item_type: item.name,
              item_category: item.category,
              item_quality: quality.name,
              quantity,
              price,
              total_price: Math.round(price * quantity * 100) / 100,
              item_count: itemCount,
              inventory_count: player.inventory,
            }),
          );
        }
        cursor = ts - dayStart + 10 * 60_000 + Math.floor(random() * 2 * 3_600_000);
      }
    }
    events.sort((a, b) => a.event_ts - b.event_ts);
    yield { day: utcDay(dayStart), events };
  }
}
