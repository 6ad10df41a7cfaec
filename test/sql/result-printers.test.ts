import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatResult, resultFormats } from '../../src/sql/format-result.js';
import { resultPrinter } from '../../src/sql/print/result-printer.js';

const columns = ['item_type', 'count', 'note'];
const rows: unknown[][] = [
  ['sword', 1200, null],
  ['shield, "round"', 7, { quality: 'epic' }],
  ['axe', 35, 'two\nlines'],
];

it('prints the aligned table as Trino does: centred headers, numbers right, text left, a row count', () => {
  assert.equal(
    formatResult({ columns, rows }, 'table'),
    [
      '    item_type    | count |        note',
      '-----------------+-------+--------------------',
      ' sword           |  1200 |',
      ' shield, "round" |     7 | {"quality":"epic"}',
      ' axe             |    35 | two\nlines',
      '(3 rows)',
      '',
    ].join('\n'),
  );
  assert.equal(formatResult({ columns: ['n'], rows: [[1]] }, 'table'), ' n\n---\n 1\n(1 row)\n');
});

it('quotes a csv cell holding a comma, a quote or a line break, and prints null as nothing', () => {
  assert.equal(
    formatResult({ columns, rows }, 'csv'),
    'item_type,count,note\nsword,1200,\n"shield, ""round""",7,"{""quality"":""epic""}"\naxe,35,"two\nlines"\n',
  );
  assert.equal(formatResult({ columns, rows: [] }, 'csv'), 'item_type,count,note\n', 'the header alone');
});

it('prints json as one object per row and line, keyed by column', () => {
  assert.equal(
    formatResult({ columns, rows }, 'json'),
    '{"item_type":"sword","count":1200,"note":null}\n' +
      '{"item_type":"shield, \\"round\\"","count":7,"note":{"quality":"epic"}}\n' +
      '{"item_type":"axe","count":35,"note":"two\\nlines"}\n',
  );
  assert.equal(formatResult({ columns, rows: [] }, 'json'), '');
});

it('prints the same text whether the rows come in one batch or one at a time', () => {
  for (const format of resultFormats) {
    const printer = resultPrinter(format);
    const streamed = printer.begin(columns) + rows.map((row) => printer.rows([row])).join('') + printer.end();
    assert.equal(streamed, formatResult({ columns, rows }, format), format);
  }
});
