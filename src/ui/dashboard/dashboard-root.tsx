import { useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { PipelineSnapshot } from '../../metrics/pipeline-snapshot.js';
import { App } from './app.js';

/** Where snapshots come from: a PipelineSampler, or a fake in tests. */
export interface SnapshotSource {
  latest(): PipelineSnapshot | null;
  subscribe(listener: (snapshot: PipelineSnapshot) => void): () => void;
}

/** What the user asked for: leave (`q`), interrupt (Ctrl-C) or open the query shell (`/`). */
export type DashboardAction = 'quit' | 'interrupt' | 'query';

export interface DashboardRootProps {
  source: SnapshotSource;
  serverUrl: string;
  color: boolean;
  /** Queries read the log's tail (see FreshnessPanel). */
  logTail?: boolean;
  onAction(action: DashboardAction): void;
  /** Fixed size for tests; else the terminal's, followed as it is resized. */
  size?: { columns: number; rows: number };
}

function useTerminalSize(fixed?: { columns: number; rows: number }) {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` is rebuilt each render from these two alone
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return size;
}

/** The live dashboard: follows the source's snapshots and the terminal's size, and answers keys. */
export function DashboardRoot({ source, serverUrl, color, logTail, onAction, size: fixedSize }: DashboardRootProps) {
  const [snapshot, setSnapshot] = useState(source.latest());
  useEffect(() => {
    const unsubscribe = source.subscribe(setSnapshot);
    return () => {
      unsubscribe();
    };
  }, [source]);
  const size = useTerminalSize(fixedSize);
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onAction('interrupt');
    else if (input === 'q') onAction('quit');
    else if (input === '/') onAction('query');
  });
  return (
    <App
      snapshot={snapshot}
      serverUrl={serverUrl}
      columns={size.columns}
      rows={size.rows}
      color={color}
      logTail={logTail}
    />
  );
}
