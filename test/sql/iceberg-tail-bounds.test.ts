import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TableSnapshot } from '../../src/iceberg/read/table-snapshot.js';
import { icebergTailBounds } from '../../src/sql/iceberg-tail-bounds.js';

const snapshot = (table: string, positions: Record<string, number>): TableSnapshot => ({
  table,
  snapshotId: 1n,
  timestampMs: 0,
  files: [],
  positions,
});

/** events_buy was committed up to 900 for owner buy; the dead letters last got a row of buy at 100. */
const tables = [snapshot('events_buy', { 'buy+0': 900 }), snapshot('events_dead_letter', { 'buy+0': 100 })];

it("reads the tail of a table that lags its owner from the table's own position while a commit may be under way", () => {
  const bounds = icebergTailBounds(tables);
  assert.deepEqual([...bounds.of!('events_dead_letter', 'buy')!], [[0, 100]]);
  assert.deepEqual([...bounds.of!('events_buy', 'buy')!], [[0, 900]]);
  assert.deepEqual([...bounds.owners.get('buy')!], [[0, 100]], 'the log is read from the lowest');
});

it("takes the owner's highest position for every table once the snapshots are settled (no commit landed or pending)", () => {
  const bounds = icebergTailBounds(tables, true);
  assert.deepEqual([...bounds.of!('events_dead_letter', 'buy')!], [[0, 900]]);
  assert.deepEqual([...bounds.owners.get('buy')!], [[0, 900]], 'the log is read from the highest');
  assert.equal(bounds.of!('events_guild', 'guild'), undefined, 'an owner no table records has no bound');
});
