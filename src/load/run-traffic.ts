import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import type { LoadPlan, LoadAction } from './load-plan.js';
import { eventOfAction, type LoadTally } from './load-tally.js';
import type { Player } from './players.js';
import { pickWeighted } from './seeded-random.js';

interface Pending {
  action: LoadAction;
  player: Player;
  item?: string;
  guild?: string;
  startedAt: number;
}

export interface TrafficRun {
  result: autocannon.Result;
  /** Counted requests sent but never answered (timed out, or cut off by Ctrl-C), or answered 504: their outcome is unknown. */
  unanswered: number;
}

const ANSWER_TIMEOUT_S = 10;

const hostFor = (template: string, player: Player) => template.replaceAll('{user}', player.name);

/**
 * One autocannon run of the plan's mix over the players' sessions. Every answer is tallied per
 * route; every 2xx that makes an event is added to the accepted totals. A login's new session
 * cookie replaces the player's old one, as a real client would.
 *
 * A timed run must not drop answers still in flight when time is up (the server accepted those
 * purchases): past the deadline each connection's next request is a harmless GET /healthz, which
 * autocannon only builds once the connection's previous answer was recorded, and the run stops
 * when no counted request is left in flight.
 */
export async function runTraffic(
  plan: LoadPlan,
  players: Player[],
  tally: LoadTally,
  random: () => number,
  onStart: (instance: autocannon.Instance) => void,
): Promise<TrafficRun> {
  const { requests } = plan;
  let itemCursor = 0;
  let inFlight = 0;
  /** 504: the server could not tell whether it kept the action. */
  let undecided = 0;
  let drained = false;
  let stopWhenDrained = () => undefined as void;
  const deadline = requests === undefined ? Date.now() + (plan.durationMs ?? 10_000) : Number.POSITIVE_INFINITY;
  const nextItem = () =>
    plan.cycleItems ? plan.items[itemCursor++ % plan.items.length]![0] : pickWeighted(plan.items, random);

  const setupRequest = (request: autocannon.Request, context: { pending?: Pending }): autocannon.Request => {
    if (Date.now() >= deadline) {
      context.pending = undefined;
      stopWhenDrained();
      return { ...request, method: 'GET', path: '/healthz' };
    }
    inFlight++;
    const player = players[Math.floor(random() * players.length)]!;
    const action = pickWeighted(plan.mix, random);
    const pending: Pending = { action, player, startedAt: 0 };
    let path = '/';
    if (action === 'buy') {
      pending.item = nextItem();
      const quality = plan.qualities.length > 0 ? pickWeighted(plan.qualities, random) : undefined;
      path = `/buy/${pending.item}${quality ? `?quality=${quality}` : ''}`;
    } else if (action === 'join_guild') {
      pending.guild = plan.guilds[Math.floor(random() * plan.guilds.length)]!;
      path = `/join_guild/${encodeURIComponent(pending.guild)}`;
    } else if (action === 'login') {
      path = `/login?username=${encodeURIComponent(player.name)}&password=${encodeURIComponent(player.password)}`;
    } else if (action === 'inventory') {
      path = '/inventory';
    }
    pending.startedAt = performance.now();
    context.pending = pending;
    return {
      ...request,
      method: 'GET',
      path,
      headers: { ...request.headers, cookie: player.cookie, host: hostFor(plan.hostTemplate, player) },
    };
  };

  const onResponse = (
    status: number,
    _body: string,
    context: { pending?: Pending },
    headers: Record<string, string>,
  ) => {
    const pending = context.pending;
    if (!pending) return;
    inFlight--;
    stopWhenDrained();
    tally.recordAnswer(pending.action, status, performance.now() - pending.startedAt);
    if (status === 504) undecided++;
    if (status < 200 || status >= 300) return;
    const event = eventOfAction[pending.action];
    if (event)
      tally.recordAccepted(event, { item: pending.item, quality: headers['x-item-quality'], guild: pending.guild });
    const cookie = headers['set-cookie']?.split(';')[0];
    if (pending.action === 'login' && cookie?.startsWith('session_id=')) pending.player.cookie = cookie;
  };

  const options: autocannon.Options = {
    url: plan.url.origin,
    connections: plan.connections,
    ...(requests === undefined
      ? { duration: Math.ceil((plan.durationMs ?? 10_000) / 1000) + ANSWER_TIMEOUT_S + 1 }
      : { amount: requests }),
    ...(plan.rate === undefined ? {} : { overallRate: plan.rate }),
    timeout: ANSWER_TIMEOUT_S,
    requests: [{ method: 'GET', path: '/', setupRequest: setupRequest as never, onResponse: onResponse as never }],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    stopWhenDrained = () => {
      if (!drained && inFlight === 0 && Date.now() >= deadline) {
        drained = true;
        setImmediate(() => instance.stop());
      }
    };
    onStart(instance);
  });
  return { result, unanswered: inFlight + undecided };
}
