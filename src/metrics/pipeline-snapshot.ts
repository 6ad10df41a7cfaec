import type { LakeLeaderboard } from './lake-leaderboard.js';
import type { LakeTableStats } from './lake-stats.js';
import { histogramQuantile, subtractBuckets, sumBuckets, type ServerFigures } from './server-figures.js';
import type { WriterStatus } from './writer-status.js';

/** One poll of every source, as read. */
export interface PipelineReading {
  at: number;
  /** null when the server did not answer (see `errors`). */
  server: ServerFigures | null;
  writers: WriterStatus[];
  lake: LakeTableStats[];
  leaderboard: LakeLeaderboard | null;
  /** What could not be read this time, one line each. */
  errors: string[];
}

export interface WriterFigures {
  writer: string;
  lag: number | null;
  /** Rows read per second over the last ten seconds. */
  rowsPerSecond: number;
  batches: number;
  rowsWritten: number;
  deadLetters: number;
  lastBatch: { rows: number; files: number; durationMs: number } | null;
  /** Milliseconds since the last committed batch; null before the first. */
  lastCommitAgeMs: number | null;
}

/** What the dashboard shows: totals, rates over the last interval, and short histories. */
export interface PipelineSnapshot {
  at: number;
  server: {
    reachable: boolean;
    /** Game requests (not `/metrics` nor `/healthz`) answered per second over the last interval. */
    requestsPerSecond: number;
    requestsTotal: number;
    /** Game request latency over the last interval; null without requests. */
    latencyMs: { p50: number | null; p99: number | null };
    /** Game answers since the server started, by status. */
    byStatus: { status: number; count: number }[];
    eventsPerSecond: Record<string, number>;
    eventsTotal: Record<string, number>;
    appendErrors: number;
  };
  writers: WriterFigures[];
  /** Commit time minus event time, the latest batch of each writer (the worst writer); null before any. */
  freshnessMs: { p50: number | null; p95: number | null };
  lake: LakeTableStats[];
  leaderboard: LakeLeaderboard | null;
  history: { requestsPerSecond: number[]; freshnessP50Ms: number[] };
  errors: string[];
}

/** Routes the dashboard and probes call themselves: left out of the game's figures. */
const opsRoutes = new Set(['/metrics', '/healthz']);
const RATE_WINDOW_MS = 10_000;

const gameRequests = (s: ServerFigures) => s.requests.filter((r) => !opsRoutes.has(r.route));
const total = (s: ServerFigures | null) => (s ? gameRequests(s).reduce((sum, r) => sum + r.count, 0) : 0);
const gameBuckets = (s: ServerFigures | null) =>
  sumBuckets((s?.latency ?? []).filter((l) => !opsRoutes.has(l.route)).map((l) => l.buckets));

/** A counter's increase; a counter that went down was reset (server restarted), so all of it is new. */
const increase = (now: number, before: number | undefined) =>
  before === undefined ? 0 : now >= before ? now - before : now;

function serverPart(current: PipelineReading, previous: PipelineReading | null): PipelineSnapshot['server'] {
  const s = current.server;
  const before = previous?.server ?? null;
  const seconds = previous ? Math.max(0.001, (current.at - previous.at) / 1000) : 1;
  const byStatus = new Map<number, number>();
  for (const r of s ? gameRequests(s) : []) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + r.count);
  let recent = gameBuckets(s);
  if (before) recent = total(s) >= total(before) ? subtractBuckets(recent, gameBuckets(before)) : recent;
  const toMs = (seconds: number | null) => (seconds === null ? null : seconds * 1000);
  const eventsTotal = s?.eventsAppended ?? {};
  return {
    reachable: s !== null,
    requestsPerSecond: s && before ? increase(total(s), total(before)) / seconds : 0,
    requestsTotal: total(s),
    latencyMs: before
      ? { p50: toMs(histogramQuantile(0.5, recent)), p99: toMs(histogramQuantile(0.99, recent)) }
      : { p50: null, p99: null },
    byStatus: [...byStatus].map(([status, count]) => ({ status, count })).sort((a, b) => a.status - b.status),
    eventsPerSecond: Object.fromEntries(
      Object.entries(eventsTotal).map(([type, n]) => [
        type,
        before ? increase(n, before.eventsAppended[type] ?? 0) / seconds : 0,
      ]),
    ),
    eventsTotal,
    appendErrors: s?.appendErrors ?? 0,
  };
}

function writerPart(w: WriterStatus, now: number): WriterFigures {
  const recentRows = w.recentBatches.filter((b) => b.at > now - RATE_WINDOW_MS).reduce((sum, b) => sum + b.rows, 0);
  return {
    writer: w.writer,
    lag: w.lag,
    rowsPerSecond: recentRows / (RATE_WINDOW_MS / 1000),
    batches: w.batches,
    rowsWritten: w.totals.rowsWritten,
    deadLetters: w.totals.deadLetters,
    lastBatch: w.lastBatch && {
      rows: w.lastBatch.inputRows,
      files: w.lastBatch.files,
      durationMs: w.lastBatch.durationMs.total,
    },
    lastCommitAgeMs: w.lastBatch ? Math.max(0, now - w.lastBatch.at) : null,
  };
}

function freshnessPart(writers: WriterStatus[]): PipelineSnapshot['freshnessMs'] {
  const latest = writers.map((w) => w.freshness.at(-1)).filter((p) => p !== undefined);
  if (latest.length === 0) return { p50: null, p95: null };
  return { p50: Math.max(...latest.map((p) => p.p50)), p95: Math.max(...latest.map((p) => p.p95)) };
}

/** The snapshot of `current`, with rates against `previous` and histories extended from `previousSnapshot`. */
export function pipelineSnapshot(
  current: PipelineReading,
  previous: PipelineReading | null,
  previousSnapshot: PipelineSnapshot | null,
  historyLength = 60,
): PipelineSnapshot {
  const server = serverPart(current, previous);
  const freshnessP50Ms = current.writers
    .flatMap((w) => w.freshness)
    .sort((a, b) => a.at - b.at)
    .slice(-historyLength)
    .map((p) => p.p50);
  return {
    at: current.at,
    server,
    writers: current.writers.map((w) => writerPart(w, current.at)),
    freshnessMs: freshnessPart(current.writers),
    lake: current.lake,
    leaderboard: current.leaderboard,
    history: {
      requestsPerSecond: [...(previousSnapshot?.history.requestsPerSecond ?? []), server.requestsPerSecond].slice(
        -historyLength,
      ),
      freshnessP50Ms,
    },
    errors: current.errors,
  };
}
