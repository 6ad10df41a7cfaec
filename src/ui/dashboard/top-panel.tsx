import { Box, Text } from 'ink';
import type { LakeLeaderboard, Ranked } from '../../metrics/lake-leaderboard.js';
import { Cells } from './cells.js';
import { formatAge, formatCount } from '../format-figures.js';
import { Tone } from './tone.js';

export interface TopPanelProps {
  leaderboard: LakeLeaderboard | null;
  /** How many of each list fit. */
  limit: number;
  now: number;
  width: number;
}

function RankedList({
  title,
  ranked,
  limit,
  width,
}: {
  title: string;
  ranked: Ranked[];
  limit: number;
  width: number;
}) {
  const countWidth = 9;
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Tone kind="title">{title}</Tone>
      </Text>
      {ranked.length === 0 && limit > 0 ? (
        <Text>
          <Tone kind="label"> none yet</Tone>
        </Text>
      ) : null}
      {ranked.slice(0, limit).map((r) => (
        <Cells
          key={r.name}
          cells={[
            { text: `  ${r.name}`, width: Math.max(0, width - countWidth - 2) },
            { text: formatCount(r.count), width: countWidth, align: 'right' },
          ]}
        />
      ))}
    </Box>
  );
}

/** The most bought items and the most joined guilds, from SQL over the lake, refreshed every few seconds. */
export function TopPanel({ leaderboard, limit, now, width }: TopPanelProps) {
  if (!leaderboard) {
    return (
      <Text wrap="truncate">
        <Tone kind="label">Top items and guilds: waiting for the first query…</Tone>
      </Text>
    );
  }
  const half = Math.floor(width / 2);
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <RankedList title="Top items (buys)" ranked={leaderboard.topItems} limit={limit} width={half} />
        <RankedList title="Top guilds (joins)" ranked={leaderboard.topGuilds} limit={limit} width={width - half} />
      </Box>
      <Text wrap="truncate">
        <Tone kind="label">
          {'  '}
          {leaderboard.engine} {formatAge(Math.max(0, now - leaderboard.at))}
        </Tone>
        {leaderboard.error ? <Tone kind="bad"> {leaderboard.error}</Tone> : null}
      </Text>
    </Box>
  );
}
