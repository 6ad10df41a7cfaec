import { Box, Text } from 'ink';
import type { WriterFigures } from '../../metrics/pipeline-snapshot.js';
import { Cells, type Cell } from './cells.js';
import { formatAge, formatCount, formatMs, formatRate } from '../format-figures.js';
import { Tone } from './tone.js';

export interface WritersPanelProps {
  writers: WriterFigures[];
  width: number;
}

const widths = { writer: 10, lag: 8, rate: 8, batch: 21 };

function writerCells(w: WriterFigures, lastWidth: number): Cell[] {
  const batch = w.lastBatch ? `${formatCount(w.lastBatch.rows)} rows, ${formatMs(w.lastBatch.durationMs)}` : '—';
  return [
    { text: `  ${w.writer}`, width: widths.writer },
    {
      text: w.lag === null ? '?' : formatCount(w.lag),
      width: widths.lag,
      align: 'right',
      tone: w.lag === null ? 'label' : w.lag === 0 ? 'good' : 'warn',
    },
    { text: formatRate(w.rowsPerSecond), width: widths.rate, align: 'right' },
    { text: `  ${batch}`, width: widths.batch },
    { text: formatAge(w.lastCommitAgeMs), width: lastWidth },
  ];
}

/** One row per stream writer: events behind the log, rows read per second, its last batch and commit. */
export function WritersPanel({ writers, width }: WritersPanelProps) {
  const lastWidth = Math.max(0, width - widths.writer - widths.lag - widths.rate - widths.batch);
  const head: Cell[] = [
    { text: 'Writers', width: widths.writer, tone: 'title' },
    { text: 'lag', width: widths.lag, align: 'right', tone: 'label' },
    { text: 'rows/s', width: widths.rate, align: 'right', tone: 'label' },
    { text: '  last batch', width: widths.batch, tone: 'label' },
    { text: 'last commit', width: lastWidth, tone: 'label' },
  ];
  return (
    <Box flexDirection="column" width={width}>
      <Cells cells={head} />
      {writers.length === 0 ? (
        <Text wrap="truncate">
          <Tone kind="label"> no writer status in the lake yet</Tone>
        </Text>
      ) : (
        writers.map((w) => <Cells key={w.writer} cells={writerCells(w, lastWidth)} />)
      )}
    </Box>
  );
}
