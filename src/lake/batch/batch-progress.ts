import { formatPositions } from '../../eventlog/positions.js';

/** What one batch did, in the spirit of Spark's StreamingQueryProgress. */
export interface BatchProgress {
  writer: string;
  batchId: number;
  timestamp: string;
  numInputRows: number;
  rowsWritten: number;
  deadLetters: number;
  inputRowsPerSecond: number;
  processedRowsPerSecond: number;
  durationMs: { poll: number; write: number; commit: number; total: number };
  startOffset: Record<string, number>;
  endOffset: Record<string, number>;
  files: string[];
  /** Small files merged into larger ones after this batch (see Compactor). */
  mergedFiles: number;
  /** How long the batch's rows took from their event time to being visible to queries. */
  freshnessMs?: { p50: number; p95: number; max: number };
}

const rate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** One line a person can follow. */
export function formatProgress(p: BatchProgress): string {
  const dead = p.deadLetters > 0 ? `, ${p.deadLetters} dead letters` : '';
  const merged = p.mergedFiles > 0 ? ` (${p.mergedFiles} small files merged)` : '';
  return (
    `[${p.writer}] batch ${p.batchId}: ${p.numInputRows} events read, ${p.rowsWritten} rows written${dead}, ` +
    `offsets ${formatPositions(p.startOffset)} -> ${formatPositions(p.endOffset)}, ${p.files.length} file${p.files.length === 1 ? '' : 's'}${merged}, ` +
    `${p.durationMs.total} ms (${rate(p.inputRowsPerSecond)} in/s, ${rate(p.processedRowsPerSecond)} processed/s)`
  );
}
