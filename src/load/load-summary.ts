import type { AcceptedTotals, LoadTally } from './load-tally.js';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadSummary {
  url: string;
  seed: number;
  players: number;
  rounds: number;
  started_at: string;
  duration_s: number;
  requests: number;
  requests_per_s: number;
  latency_ms: LatencySummary;
  status: { '2xx': number; '4xx': number; '5xx': number };
  errors: number;
  timeouts: number;
  /** Requests whose answer never came (timed out, or cut off by Ctrl-C) or was 504 (the server could not tell): the server may have accepted them. */
  unanswered: number;
  routes: Record<string, { requests: number; '2xx': number; '4xx': number; '5xx': number; latency_ms: LatencySummary }>;
  /** What the server accepted (from its answers), including the players' signups and logins. */
  accepted: AcceptedTotals;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function latencySummary(samples: number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) =>
    sorted.length === 0
      ? 0
      : round2(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

export function summarize(
  base: Omit<LoadSummary, 'requests' | 'requests_per_s' | 'latency_ms' | 'status' | 'routes' | 'accepted'>,
  tally: LoadTally,
): LoadSummary {
  const routes = Object.fromEntries(
    Object.entries(tally.routes).map(([route, t]) => [
      route,
      {
        requests: t.requests,
        '2xx': t['2xx'],
        '4xx': t['4xx'],
        '5xx': t['5xx'],
        latency_ms: latencySummary(t.latenciesMs),
      },
    ]),
  );
  const all = Object.values(tally.routes);
  const sum = (key: '2xx' | '4xx' | '5xx' | 'requests') => all.reduce((n, t) => n + t[key], 0);
  return {
    ...base,
    requests: sum('requests'),
    requests_per_s: base.duration_s > 0 ? round2(sum('requests') / base.duration_s) : 0,
    latency_ms: latencySummary(all.flatMap((t) => t.latenciesMs)),
    status: { '2xx': sum('2xx'), '4xx': sum('4xx'), '5xx': sum('5xx') },
    routes,
    accepted: tally.accepted,
  };
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-';

/** The human summary printed at the end of a run. */
export function formatSummary(s: LoadSummary): string {
  const lines = [
    `${s.requests} requests in ${s.duration_s}s to ${s.url} (${s.players} player${s.players === 1 ? '' : 's'}, seed ${s.seed}${s.rounds > 1 ? `, ${s.rounds} rounds` : ''})`,
    `  ${s.requests_per_s} req/s   latency ms p50 ${s.latency_ms.p50}  p90 ${s.latency_ms.p90}  p99 ${s.latency_ms.p99}  max ${s.latency_ms.max}`,
    `  2xx ${s.status['2xx']}  4xx ${s.status['4xx']}  5xx ${s.status['5xx']}  errors ${s.errors}  timeouts ${s.timeouts}` +
      (s.unanswered > 0
        ? `  unanswered ${s.unanswered} (the server may have accepted these: totals may be short by as many)`
        : ''),
    '  per route:',
    ...Object.entries(s.routes).map(
      ([route, r]) =>
        `    ${route.padEnd(11)} ${String(r.requests).padStart(8)} req  2xx ${r['2xx']}  4xx ${r['4xx']}  5xx ${r['5xx']}  p50 ${r.latency_ms.p50} ms  p99 ${r.latency_ms.p99} ms`,
    ),
    `  accepted events: ${counts(s.accepted.events)}`,
    `  accepted items:  ${counts(s.accepted.items)}`,
  ];
  return `${lines.join('\n')}\n`;
}
