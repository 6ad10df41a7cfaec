import { Box, Text } from 'ink';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { formatRate } from '../format-figures.js';
import { Tone } from './tone.js';

export interface EventsPanelProps {
  server: PipelineSnapshot['server'];
  width: number;
}

/** Events appended to the log per second, by type, busiest first; refused appends when there are any. */
export function EventsPanel({ server, width }: EventsPanelProps) {
  const types = Object.entries(server.eventsPerSecond).sort(([a, ra], [b, rb]) => rb - ra || a.localeCompare(b));
  return (
    <Box width={width}>
      <Text wrap="truncate">
        <Tone kind="title">{'Events/s'.padEnd(11)}</Tone>
        {types.length === 0 ? <Tone kind="label">none appended yet</Tone> : null}
        {types.map(([type, rate]) => (
          <Text key={type}>
            <Tone kind="label">{type}</Tone> {formatRate(rate)}
            {'  '}
          </Text>
        ))}
        {server.appendErrors > 0 ? <Tone kind="bad">refused {server.appendErrors}</Tone> : null}
      </Text>
    </Box>
  );
}
