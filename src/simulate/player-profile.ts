import { pickWeighted, type Weights } from '../load/seeded-random.js';
import type { SimulationPlan } from './simulation-plan.js';

/**
 * Who the simulated players are. The shapes follow what free-to-play games publish: a launch
 * spike of sign-ups that settles, day-N retention falling as a power law (about 40% on day 1, 17%
 * on day 7, 9% on day 30 for an average player), and a few payers of whom a few spend a lot.
 */
export type Engagement = 'casual' | 'regular' | 'core';
export type Spender = 'none' | 'minnow' | 'dolphin' | 'whale';

export interface PlayerProfile {
  username: string;
  /** Index of the sign-up day in the simulation. */
  signupDay: number;
  engagement: Engagement;
  spender: Spender;
  client: string;
}

const engagementMix: Weights<Engagement> = [
  ['casual', 45],
  ['regular', 35],
  ['core', 20],
];
const spenderMix: Weights<Spender> = [
  ['none', 70],
  ['minnow', 20],
  ['dolphin', 8],
  ['whale', 2],
];
const clientMix: Weights<string> = [
  ['android', 48],
  ['ios', 32],
  ['windows', 15],
  ['macos', 5],
];

/** How much more likely than average to come back on a given day. */
const returnFactor: Record<Engagement, number> = { casual: 0.55, regular: 1, core: 1.9 };
/** Extra sessions on a day played, on average, beside the first. */
export const extraSessions: Record<Engagement, number> = { casual: 0.2, regular: 0.7, core: 1.6 };
/** Chance per session of joining a guild while in none. */
export const guildJoinOdds: Record<Engagement, number> = { casual: 0.06, regular: 0.15, core: 0.3 };
/** Purchases per session, on average. */
export const purchasesPerSession: Record<Spender, number> = { none: 0, minnow: 0.25, dolphin: 0.8, whale: 2 };
/** New players spend less: a third of their usual rate on their first day, all of it after a week. */
export const spendingRamp = (daysSinceSignup: number): number => Math.min(1, 0.3 + 0.1 * daysSinceSignup);
/** How item prices sway the choice: below 0 favours cheap items, above 0 dear ones. */
export const priceTaste: Record<Spender, number> = { none: 0, minnow: -0.7, dolphin: -0.3, whale: 0.2 };

/** Probability that an average player plays on the k-th day after signing up (k >= 1). */
export const retentionCurve = (k: number): number => 0.4 * k ** -0.45;

export function playsOnDay(profile: PlayerProfile, daysSinceSignup: number, random: () => number): boolean {
  if (daysSinceSignup === 0) return true;
  return random() < Math.min(0.97, returnFactor[profile.engagement] * retentionCurve(daysSinceSignup));
}

/** Sign-ups per day: a launch spike settling to a steady flow, a little higher at weekends. */
function signupDayWeights(plan: SimulationPlan): Weights<string> {
  return Array.from({ length: plan.days }, (_, d) => {
    const weekday = new Date(plan.firstDayMs + d * 86_400_000).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 1.2 : 1;
    return [String(d), (1 + 1.5 * Math.exp(-d / 4)) * weekend];
  });
}

export function drawPlayers(plan: SimulationPlan, random: () => number): PlayerProfile[] {
  const days = signupDayWeights(plan);
  const players = Array.from({ length: plan.players }, (_, i) => ({
    username: `${plan.playerPrefix}${i + 1}`,
    signupDay: Number(pickWeighted(days, random)),
    engagement: pickWeighted(engagementMix, random),
    spender: pickWeighted(spenderMix, random),
    client: pickWeighted(clientMix, random),
  }));
  return players.sort((a, b) => a.signupDay - b.signupDay);
}

/** A Poisson-distributed count with the given mean (Knuth's method: the means here are small). */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  const limit = Math.exp(-mean);
  let count = 0;
  for (let p = random(); p > limit; p *= random()) count++;
  return count;
}

/** Players online by UTC hour: quiet at night, busiest in the evening. */
const hourWeights: Weights<string> = [
  2, 1.5, 1, 1, 1, 1.5, 2, 3, 3.5, 4, 4, 4.5, 5, 5, 5, 5.5, 6, 7, 8, 9, 9, 8, 6, 4,
].map((w, h) => [String(h), w]);

/** A time of day in milliseconds after midnight, drawn from the hourly curve. */
export const timeOfDay = (random: () => number): number =>
  Number(pickWeighted(hourWeights, random)) * 3_600_000 + Math.floor(random() * 3_600_000);
