import type { Positions } from '../eventlog/event-log.js';
import { LEASE_TTL_MS, leaseKey, listLeases, type LeaseRecord } from '../lake/commit/owner-lease.js';
import { commitFileOwner } from '../lake/commit/lake-committer.js';
import { recordedPositionsOf } from '../lake/commit/recover-positions.js';
import { ownersOf, writerTargets, type WriterTarget } from '../lake/owners.js';
import type { LakeEntry, LakeStorage } from '../lake/storage/lake-storage.js';
import { isDeadProcessHere } from '../util/process-alive.js';

/** What the lake's writers have committed, read in an order that stays true while they run. */
export interface LakeSnapshot {
  /** Per owner, the recorded position per log partition (the commit's last step). */
  positions: Map<string, Positions>;
  /** Per lease key (`buy+0`: owner and log partition), when its position was last recorded: its writer's last commit there. */
  committedAtMs: Map<string, number>;
  /** Lease keys a running writer holds. */
  liveLeases: Set<string>;
  /** Files staged under `_tmp/`. */
  staged: LakeEntry[];
  /** Commit intents under `_wal/`. */
  intents: LakeEntry[];
}

const leaseIsLive = (holder: LeaseRecord | 'torn', renewedMs: number, now: number): boolean =>
  now - renewedMs <= LEASE_TTL_MS && (holder === 'torn' || !isDeadProcessHere(holder));

/**
 * Reads leases and positions first, then `_tmp/` and `_wal/`: a staged file older than its writer's
 * last recorded commit was left behind by it, since a commit moves its files before recording.
 */
export async function takeLakeSnapshot(storage: LakeStorage, now = Date.now()): Promise<LakeSnapshot> {
  const positions = new Map<string, Positions>();
  const committedAtMs = new Map<string, number>();
  const liveLeases = await liveLeaseKeys(storage, now);
  for (const [owner, recorded] of await recordedPositionsOf(storage, ownersOf('all'))) {
    positions.set(owner, recorded.positions);
    for (const [partition, ms] of recorded.at) committedAtMs.set(leaseKey(owner, partition), ms);
  }
  const staged = (await storage.list('_tmp')).filter((e) => !e.isDirectory);
  const intents = (await storage.list('_wal')).filter((e) => !e.isDirectory && /^[^.].*\.json$/.test(e.name));
  return { positions, committedAtMs, liveLeases, staged, intents };
}

/** The lease keys (`buy+0`) a running writer holds. */
export async function liveLeaseKeys(storage: LakeStorage, now = Date.now()): Promise<Set<string>> {
  return new Set((await listLeases(storage)).filter((l) => leaseIsLive(l.holder, l.renewedMs, now)).map((l) => l.key));
}

/** An Iceberg writer's intent: `<writer>+<partition>+<uuid>.json` (src/iceberg/write/multi-table-intent.ts). */
const ICEBERG_INTENT = /^([a-z]+)\+(\d+)\+[0-9a-f-]{36}\.json$/;

const icebergIntentOwner = (name: string) => {
  const match = ICEBERG_INTENT.exec(name);
  return match ? { writer: match[1]!, partition: Number(match[2]) } : undefined;
};

/**
 * The writer (`buy`, `all`…) and log partition of a staged file or intent, from its name
 * (`<writer>+<partition>-<uuid>.parquet`, `<writer>+<partition>.json`, Iceberg's `<writer>+<partition>+<uuid>.json`).
 */
export function writerOf(name: string): { writer: WriterTarget; partition: number } | undefined {
  const owner = commitFileOwner(name) ?? icebergIntentOwner(name);
  const writer = writerTargets.find((target) => target === owner?.writer);
  return writer && { writer, partition: owner!.partition };
}

/** A writer runs in a partition while it holds the leases of all its owners there. */
export const writerIsLive = (snapshot: LakeSnapshot, writer: WriterTarget, partition: number): boolean =>
  ownersOf(writer).every((o) => snapshot.liveLeases.has(leaseKey(o, partition)));

/** Whether some running writer holds a lease of this owner. */
export const ownerIsLive = (snapshot: LakeSnapshot, owner: string): boolean =>
  [...snapshot.liveLeases].some((key) => key.startsWith(`${owner}+`));
