import type { ResultPrinter } from './result-printer.js';

/** One JSON object per row and line (JSON Lines), keyed by column name, as Trino's CLI prints `--output-format JSON`. */
export function jsonPrinter(): ResultPrinter {
  let columns: string[] = [];
  return {
    begin: (names) => {
      columns = names;
      return '';
    },
    rows: (batch) =>
      batch.map((row) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, row[i]])))}\n`).join(''),
    end: () => '',
  };
}
