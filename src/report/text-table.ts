import { alignedTable, tableLine } from '../sql/print/aligned-table.js';

export interface TextColumn {
  header: string;
  align?: 'left' | 'right';
}

export interface TextBars {
  header: string;
  values: number[];
  /** The value of a full-width bar; default the largest value. */
  max?: number;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const MIN_BAR_WIDTH = 6;

/** A bar of `width` cells at most, in eighths of a cell; a value above zero always shows. */
export function textBar(value: number, max: number, width: number): string {
  if (!(value > 0) || !(max > 0) || width <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/** Cuts a line to `width` columns (every character here is one column wide). */
export const fitLine = (line: string, width: number): string =>
  [...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`;

/**
 * An aligned table laid out as `gamepipe query` prints one (see alignedTable), with an optional
 * bar chart as its last column, sized to what `width` leaves.
 */
export function textTable(columns: TextColumn[], rows: string[][], width: number, bars?: TextBars): string[] {
  const table = alignedTable(
    columns.map((c) => ({ header: c.header, align: c.align ?? 'right' })),
    rows,
  );
  const tableWidth = table.header.reduce((sum, cell) => sum + cell.length + 3, 0);
  const barWidth = bars ? Math.min(40, width - tableWidth - 1) : 0;
  const showBars = bars !== undefined && barWidth >= MIN_BAR_WIDTH;
  const max = bars ? (bars.max ?? Math.max(0, ...bars.values)) : 0;
  const line = (cells: string[], bar: string) => fitLine(tableLine(showBars ? [...cells, bar] : cells), width);
  return [
    line(table.header, showBars ? bars.header : ''),
    fitLine(table.rule + (showBars ? `+${'-'.repeat(barWidth + 1)}` : ''), width),
    ...table.body.map((cells, r) => line(cells, showBars ? textBar(bars.values[r] ?? 0, max, barWidth) : '')),
  ];
}
