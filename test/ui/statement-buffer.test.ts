import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatementBuffer } from '../../src/ui/query-shell/statement-buffer.js';

test('a statement may span lines and ends at its semicolon', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push('select item_type,'), []);
  assert.equal(buffer.isEmpty(), false);
  assert.deepEqual(buffer.push('  count(*) from events_buy'), []);
  assert.deepEqual(buffer.push('group by 1;'), ['select item_type,\n  count(*) from events_buy\ngroup by 1']);
  assert.equal(buffer.isEmpty(), true);
});

test('one line may hold several statements, and the rest of it starts the next', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push('select 1; select 2; select'), ['select 1', 'select 2']);
  assert.deepEqual(buffer.push('3;'), ['select\n3']);
});

test('semicolons inside strings, quoted names and comments do not end a statement', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push("select 'a;b', 'it''s;' as \"x;y\" -- not here;"), []);
  assert.deepEqual(buffer.push('/* nor ; here */ from t;'), [
    "select 'a;b', 'it''s;' as \"x;y\" -- not here;\n/* nor ; here */ from t",
  ]);
});

test('blank lines, comments and lone semicolons make no statement', () => {
  const buffer = new StatementBuffer();
  assert.deepEqual(buffer.push(''), []);
  assert.deepEqual(buffer.push('-- a note'), []);
  assert.equal(buffer.isEmpty(), true);
  assert.deepEqual(buffer.push(';;'), []);
});

test('clear drops a statement under way', () => {
  const buffer = new StatementBuffer();
  buffer.push('select');
  buffer.clear();
  assert.equal(buffer.isEmpty(), true);
  assert.deepEqual(buffer.push('select 2;'), ['select 2']);
});
