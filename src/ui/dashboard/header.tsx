import { Box, Text } from 'ink';
import { Tone } from './tone.js';

export interface HeaderProps {
  serverUrl: string;
  /** null before the first sample. */
  reachable: boolean | null;
  width: number;
}

/** The top line: what is watched, whether it answers, and the keys. */
export function Header({ serverUrl, reachable, width }: HeaderProps) {
  const state =
    reachable === null ? (
      <Tone kind="label">connecting</Tone>
    ) : reachable ? (
      <Tone kind="good">up</Tone>
    ) : (
      <Tone kind="bad">down</Tone>
    );
  return (
    <Box width={width} justifyContent="space-between">
      <Text wrap="truncate">
        <Tone kind="title">gamepipe</Tone> {serverUrl} {state}
      </Text>
      <Box flexShrink={0}>
        <Text>
          {/* A string, so the formatter keeps the two spaces between the keys. */}
          <Tone kind="label">{' q quit  / query'}</Tone>
        </Text>
      </Box>
    </Box>
  );
}
