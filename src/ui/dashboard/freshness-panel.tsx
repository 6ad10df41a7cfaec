import { Box, Text } from 'ink';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { formatMs } from '../format-figures.js';
import { sparkline } from './sparkline.js';
import { Tone } from './tone.js';

export interface FreshnessPanelProps {
  freshnessMs: PipelineSnapshot['freshnessMs'];
  history: number[];
  width: number;
  /** Queries read the log's tail: rows are visible before they land, and the figures are the landing's. */
  logTail?: boolean;
}

const TAIL_NOTE = 'queried at once; landed ';

/**
 * How old events are when their batch commits (commit time minus event time), with the p50 trend.
 * Where queries read the log's tail, that is when rows land, not when queries see them: it says so.
 */
export function FreshnessPanel({ freshnessMs, history, width, logTail = false }: FreshnessPanelProps) {
  const figures = `${logTail ? TAIL_NOTE : ''}p50 ${formatMs(freshnessMs.p50)}  p95 ${formatMs(freshnessMs.p95)}`;
  const sparkWidth = Math.max(0, Math.min(60, width - 11 - figures.length - 2));
  const before = logTail ? `${TAIL_NOTE}no batch yet` : 'no batch measured yet';
  return (
    <Box width={width}>
      <Text wrap="truncate">
        <Tone kind="title">{'Freshness'.padEnd(11)}</Tone>
        {freshnessMs.p50 === null ? (
          <Tone kind="label">{before}</Tone>
        ) : (
          `${figures}  ${sparkline(history, sparkWidth)}`
        )}
      </Text>
    </Box>
  );
}
