import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendHistory, HISTORY_SIZE, historyEntry, loadHistory } from '../../src/ui/query-shell/shell-history.js';
import { tempDir } from '../helpers/temp-dir.js';

test('statements are kept one per line with their semicolon and come back newest first', () => {
  const file = join(tempDir(), 'sub', 'query-history');
  assert.deepEqual(loadHistory(file), []);
  appendHistory(file, 'select 1');
  appendHistory(file, 'select item_type,\n   count(*)\nfrom events_buy group by 1');
  assert.equal(readFileSync(file, 'utf8'), 'select 1;\nselect item_type, count(*) from events_buy group by 1;\n');
  assert.deepEqual(loadHistory(file), ['select item_type, count(*) from events_buy group by 1;', 'select 1;']);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(historyEntry('  select 2  '), 'select 2;');
});

test('a long history is cut to the newest statements', () => {
  const file = join(tempDir(), 'query-history');
  writeFileSync(file, Array.from({ length: 2 * HISTORY_SIZE + 10 }, (_, i) => `select ${i};`).join('\n') + '\n');
  const history = loadHistory(file);
  assert.equal(history.length, HISTORY_SIZE);
  assert.equal(history[0], `select ${2 * HISTORY_SIZE + 9};`);
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, HISTORY_SIZE, 'the file was rewritten');
});
