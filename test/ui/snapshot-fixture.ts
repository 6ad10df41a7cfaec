import type { PipelineSnapshot } from '../../src/metrics/pipeline-snapshot.js';

/** A busy pipeline's snapshot for the component tests; `overrides` replaces whole parts. */
export function busySnapshot(overrides: Partial<PipelineSnapshot> = {}): PipelineSnapshot {
  const at = Date.parse('2026-11-28T12:00:00Z');
  return {
    at,
    server: {
      reachable: true,
      requestsPerSecond: 1234.4,
      requestsTotal: 98_765,
      latencyMs: { p50: 3.1, p99: 9.8 },
      byStatus: [
        { status: 200, count: 98_000 },
        { status: 401, count: 700 },
        { status: 503, count: 65 },
      ],
      eventsPerSecond: { buy_item: 1200, join_guild: 3, login: 0.5 },
      eventsTotal: { buy_item: 97_000, join_guild: 900, login: 100 },
      appendErrors: 0,
    },
    writers: [
      {
        writer: 'all',
        lag: 0,
        rowsPerSecond: 1201,
        batches: 80,
        rowsWritten: 97_900,
        deadLetters: 0,
        lastBatch: { rows: 1200, files: 2, durationMs: 84 },
        lastCommitAgeMs: 400,
      },
    ],
    freshnessMs: { p50: 810, p95: 1020 },
    lake: [
      { table: 'events_buy', files: 12, bytes: 1_258_291, maxRows: 98_000 },
      { table: 'events_guild', files: 3, bytes: 12_288, maxRows: 98_000 },
      { table: 'events_user', files: 5, bytes: 40_960, maxRows: 98_000 },
      { table: 'events_dead_letter', files: 0, bytes: 0, maxRows: 0 },
    ],
    leaderboard: {
      at: at - 2000,
      engine: 'duckdb',
      topItems: [
        { name: 'sword', count: 50_000 },
        { name: 'potion', count: 30_000 },
        { name: 'shield', count: 17_000 },
      ],
      topGuilds: [
        { name: 'red', count: 500 },
        { name: 'blue', count: 400 },
      ],
      rows: { events_buy: 97_000, events_guild: 900, events_user: 100, events_dead_letter: 0 },
    },
    history: { requestsPerSecond: [0, 400, 800, 1200, 1234.4], freshnessP50Ms: [700, 900, 810] },
    errors: [],
    ...overrides,
  };
}

/** The frame's lines, trailing spaces trimmed. */
export const linesOf = (frame: string | undefined): string[] => (frame ?? '').split('\n').map((l) => l.trimEnd());
