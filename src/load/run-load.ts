import type autocannon from 'autocannon';
import { GamepipeError } from '../errors.js';
import type { LoadPlan } from './load-plan.js';
import { summarize, type LoadSummary } from './load-summary.js';
import { LoadTally } from './load-tally.js';
import { preparePlayers } from './players.js';
import { runTraffic } from './run-traffic.js';
import { seededRandom } from './seeded-random.js';

export interface LoadHooks {
  onPlayersReady(done: number, total: number): void;
  onRoundStart(round: number, instance: autocannon.Instance): void;
  onRoundEnd(round: number): void;
  /** Resolves when the user asks to stop (Ctrl-C). */
  stopRequested: Promise<unknown>;
}

export interface LoopOptions {
  /** Pause between rounds; undefined runs a single round. */
  intervalMs: number | undefined;
  /** The loop ends after this long at the latest. */
  maxDurationMs: number;
}

const sleep = (ms: number, stop: Promise<unknown>) => Promise.race([new Promise((r) => setTimeout(r, ms)), stop]);

/** Signs the players in, then sends the traffic in one round or in rounds, and sums it up. */
export async function runLoad(plan: LoadPlan, loop: LoopOptions, hooks: LoadHooks): Promise<LoadSummary> {
  const started = Date.now();
  const random = seededRandom(plan.seed);
  const { players, tally: entries } = await preparePlayers(
    plan.url,
    plan.playerPrefix,
    plan.password,
    plan.players,
    16,
    (done) => hooks.onPlayersReady(done, plan.players),
  );
  const tally = new LoadTally();
  for (const [event, n] of Object.entries(entries)) for (let i = 0; i < n; i++) tally.recordAccepted(event);

  let stopping = false;
  void hooks.stopRequested.then(() => (stopping = true));
  let rounds = 0;
  let errors = 0;
  let timeouts = 0;
  let unanswered = 0;
  const trafficStart = Date.now();
  do {
    const traffic = await runTraffic(plan, players, tally, random, (instance) => {
      hooks.onRoundStart(rounds + 1, instance);
      void hooks.stopRequested.then(() => instance.stop());
    });
    rounds++;
    errors += traffic.result.errors;
    timeouts += traffic.result.timeouts;
    unanswered += traffic.unanswered;
    hooks.onRoundEnd(rounds);
    if (loop.intervalMs === undefined || stopping || Date.now() - trafficStart + loop.intervalMs >= loop.maxDurationMs)
      break;
    await sleep(loop.intervalMs, hooks.stopRequested);
  } while (!stopping);

  if (Object.keys(tally.routes).length === 0 && errors > 0) {
    throw new GamepipeError('BAD_REQUEST', `no answer from ${plan.url.origin}: ${errors} connection errors`, {
      hint: 'is the game server running? gamepipe up',
    });
  }
  return summarize(
    {
      url: plan.url.origin,
      seed: plan.seed,
      players: plan.players,
      rounds,
      started_at: new Date(started).toISOString(),
      duration_s: Math.round((Date.now() - trafficStart) / 10) / 100,
      errors,
      timeouts,
      unanswered,
    },
    tally,
  );
}
