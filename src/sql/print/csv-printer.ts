import { cellText } from './cell-text.js';
import type { ResultPrinter } from './result-printer.js';

/** RFC 4180: a cell holding a quote, a comma or a line break is quoted, its quotes doubled. */
const csvCell = (value: unknown): string => {
  const text = cellText(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const csvLines = (rows: unknown[][]) => rows.map((row) => `${row.map(csvCell).join(',')}\n`).join('');

/** A header line, then a line per row. */
export function csvPrinter(): ResultPrinter {
  return {
    begin: (columns) => csvLines([columns]),
    rows: csvLines,
    end: () => '',
  };
}
