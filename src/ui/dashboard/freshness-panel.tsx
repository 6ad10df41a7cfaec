import { Box, Text } from 'ink';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { formatMs } from '../format-figures.js';
import { sparkline } from './sparkline.js';
import { Tone } from './tone.js';

export interface FreshnessPanelProps {
  freshnessMs: PipelineSnapshot['freshnessMs'];
  history: number[];
  width: number;
}

/** How old events are when their batch commits (commit time minus event time), with the p50 trend. */
export function FreshnessPanel({ freshnessMs, history, width }: FreshnessPanelProps) {
  const figures = `p50 ${formatMs(freshnessMs.p50)}  p95 ${formatMs(freshnessMs.p95)}`;
  const sparkWidth = Math.max(0, Math.min(60, width - 11 - figures.length - 2));
  return (
    <Box width={width}>
      <Text wrap="truncate">
        <Tone kind="title">{'Freshness'.padEnd(11)}</Tone>
        {freshnessMs.p50 === null ? <Tone kind="label">no batch measured yet</Tone> : `${figures}  ${sparkline(history, sparkWidth)}`}
      </Text>
    </Box>
  );
}
