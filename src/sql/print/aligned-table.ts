/** A column of an aligned table: its header, centred, and how its cells line up. */
export interface AlignedColumn {
  header: string;
  align: 'left' | 'right';
}

/** An aligned table's parts, each cell padded to its column's width; `line` joins cells as Trino's CLI does. */
export interface AlignedTable {
  header: string[];
  rule: string;
  body: string[][];
}

const center = (text: string, width: number) =>
  text.padStart(text.length + Math.floor((width - text.length) / 2)).padEnd(width);

/**
 * The layout of Trino's CLI, shared by `gamepipe query`, the query shell and the report: headers
 * centred, cells padded to their column's width, a `-+-` rule under the headers.
 */
export function alignedTable(columns: AlignedColumn[], rows: string[][]): AlignedTable {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => r[i]!.length)));
  return {
    header: columns.map((c, i) => center(c.header, widths[i]!)),
    rule: widths.map((w) => '-'.repeat(w + 2)).join('+'),
    body: rows.map((row) =>
      row.map((text, i) => (columns[i]!.align === 'left' ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))),
    ),
  };
}

/** One line of the table: cells between `|`, no trailing blanks. */
export const tableLine = (cells: string[]): string => ` ${cells.join(' | ')} `.trimEnd();
