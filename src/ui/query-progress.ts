import type { QueryProgress } from '../sql/query-engine.js';
import { formatBytes } from './format-figures.js';

const BAR_WIDTH = 30;

const compact = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(1)}B`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)}K`
        : String(Math.round(n));

/** One status line as the Trino CLI shows it while a query runs: state, splits and a bar capped at 99%, rows and bytes with rates, elapsed. */
export function formatQueryProgress(p: QueryProgress): string {
  const seconds = Math.max(p.elapsedMs, 1) / 1000;
  const parts = [p.queryId ? `${p.queryId} ${p.state}` : p.state];
  if (p.splitsTotal) {
    const done = p.splitsDone ?? 0;
    const ratio = Math.min(0.99, done / p.splitsTotal);
    const filled = Math.round(ratio * BAR_WIDTH);
    parts.push(
      `[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}%`,
      `splits ${done}/${p.splitsTotal}`,
    );
  }
  parts.push(`${compact(p.rows)} rows (${compact(p.rows / seconds)}/s)`);
  if (p.bytes !== undefined) parts.push(`${formatBytes(p.bytes)} (${formatBytes(Math.round(p.bytes / seconds))}/s)`);
  parts.push(`${seconds.toFixed(1)}s`);
  return parts.join('  ');
}

/**
 * Trino's status line on a terminal, redrawn in place every quarter second while a query runs (so
 * the elapsed time moves even when the engine reports nothing), with the engine's latest progress.
 * `erase` clears it before output is written (the next tick redraws it); `stop` clears it for good.
 */
export function queryProgressLine(
  out: Pick<NodeJS.WriteStream, 'write' | 'columns'>,
  started = Date.now(),
): { update(p: QueryProgress): void; erase(): void; stop(): void } {
  let latest: QueryProgress | undefined;
  let shown = false;
  const erase = () => {
    if (shown) out.write('\r\x1b[2K');
    shown = false;
  };
  const timer = setInterval(() => {
    const line = formatQueryProgress({ ...(latest ?? { state: 'RUNNING', rows: 0 }), elapsedMs: Date.now() - started });
    out.write(`\r\x1b[2K${line.slice(0, Math.max(20, (out.columns ?? 80) - 1))}`);
    shown = true;
  }, 250);
  return {
    update: (p) => {
      latest = p;
    },
    erase,
    stop: () => {
      clearInterval(timer);
      erase();
    },
  };
}
