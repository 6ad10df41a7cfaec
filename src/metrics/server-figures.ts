import { serverMetricNames } from '../server/server-metrics.js';
import { parsePrometheusText, type PromSample } from './prometheus-text.js';

/** One cumulative histogram bucket: how many observations were at most `le` seconds. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** What the game server has counted since it started, read from its `/metrics`. */
export interface ServerFigures {
  /** Answers by route pattern (`/buy/:item`) and HTTP status. */
  requests: { route: string; status: number; count: number }[];
  /** Request durations per route: cumulative buckets (the last one `+Inf`), as Prometheus keeps them. */
  latency: { route: string; buckets: HistogramBucket[] }[];
  /** Events durably appended to the log, by event type. */
  eventsAppended: Record<string, number>;
  appendErrors: number;
}

function latencyByRoute(samples: PromSample[]): ServerFigures['latency'] {
  const routes = new Map<string, HistogramBucket[]>();
  for (const s of samples) {
    if (s.name !== `${serverMetricNames.requestSeconds}_bucket` || s.labels.le === undefined) continue;
    const route = s.labels.route ?? '';
    const buckets = routes.get(route) ?? [];
    buckets.push({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value });
    routes.set(route, buckets);
  }
  return [...routes].map(([route, buckets]) => ({ route, buckets: buckets.sort((a, b) => a.le - b.le) }));
}

/** Reads the figures gamepipe's server exposes out of its Prometheus text; other metrics are ignored. */
export function serverFiguresFrom(text: string): ServerFigures {
  const samples = parsePrometheusText(text);
  const eventsAppended: Record<string, number> = {};
  let appendErrors = 0;
  const requests: ServerFigures['requests'] = [];
  for (const s of samples) {
    if (s.name === serverMetricNames.requests)
      requests.push({ route: s.labels.route ?? '', status: Number(s.labels.status), count: s.value });
    else if (s.name === serverMetricNames.eventsAppended) eventsAppended[s.labels.event_type ?? ''] = s.value;
    else if (s.name === serverMetricNames.appendErrors) appendErrors += s.value;
  }
  return { requests, latency: latencyByRoute(samples), eventsAppended, appendErrors };
}

/** Bucket-wise sum of cumulative histograms with the same bounds (several routes into one). */
export function sumBuckets(histograms: HistogramBucket[][]): HistogramBucket[] {
  const byLe = new Map<number, number>();
  for (const buckets of histograms) for (const b of buckets) byLe.set(b.le, (byLe.get(b.le) ?? 0) + b.count);
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** `later - earlier`, bucket by bucket: the observations made between two scrapes. */
export function subtractBuckets(later: HistogramBucket[], earlier: HistogramBucket[]): HistogramBucket[] {
  const before = new Map(earlier.map((b) => [b.le, b.count]));
  return later.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) }));
}

/**
 * The q-quantile (0..1) of a cumulative histogram, interpolated linearly inside its bucket as
 * Prometheus's `histogram_quantile` does; the highest finite bound when it falls in `+Inf`; null
 * with no observations.
 */
export function histogramQuantile(q: number, buckets: HistogramBucket[]): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerLe;
      const inBucket = b.count - lowerCount;
      return inBucket === 0 ? b.le : lowerLe + (b.le - lowerLe) * ((rank - lowerCount) / inBucket);
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}
