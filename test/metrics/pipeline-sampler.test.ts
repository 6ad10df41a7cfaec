import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryLakeStorage } from '../../src/lake/storage/memory-lake-storage.js';
import { PipelineSampler } from '../../src/metrics/pipeline-sampler.js';
import { WriterStatusRecorder } from '../../src/metrics/writer-status.js';
import { ServerMetrics } from '../../src/server/server-metrics.js';
import type { QueryEngine, QuerySink } from '../../src/sql/query-engine.js';
import { GamepipeError } from '../../src/errors.js';

/** Answers the leaderboard's queries from fixed rows; counts opens and closes. */
function fakeEngineFactory(answers: { items: unknown[][]; guilds?: unknown[][] | Error; rows: unknown[][] }) {
  const opened = { opens: 0, closes: 0 };
  const open = async (): Promise<QueryEngine> => {
    opened.opens++;
    return {
      name: 'fake',
      async stream(sql: string, sink: QuerySink = {}) {
        const rows = sql.includes('item_type')
          ? answers.items
          : sql.includes('guild_name')
            ? (answers.guilds ?? [])
            : answers.rows;
        if (rows instanceof Error) throw rows;
        sink.onColumns?.(['a', 'b']);
        sink.onRows?.(rows);
        return { columns: ['a', 'b'], rowCount: rows.length };
      },
      async close() {
        opened.closes++;
      },
    };
  };
  return { open, opened };
}

test('rates are differences between two polls over the time between them; ops routes left out', async () => {
  const metrics = new ServerMetrics();
  const storage = new MemoryLakeStorage();
  let now = 10_000;
  const sampler = new PipelineSampler({ fetchMetrics: () => metrics.registry.metrics(), storage }, { now: () => now });
  metrics.requests.inc({ route: '/buy/:item', status: '200' }, 100);
  metrics.requests.inc({ route: '/metrics', status: '200' }, 5);
  metrics.eventsAppended.inc({ event_type: 'buy_item' }, 100);
  const first = await sampler.sample();
  assert.equal(first.server.reachable, true);
  assert.equal(first.server.requestsTotal, 100);
  assert.equal(first.server.requestsPerSecond, 0, 'no rate from a single poll');
  assert.deepEqual(first.server.latencyMs, { p50: null, p99: null });

  now += 2000;
  metrics.requests.inc({ route: '/buy/:item', status: '200' }, 300);
  metrics.requests.inc({ route: '/buy/:item', status: '404' }, 100);
  metrics.requests.inc({ route: '/metrics', status: '200' }, 50);
  metrics.eventsAppended.inc({ event_type: 'buy_item' }, 300);
  metrics.eventsAppended.inc({ event_type: 'join_guild' }, 10);
  for (let i = 0; i < 400; i++) metrics.requestSeconds.observe({ route: '/buy/:item' }, 0.004);
  for (let i = 0; i < 1000; i++) metrics.requestSeconds.observe({ route: '/metrics' }, 0.2);
  const second = await sampler.sample();
  assert.equal(second.server.requestsPerSecond, 200);
  assert.equal(second.server.requestsTotal, 500);
  assert.deepEqual(second.server.byStatus, [
    { status: 200, count: 400 },
    { status: 404, count: 100 },
  ]);
  assert.deepEqual(second.server.eventsPerSecond, { buy_item: 150, join_guild: 5 });
  assert.ok(second.server.latencyMs.p99! <= 5, `p99 ${second.server.latencyMs.p99} ms counts only game routes`);
  assert.deepEqual(second.history.requestsPerSecond, [0, 200]);
});

test('a restarted server (counters back near zero) does not give a negative rate', async () => {
  let metrics = new ServerMetrics();
  let now = 0;
  const sampler = new PipelineSampler(
    { fetchMetrics: () => metrics.registry.metrics(), storage: new MemoryLakeStorage() },
    { now: () => now },
  );
  metrics.requests.inc({ route: '/', status: '200' }, 1000);
  await sampler.sample();
  metrics = new ServerMetrics();
  metrics.requests.inc({ route: '/', status: '200' }, 10);
  now += 1000;
  assert.equal((await sampler.sample()).server.requestsPerSecond, 10);
});

test('a server that does not answer is shown down, with the reason, and the lake still read', async () => {
  const storage = new MemoryLakeStorage();
  await storage.create('events_buy/dt=2026-01-01/events+0+0+9.parquet', Buffer.alloc(10));
  const sampler = new PipelineSampler({
    fetchMetrics: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5999')),
    storage,
  });
  const snapshot = await sampler.sample();
  assert.equal(snapshot.server.reachable, false);
  assert.match(snapshot.errors.join('\n'), /server: connect ECONNREFUSED/);
  assert.equal(snapshot.lake.find((t) => t.table === 'events_buy')!.files, 1);
});

