import { Box, Text } from 'ink';
import { Tone, type ToneKind } from './tone.js';

export interface Cell {
  text: string;
  width: number;
  align?: 'left' | 'right';
  tone?: ToneKind;
}

/** One line of fixed-width cells, each truncated to its width: the panels' tables. */
export function Cells({ cells }: { cells: Cell[] }) {
  return (
    <Box>
      {cells.map((cell, i) => (
        <Box
          // biome-ignore lint/suspicious/noArrayIndexKey: a line's cells are positional columns, never reordered
          key={i}
          width={cell.width}
          justifyContent={cell.align === 'right' ? 'flex-end' : 'flex-start'}
          flexShrink={0}
        >
          <Text wrap="truncate">
            <Tone kind={cell.tone ?? 'plain'}>{cell.text}</Tone>
          </Text>
        </Box>
      ))}
    </Box>
  );
}
