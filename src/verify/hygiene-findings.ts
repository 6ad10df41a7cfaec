import { leaseKey } from '../lake/commit/owner-lease.js';
import { ownersOf } from '../lake/owners.js';
import type { LakeEntry } from '../lake/storage/lake-storage.js';
import { writerIsLive, writerOf, type LakeSnapshot } from './lake-snapshot.js';
import type { Finding } from './verify-report.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** When the writer last recorded a commit in a partition (its owners' latest position there), if ever. */
function lastCommitOf(
  snapshot: LakeSnapshot,
  writer: Parameters<typeof ownersOf>[0],
  partition: number,
): number | undefined {
  const times = ownersOf(writer).flatMap((o) => snapshot.committedAtMs.get(leaseKey(o, partition)) ?? []);
  return times.length === 0 ? undefined : Math.max(...times);
}

/**
 * Staged files and intents that no writer will finish. While a writer holds its leases, what it
 * staged after its last commit and its intent are in flight, not orphans: they are notes.
 */
export function hygieneFindings(snapshot: LakeSnapshot): Finding[] {
  const findings: Finding[] = [];
  for (const entry of snapshot.staged) findings.push(stagedFinding(snapshot, entry));
  for (const entry of snapshot.intents) {
    const { writer, partition } = writerOf(entry.name) ?? {};
    if (writer && writerIsLive(snapshot, writer, partition!)) {
      findings.push({ kind: 'note', where: entry.path, what: `a commit of the running ${writer} writer in progress` });
    } else {
      const finish = writer ? `; \`gamepipe stream ${writer}\` finishes it` : '';
      findings.push({
        kind: 'stale-intent',
        where: entry.path,
        what: `a commit left half done at ${iso(entry.modifiedMs)} by a writer that is not running${finish}`,
      });
    }
  }
  return findings;
}

function stagedFinding(snapshot: LakeSnapshot, entry: LakeEntry): Finding {
  const staged = writerOf(entry.name);
  if (!staged)
    return { kind: 'orphan-temp', where: entry.path, what: `${entry.size} bytes that no gamepipe writer staged` };
  const { writer, partition } = staged;
  const lastCommit = lastCommitOf(snapshot, writer, partition);
  if (writerIsLive(snapshot, writer, partition)) {
    if (lastCommit === undefined || entry.modifiedMs >= lastCommit)
      return { kind: 'note', where: entry.path, what: `being committed by the running ${writer} writer` };
    return {
      kind: 'orphan-temp',
      where: entry.path,
      what: `staged at ${iso(entry.modifiedMs)}, before the ${writer} writer's last commit (${iso(lastCommit)}): no commit will use it`,
    };
  }
  return {
    kind: 'orphan-temp',
    where: entry.path,
    what: `staged at ${iso(entry.modifiedMs)} by the ${writer} writer, which is not running; \`gamepipe stream ${writer}\` deletes it`,
  };
}
