import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePrometheusText } from '../../src/metrics/prometheus-text.js';
import { histogramQuantile, serverFiguresFrom, subtractBuckets } from '../../src/metrics/server-figures.js';
import { ServerMetrics } from '../../src/server/server-metrics.js';

async function metricsText(observe: (m: ServerMetrics) => void): Promise<string> {
  const metrics = new ServerMetrics();
  observe(metrics);
  return metrics.registry.metrics();
}

test('reads requests by route and status, and events by type, from a real registry', async () => {
  const text = await metricsText((m) => {
    for (let i = 0; i < 7; i++) m.requests.inc({ route: '/buy/:item', status: '200' });
    m.requests.inc({ route: '/buy/:item', status: '404' });
    m.requests.inc({ route: '/metrics', status: '200' });
    m.eventsAppended.inc({ event_type: 'buy_item' }, 7);
    m.eventsAppended.inc({ event_type: 'join_guild' });
    m.appendErrors.inc(2);
  });
  const figures = serverFiguresFrom(text);
  const sorted = [...figures.requests].sort((a, b) => a.route.localeCompare(b.route) || a.status - b.status);
  assert.deepEqual(sorted, [
    { route: '/buy/:item', status: 200, count: 7 },
    { route: '/buy/:item', status: 404, count: 1 },
    { route: '/metrics', status: 200, count: 1 },
  ]);
  assert.deepEqual(figures.eventsAppended, { buy_item: 7, join_guild: 1 });
  assert.equal(figures.appendErrors, 2);
});

test('latency quantiles from the histogram buckets land in the bucket of the observations', async () => {
  const text = await metricsText((m) => {
    for (let i = 0; i < 98; i++) m.requestSeconds.observe({ route: '/buy/:item' }, 0.003); // bucket (0.0025, 0.005]
    m.requestSeconds.observe({ route: '/buy/:item' }, 0.2); // (0.1, 0.25]
    m.requestSeconds.observe({ route: '/buy/:item' }, 0.2);
  });
  const [buy] = serverFiguresFrom(text).latency;
  assert.equal(buy!.route, '/buy/:item');
  assert.equal(buy!.buckets.at(-1)!.le, Infinity);
  assert.equal(buy!.buckets.at(-1)!.count, 100);
  const p50 = histogramQuantile(0.5, buy!.buckets)!;
  const p99 = histogramQuantile(0.99, buy!.buckets)!;
  assert.ok(p50 > 0.0025 && p50 <= 0.005, `p50 ${p50}`);
  assert.ok(p99 > 0.1 && p99 <= 0.25, `p99 ${p99}`);
});

test('quantiles of the observations between two scrapes ignore what came before', () => {
  const before = [
    { le: 0.001, count: 100 },
    { le: 0.01, count: 100 },
    { le: Infinity, count: 100 },
  ];
  const after = [
    { le: 0.001, count: 100 },
    { le: 0.01, count: 110 },
    { le: Infinity, count: 110 },
  ];
  const recent = subtractBuckets(after, before);
  const p50 = histogramQuantile(0.5, recent)!;
  assert.ok(p50 > 0.001 && p50 <= 0.01, `p50 ${p50}`);
  assert.equal(histogramQuantile(0.5, subtractBuckets(before, before)), null);
});

test('a quantile past the last finite bucket is that bound, as Prometheus answers', () => {
  assert.equal(
    histogramQuantile(0.99, [
      { le: 0.5, count: 1 },
      { le: 1, count: 1 },
      { le: Infinity, count: 10 },
    ]),
    1,
  );
});

test('label values with escaped quotes, backslashes and newlines are read back; malformed lines skipped', () => {
  const samples = parsePrometheusText(
    [
      '# HELP x a metric',
      '# TYPE x counter',
      'x{a="say \\"hi\\"",b="back\\\\slash",c="two\\nlines"} 3',
      'x{broken 4',
      'y 1.5e3 1700000000000',
      'z NaN',
    ].join('\n'),
  );
  assert.deepEqual(samples, [
    { name: 'x', labels: { a: 'say "hi"', b: 'back\\slash', c: 'two\nlines' }, value: 3 },
    { name: 'y', labels: {}, value: 1500 },
  ]);
});
