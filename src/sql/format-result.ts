import { resultPrinter } from './print/result-printer.js';

export type ResultFormat = 'table' | 'json' | 'csv';
export const resultFormats: ResultFormat[] = ['table', 'json', 'csv'];

/** A complete answer in one format, through the same printer a streamed one goes through (see `printQuery`). */
export function formatResult(result: { columns: string[]; rows: unknown[][] }, format: ResultFormat): string {
  const printer = resultPrinter(format);
  return printer.begin(result.columns) + printer.rows(result.rows) + printer.end();
}
