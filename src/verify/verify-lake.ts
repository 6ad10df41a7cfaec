import type { Config } from '../config/config-fields.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { acceptedFindings, type AcceptedCounts } from './accepted-counts.js';
import { readCommittedLake } from './committed-lake.js';
import { LakePositionIndex } from './lake-position-index.js';
import { LogReconciler } from './log-reconciler.js';
import { ReplayIndex } from '../deadletters/replay-index.js';
import { readLedgers } from '../deadletters/replay-ledger.js';
import { readLakeFiles } from './read-lake-files.js';
import { scanLog } from './scan-log.js';
import { describeWindow, type TimeWindow } from './time-window.js';
import type { Finding, VerifyReport } from './verify-report.js';

export interface VerifyOptions {
  window: TimeWindow;
  /** What the server accepted, to compare with the log; none when unknown. */
  accepted?: AcceptedCounts;
  /** Why the accepted counts are unknown, as a note (no server answered at the default URL). */
  acceptedNote?: Finding;
}

/**
 * Reconciles the committed state of the pipeline, whatever its table format (`CommittedLake`): the
 * committed positions first, then the log's end, then the tables' files, then the log up to that
 * end. Whatever a running writer commits meanwhile lies beyond the positions read first, so it is
 * never taken for a discrepancy.
 */
export async function verifyLake(config: Config, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const storage = await openLakeStorage(config);
  try {
    await storage.ping();
    const lake = await readCommittedLake(config, storage);
    // Before the log's end is read: a replay marked done by then has its records below that end.
    const replays = new ReplayIndex(await readLedgers(storage));
    const reader = await createEventLogReader(config, { group: `gamepipe-verify-${process.pid}` });
    const findings: Finding[] = [];
    try {
      const end = await reader.endOffsets();
      const index = new LakePositionIndex(end);
      const files = await readLakeFiles(storage, lake, index, options.window, findings);
      findings.push(...lake.filesRead(files));
      const reconciler = new LogReconciler(index, files, lake.positions, options.window, replays);
      for await (const records of scanLog(reader, end)) for (const record of records) reconciler.add(record);
      findings.push(...reconciler.findings(), ...(await lake.findings(reconciler.lags())));
      const windowed = options.window.since !== undefined || options.window.until !== undefined;
      if (options.accepted) findings.push(...acceptedFindings(reconciler.tallies, options.accepted, windowed));
      if (options.acceptedNote) findings.push(options.acceptedNote);
      return {
        lake: storage.uri,
        log: `${eventLogKind(config)} topic ${config.topic}`,
        window: describeWindow(options.window),
        acceptedFrom: options.accepted?.from ?? null,
        positions: Object.fromEntries([...lake.positions.owners].map(([owner, p]) => [owner, positionsRecord(p)])),
        tallies: [...reconciler.tallies.values()],
        files: files.length,
        findings,
        elapsedMs: Date.now() - started,
      };
    } finally {
      await reader.close();
    }
  } finally {
    await storage.close();
  }
}
