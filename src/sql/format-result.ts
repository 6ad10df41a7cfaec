import type { QueryResult } from './query-session.js';

export type ResultFormat = 'table' | 'json' | 'csv';
export const resultFormats: ResultFormat[] = ['table', 'json', 'csv'];

const cell = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

const csvCell = (value: unknown): string => {
  const text = cell(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Presto-CLI-like aligned table with a row count. */
function formatTable({ columns, rows }: QueryResult): string {
  const texts = rows.map((row) => row.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...texts.map((r) => r[i]!.length)));
  const line = (cells: string[]) => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} `.trimEnd();
  const rule = widths.map((w) => '-'.repeat(w + 2)).join('+');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), rule, ...texts.map(line), count].join('\n') + '\n';
}

export function formatResult(result: QueryResult, format: ResultFormat): string {
  switch (format) {
    case 'json':
      return result.rows.map((row) => JSON.stringify(Object.fromEntries(result.columns.map((c, i) => [c, row[i]])))).join('\n') + (result.rows.length ? '\n' : '');
    case 'csv':
      return [result.columns.map(csvCell).join(','), ...result.rows.map((row) => row.map(csvCell).join(','))].join('\n') + '\n';
    case 'table':
      return formatTable(result);
  }
}
