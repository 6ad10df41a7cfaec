import { alignedTable, tableLine } from './aligned-table.js';
import { cellText } from './cell-text.js';
import type { ResultPrinter } from './result-printer.js';

/** Trino-CLI-like aligned table: centred headers, numbers right-aligned, a row count. Prints at `end`. */
export function tablePrinter(): ResultPrinter {
  let columns: string[] = [];
  const rows: unknown[][] = [];
  return {
    begin: (names) => {
      columns = names;
      return '';
    },
    rows: (batch) => {
      for (const row of batch) rows.push(row);
      return '';
    },
    end: () => {
      const numeric = (i: number) =>
        rows.length > 0 && rows.every((row) => row[i] === null || typeof row[i] === 'number');
      const table = alignedTable(
        columns.map((header, i) => ({ header, align: numeric(i) ? 'right' : 'left' })),
        rows.map((row) => row.map(cellText)),
      );
      const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
      return `${[tableLine(table.header), table.rule, ...table.body.map(tableLine), count].join('\n')}\n`;
    },
  };
}
