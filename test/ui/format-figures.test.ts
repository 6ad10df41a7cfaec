import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatBytes, formatMs, formatRate } from '../../src/ui/format-figures.js';
import { sparkline } from '../../src/ui/dashboard/sparkline.js';

test('sparkline draws from zero, pads to its width and keeps the latest values', () => {
  assert.equal(sparkline([0, 4, 8], 5), '  ▁▅█');
  assert.equal(sparkline([5, 5, 5], 3), '███', 'a steady rate is a flat line at its height');
  assert.equal(sparkline([0, 0], 2), '▁▁');
  assert.equal(sparkline([1, 2, 3, 4, 100], 2), '▁█');
  assert.equal(sparkline([1], 0), '');
});

test('figures are short with fixed units', () => {
  assert.equal(formatRate(3.14), '3.1');
  assert.equal(formatRate(12_345.6), '12,346');
  assert.equal(formatMs(null), '—');
  assert.equal(formatMs(3.14), '3.1 ms');
  assert.equal(formatMs(84.4), '84 ms');
  assert.equal(formatMs(1020), '1.02 s');
  assert.equal(formatMs(180_000), '3.0 min');
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(1_258_291), '1.2 MiB');
  assert.equal(formatAge(400), '0.4 s ago');
  assert.equal(formatAge(45_000), '45 s ago');
  assert.equal(formatAge(null), 'never');
});
