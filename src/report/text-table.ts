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

const center = (text: string, width: number) =>
  text.padStart(text.length + Math.floor((width - text.length) / 2)).padEnd(width);

/** Cuts a line to `width` columns (every character here is one column wide). */
export const fitLine = (line: string, width: number): string =>
  [...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`;

/**
 * An aligned table in the style of `gamepipe query` (centred headers, `|` between columns, a
 * `-+-` rule), with an optional bar chart as its last column, sized to what `width` leaves.
 */
export function textTable(columns: TextColumn[], rows: string[][], width: number, bars?: TextBars): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => r[i]!.length)));
  const tableWidth = widths.reduce((sum, w) => sum + w + 3, 0);
  const barWidth = bars ? Math.min(40, width - tableWidth - 1) : 0;
  const showBars = bars !== undefined && barWidth >= MIN_BAR_WIDTH;
  const max = bars ? (bars.max ?? Math.max(0, ...bars.values)) : 0;
  const cells = (texts: string[], bar: string | undefined) => {
    const line = ` ${texts.join(' | ')} ${bar === undefined ? '' : `| ${bar}`}`;
    return fitLine(line.trimEnd(), width);
  };
  const header = cells(
    columns.map((c, i) => center(c.header, widths[i]!)),
    showBars ? bars.header : undefined,
  );
  const rule = fitLine(
    widths.map((w) => '-'.repeat(w + 2)).join('+') + (showBars ? `+${'-'.repeat(barWidth + 1)}` : ''),
    width,
  );
  const body = rows.map((row, r) =>
    cells(
      row.map((text, i) => (columns[i]!.align === 'left' ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))),
      showBars ? textBar(bars.values[r] ?? 0, max, barWidth) : undefined,
    ),
  );
  return [header, rule, ...body];
}
