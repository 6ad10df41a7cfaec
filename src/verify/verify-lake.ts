import type { Config } from '../config/config-fields.js';
import { createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import { positionsRecord } from '../eventlog/positions.js';
import { POSITIONS_DIR } from '../lake/commit/recover-positions.js';
import { openLakeStorage } from '../lake/storage/open-lake-storage.js';
import { acceptedFindings, type AcceptedCounts } from './accepted-counts.js';
import { catalogFindings } from './catalog-findings.js';
import { hygieneFindings } from './hygiene-findings.js';
import { LakePositionIndex } from './lake-position-index.js';
import { ownerIsLive, takeLakeSnapshot, type LakeSnapshot } from './lake-snapshot.js';
import { LogReconciler } from './log-reconciler.js';
import { ReplayIndex } from '../deadletters/replay-index.js';
import { readLedgers } from '../deadletters/replay-ledger.js';
import { readLakeFiles, type LakeFile } from './read-lake-files.js';
import { scanLog } from './scan-log.js';
import { describeWindow, type TimeWindow } from './time-window.js';
import type { Finding, VerifyReport } from './verify-report.js';

/**
 * An owner whose position file is missing (the writer recovers it from the file names) gets the
 * position its files' names give, so its files are still checked; only when its writer is not
 * running, since a running one may be in the middle of its first commit.
 */
function positionsFromFileNames(snapshot: LakeSnapshot, files: LakeFile[]): Finding[] {
  const notes: Finding[] = [];
  for (const [owner, positions] of snapshot.positions) {
    const own = files.filter((f) => f.owner === owner);
    if (positions.size > 0 || ownerIsLive(snapshot, owner) || own.length === 0) continue;
    for (const file of own)
      positions.set(file.partition, Math.max(positions.get(file.partition) ?? 0, file.lastOffset + 1));
    notes.push({
      kind: 'note',
      where: `${POSITIONS_DIR}/${owner}+*.json`,
      what: `missing: the ${owner} writer's position is taken from its file names, as the writer itself would`,
    });
  }
  return notes;
}

export interface VerifyOptions {
  window: TimeWindow;
  /** What the server accepted, to compare with the log; none when unknown. */
  accepted?: AcceptedCounts;
  /** Why the accepted counts are unknown, as a note (no server answered at the default URL). */
  acceptedNote?: Finding;
}

/**
 * Reconciles the committed state of the pipeline: the writers' positions and leases first, then
 * the log's end, then the lake's files, then the log up to that end. Whatever a running writer
 * commits meanwhile lies beyond the positions read first, so it is never taken for a discrepancy.
 */
export async function verifyLake(config: Config, options: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const storage = await openLakeStorage(config);
  try {
    await storage.ping();
    const snapshot = await takeLakeSnapshot(storage);
    // Before the log's end is read: a replay marked done by then has its records below that end.
    const replays = new ReplayIndex(await readLedgers(storage));
    const reader = await createEventLogReader(config, { group: `gamepipe-verify-${process.pid}` });
    const findings: Finding[] = [];
    try {
      const end = await reader.endOffsets();
      const index = new LakePositionIndex(end);
      const files = await readLakeFiles(storage, index, options.window, findings);
      findings.push(...positionsFromFileNames(snapshot, files));
      const reconciler = new LogReconciler(index, files, snapshot.positions, options.window, replays);
      for await (const records of scanLog(reader, end)) for (const record of records) reconciler.add(record);
      findings.push(
        ...reconciler.findings(),
        ...hygieneFindings(snapshot),
        ...(await catalogFindings(config, storage)),
      );
      const windowed = options.window.since !== undefined || options.window.until !== undefined;
      if (options.accepted) findings.push(...acceptedFindings(reconciler.tallies, options.accepted, windowed));
      if (options.acceptedNote) findings.push(options.acceptedNote);
      return {
        lake: storage.uri,
        log: `${eventLogKind(config)} topic ${config.topic}`,
        window: describeWindow(options.window),
        acceptedFrom: options.accepted?.from ?? null,
        positions: Object.fromEntries([...snapshot.positions].map(([owner, p]) => [owner, positionsRecord(p)])),
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
