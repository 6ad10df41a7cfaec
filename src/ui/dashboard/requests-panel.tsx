import { Box, Text } from 'ink';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { formatCount, formatMs, formatRate } from '../format-figures.js';
import { sparkline } from './sparkline.js';
import { Tone, statusTone } from './tone.js';

export interface RequestsPanelProps {
  server: PipelineSnapshot['server'];
  history: number[];
  width: number;
}

/** Game requests per second with their latency over the last second, and answers by status since start. */
export function RequestsPanel({ server, history, width }: RequestsPanelProps) {
  const figures = `${formatRate(server.requestsPerSecond)}/s  p50 ${formatMs(server.latencyMs.p50)}  p99 ${formatMs(server.latencyMs.p99)}`;
  const sparkWidth = Math.max(0, Math.min(60, width - 11 - figures.length - 2));
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Tone kind="title">{'Requests'.padEnd(11)}</Tone>
        {figures} {sparkline(history, sparkWidth)}
      </Text>
      <Text wrap="truncate">
        {'  '}
        {server.byStatus.length === 0 ? <Tone kind="label">no answers yet </Tone> : null}
        {server.byStatus.map((s) => (
          <Text key={s.status}>
            <Tone kind={statusTone(s.status)}>{s.status}</Tone> {formatCount(s.count)}
            {'  '}
          </Text>
        ))}
        <Tone kind="label">total</Tone> {formatCount(server.requestsTotal)}
      </Text>
    </Box>
  );
}