test('writers: lag, rows per second over the last ten seconds, last batch and its age, worst freshness', async () => {
  const storage = new MemoryLakeStorage();
  const now = Date.now();
  const buy = new WriterStatusRecorder(storage, 'buy', { minIntervalMs: 0 });
  const batch = (id: number, at: number, rows: number, p50: number) => ({
    writer: 'buy',
    batchId: id,
    timestamp: new Date(at).toISOString(),
    numInputRows: rows,
    rowsWritten: rows,
    deadLetters: 0,
    inputRowsPerSecond: 0,
    processedRowsPerSecond: 0,
    durationMs: { poll: 1, write: 2, commit: 3, total: 40 },
    startOffset: {},
    endOffset: { '0': rows },
    files: [],
    mergedFiles: 0,
    freshnessMs: { p50, p95: p50 * 2, max: p50 * 3 },
  });
  await buy.record(batch(0, now - 30_000, 1000, 500), 50);
  await buy.record(batch(1, now - 3000, 200, 700), 7);
  await buy.record(batch(2, now - 1000, 300, 600), 0);
  const guild = new WriterStatusRecorder(storage, 'guild', { minIntervalMs: 0 });
  await guild.record({ ...batch(0, now - 2000, 10, 900), writer: 'guild' }, 2);
  const snapshot = await new PipelineSampler({ fetchMetrics: async () => '', storage }, { now: () => now }).sample();
  const [b, g] = snapshot.writers;
  assert.equal(b!.writer, 'buy');
  assert.equal(b!.lag, 0);
  assert.equal(b!.rowsPerSecond, 50, '500 rows in the last ten seconds');
  assert.deepEqual(b!.lastBatch, { rows: 300, files: 0, durationMs: 40 });
  assert.equal(b!.lastCommitAgeMs, 1000);
  assert.equal(g!.lag, 2);
  assert.deepEqual(snapshot.freshnessMs, { p50: 900, p95: 1800 });
  assert.deepEqual(snapshot.history.freshnessP50Ms, [500, 700, 900, 600]);
});

test('the leaderboard runs on a fresh engine every refresh, closes it, and a failing query is one line', async () => {
  const { open, opened } = fakeEngineFactory({
    items: [
      ['sword', 7],
      ['potion', 3],
    ],
    guilds: new GamepipeError(
      'SQL_ERROR',
      'Catalog Error: Table with name events_guild does not exist!\nDid you mean...',
    ),
    rows: [
      ['events_buy', 10],
      ['events_user', 2],
    ],
  });
  let now = 0;
  const sampler = new PipelineSampler(
    { fetchMetrics: async () => '', storage: new MemoryLakeStorage(), openEngine: open },
    { now: () => now, leaderboardEveryMs: 5000 },
  );
  await sampler.sample();
  await sampler.stop(); // waits for the refresh in flight
  const board = (await sampler.sample()).leaderboard!;
  assert.deepEqual(board.topItems, [
    { name: 'sword', count: 7 },
    { name: 'potion', count: 3 },
  ]);
  assert.deepEqual(board.topGuilds, []);
  assert.deepEqual(board.rows, { events_buy: 10, events_user: 2 });
  assert.equal(board.error, 'Catalog Error: Table with name events_guild does not exist!');
  assert.deepEqual(opened, { opens: 1, closes: 1 }, 'not due again before 5 s');
  now += 5000;
  await sampler.sample();
  await sampler.stop();
  assert.deepEqual(opened, { opens: 2, closes: 2 });
});

test('start polls on its own until stop, and subscribers get every snapshot', async () => {
  let fetches = 0;
  const sampler = new PipelineSampler(
    { fetchMetrics: async () => (fetches++, ''), storage: new MemoryLakeStorage() },
    { intervalMs: 20 },
  );
  const seen: number[] = [];
  const unsubscribe = sampler.subscribe((s) => seen.push(s.at));
  sampler.start();
  // Waits for three snapshots rather than a fixed time: a loaded machine may run the timer late.
  for (const deadline = Date.now() + 10_000; seen.length < 3 && Date.now() < deadline; )
    await new Promise((r) => setTimeout(r, 10));
  await sampler.stop();
  unsubscribe();
  const after = fetches;
  await new Promise((r) => setTimeout(r, 60));
  assert.ok(seen.length >= 3, `${seen.length} snapshots`);
  assert.equal(fetches, after, 'no poll after stop');
});
