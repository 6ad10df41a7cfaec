import { Box, Text } from 'ink';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { EventsPanel } from './events-panel.js';
import { FreshnessPanel } from './freshness-panel.js';
import { Header } from './header.js';
import { LakePanel } from './lake-panel.js';
import { RequestsPanel } from './requests-panel.js';
import { ColorContext, Tone } from './tone.js';
import { TopPanel } from './top-panel.js';
import { WritersPanel } from './writers-panel.js';

export interface AppProps {
  snapshot: PipelineSnapshot | null;
  serverUrl: string;
  /** The terminal's size; the frame stays at least a line shorter so Ink never scrolls. */
  columns: number;
  rows: number;
  color: boolean;
  /** Queries read the log's tail (see FreshnessPanel). */
  logTail?: boolean;
}

/** From this width the traffic and the lake sit side by side. */
export const WIDE_COLUMNS = 120;
const MAX_TOP = 5;

const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, n));

/**
 * How many ranked rows the top lists get and whether blank lines separate the panels: as many rows
 * as fit (up to five), then gaps only if they still fit, the frame one line shorter than the screen.
 */
export function layoutFor(
  wide: boolean,
  rows: number,
  lines: { writers: number; lake: number; errors: number },
): { top: number; gap: boolean } {
  const budget = rows - 1;
  const traffic = 4;
  const topFrame = 2;
  if (!wide) {
    const fixed = 1 + traffic + lines.writers + lines.lake + topFrame + lines.errors;
    const top = clamp(budget - fixed, 0, MAX_TOP);
    return { top, gap: budget - fixed - top >= 4 };
  }
  const height = (gap: number, top: number) =>
    1 + gap + Math.max(traffic + gap + lines.writers, lines.lake + gap + topFrame + top) + lines.errors;
  const top = clamp(budget - height(0, 0), 0, MAX_TOP);
  return { top, gap: height(1, top) <= budget };
}

function Gap({ show }: { show: boolean }) {
  return show ? <Text> </Text> : null;
}

/** The whole dashboard for one snapshot: pure, sized by its props. */
export function App({ snapshot, serverUrl, columns, rows, color, logTail }: AppProps) {
  const width = Math.max(40, columns);
  if (!snapshot) {
    return (
      <ColorContext.Provider value={color}>
        <Box flexDirection="column" width={width}>
          <Header serverUrl={serverUrl} reachable={null} width={width} />
          <Tone kind="label">reading the server's metrics and the lake…</Tone>
        </Box>
      </ColorContext.Provider>
    );
  }
  const wide = width >= WIDE_COLUMNS;
  const writerLines = 1 + Math.max(1, snapshot.writers.length);
  const errorLines = snapshot.errors.length > 0 ? 1 : 0;
  const lakeLines = 1 + snapshot.lake.length;
  const leftWidth = wide ? Math.floor(width / 2) - 1 : width;
  const rightWidth = wide ? width - leftWidth - 2 : width;
  const layout = layoutFor(wide, rows, { writers: writerLines, lake: lakeLines, errors: errorLines });

  const left = (
    <Box flexDirection="column" width={leftWidth}>
      <RequestsPanel server={snapshot.server} history={snapshot.history.requestsPerSecond} width={leftWidth} />
      <EventsPanel server={snapshot.server} width={leftWidth} />
      <FreshnessPanel
        freshnessMs={snapshot.freshnessMs}
        history={snapshot.history.freshnessP50Ms}
        width={leftWidth}
        logTail={logTail}
      />
      <Gap show={layout.gap} />
      <WritersPanel writers={snapshot.writers} width={leftWidth} />
    </Box>
  );
  const right = (
    <Box flexDirection="column" width={rightWidth}>
      <LakePanel lake={snapshot.lake} rows={snapshot.leaderboard?.rows ?? {}} width={rightWidth} />
      <Gap show={layout.gap} />
      <TopPanel leaderboard={snapshot.leaderboard} limit={layout.top} now={snapshot.at} width={rightWidth} />
    </Box>
  );
  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={width}>
        <Header serverUrl={serverUrl} reachable={snapshot.server.reachable} width={width} />
        <Gap show={layout.gap} />
        {wide ? (
          <Box>
            {left}
            <Box width={2} />
            {right}
          </Box>
        ) : (
          <>
            {left}
            <Gap show={layout.gap} />
            {right}
          </>
        )}
        {errorLines > 0 ? (
          <Text wrap="truncate">
            <Tone kind="bad">! {snapshot.errors.join('; ')}</Tone>
          </Text>
        ) : null}
      </Box>
    </ColorContext.Provider>
  );
}
