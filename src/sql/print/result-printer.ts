import { csvPrinter } from './csv-printer.js';
import { jsonPrinter } from './json-printer.js';
import type { ResultFormat } from '../format-result.js';
import { tablePrinter } from './table-printer.js';

/**
 * Turns a query's answer into text as it arrives, one printer per output format. Calls come in
 * order: `begin` once, `rows` for each batch, `end` once. csv and json hand back each batch's text
 * at once, so an export leaves memory as it is read; the table keeps its rows until `end` (its
 * widths need every row).
 */
export interface ResultPrinter {
  begin(columns: string[]): string;
  rows(batch: unknown[][]): string;
  end(): string;
}

export function resultPrinter(format: ResultFormat): ResultPrinter {
  switch (format) {
    case 'csv':
      return csvPrinter();
    case 'json':
      return jsonPrinter();
    case 'table':
      return tablePrinter();
  }
}
