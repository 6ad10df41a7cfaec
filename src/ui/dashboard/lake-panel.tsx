import { Box } from 'ink';
import type { LakeTableStats } from '../../metrics/lake-stats.js';
import { Cells, type Cell } from './cells.js';
import { formatBytes, formatCount } from '../format-figures.js';

export interface LakePanelProps {
  lake: LakeTableStats[];
  /** Exact `count(*)` per table from the last leaderboard queries, when they answered. */
  rows: Record<string, number>;
  width: number;
}

const widths = { table: 20, files: 7, size: 11 };

/**
 * Files and bytes per table from the lake's listings; rows from SQL when known, else `≤` the log
 * offsets the files span.
 */
export function LakePanel({ lake, rows, width }: LakePanelProps) {
  const rowsWidth = Math.max(0, width - widths.table - widths.files - widths.size);
  const head: Cell[] = [
    { text: 'Lake', width: widths.table, tone: 'title' },
    { text: 'files', width: widths.files, align: 'right', tone: 'label' },
    { text: 'size', width: widths.size, align: 'right', tone: 'label' },
    { text: 'rows', width: Math.min(rowsWidth, 14), align: 'right', tone: 'label' },
  ];
  return (
    <Box flexDirection="column" width={width}>
      <Cells cells={head} />
      {lake.map((t) => (
        <Cells
          key={t.table}
          cells={[
            { text: `  ${t.table}`, width: widths.table },
            { text: formatCount(t.files), width: widths.files, align: 'right' },
            { text: formatBytes(t.bytes), width: widths.size, align: 'right' },
            {
              text: rows[t.table] === undefined ? `≤${formatCount(t.maxRows)}` : formatCount(rows[t.table]!),
              width: Math.min(rowsWidth, 14),
              align: 'right',
            },
          ]}
        />
      ))}
    </Box>
  );
}
