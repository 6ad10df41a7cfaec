import type { QueryResult } from './query-engine.js';

export type ResultFormat = 'table' | 'json' | 'csv';
export const resultFormats: ResultFormat[] = ['table', 'json', 'csv'];

const cell = (value: unknown): string =>
  value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);

const csvCell = (value: unknown): string => {
  const text = cell(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const center = (text: string, width: number) =>
  text.padStart(text.length + Math.floor((width - text.length) / 2)).padEnd(width);

/** Trino-CLI-like aligned table: centred headers, numbers right-aligned, a row count. */
function formatTable({ columns, rows }: QueryResult): string {
  const texts = rows.map((row) => row.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...texts.map((r) => r[i]!.length)));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((row) => row[i] === null || typeof row[i] === 'number'),
  );
  const line = (cells: string[]) =>
    ` ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} `.trimEnd();
  const header = ` ${columns.map((c, i) => center(c, widths[i]!)).join(' | ')} `.trimEnd();
  const rule = widths.map((w) => '-'.repeat(w + 2)).join('+');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [header, rule, ...texts.map(line), count].join('\n') + '\n';
}

/** The lines of csv or json output for some rows, so that they can be printed as they arrive. */
export function formatRows(columns: string[], rows: unknown[][], format: 'json' | 'csv'): string {
  if (rows.length === 0) return '';
  if (format === 'csv') return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
  return `${rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])))).join('\n')}\n`;
}

export const csvHeader = (columns: string[]): string => `${columns.map(csvCell).join(',')}\n`;

export function formatResult(result: QueryResult, format: ResultFormat): string {
  switch (format) {
    case 'json':
      return (
        result.rows
          .map((row) => JSON.stringify(Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))))
          .join('\n') + (result.rows.length ? '\n' : '')
      );
    case 'csv':
      return (
        [result.columns.map(csvCell).join(','), ...result.rows.map((row) => row.map(csvCell).join(','))].join('\n') +
        '\n'
      );
    case 'table':
      return formatTable(result);
  }
}
