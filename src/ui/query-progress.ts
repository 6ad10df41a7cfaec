import type { QueryProgress } from '../sql/query-engine.js';

const BAR_WIDTH = 30;

const compact = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : String(Math.round(n)));
const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)}GB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)}MB` : n >= 1024 ? `${(n / 1024).toFixed(1)}KB` : `${n}B`);

/** One status line as the Trino CLI shows it while a query runs: state, splits and a bar capped at 99%, rows and bytes with rates, elapsed. */
export function formatQueryProgress(p: QueryProgress): string {
  const seconds = Math.max(p.elapsedMs, 1) / 1000;
  const parts = [p.queryId ? `${p.queryId} ${p.state}` : p.state];
  if (p.splitsTotal) {
    const done = p.splitsDone ?? 0;
    const ratio = Math.min(0.99, done / p.splitsTotal);
    const filled = Math.round(ratio * BAR_WIDTH);
    parts.push(`[${'='.repeat(filled)}>${' '.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}%`, `splits ${done}/${p.splitsTotal}`);
  }
  parts.push(`${compact(p.rows)} rows (${compact(p.rows / seconds)}/s)`);
  if (p.bytes !== undefined) parts.push(`${bytes(p.bytes)} (${bytes(p.bytes / seconds)}/s)`);
  parts.push(`${seconds.toFixed(1)}s`);
  return parts.join('  ');
}

/** Redraws the status line in place on a terminal; `clear` erases it before results are printed. */
export function queryProgressLine(out: NodeJS.WriteStream): { show(p: QueryProgress): void; clear(): void } {
  let shown = false;
  return {
    show: (p) => {
      out.write(`\r\x1b[2K${formatQueryProgress(p).slice(0, Math.max(20, (out.columns ?? 100) - 1))}`);
      shown = true;
    },
    clear: () => {
      if (shown) out.write('\r\x1b[2K');
      shown = false;
    },
  };
}
