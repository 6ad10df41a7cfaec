import { hostname } from 'node:os';
import type { Positions } from '../eventlog/event-log.js';
import { LEASE_TTL_MS, leasePath, readLease } from '../lake/commit/owner-lease.js';
import { positionsPath } from '../lake/commit/recover-positions.js';
import { ownersOf, writerTargets, type WriterTarget } from '../lake/owners.js';
import type { LakeEntry, LakeStorage } from '../lake/storage/lake-storage.js';
import { isProcessAlive } from '../util/process-alive.js';

/** What the lake's writers have committed, read in an order that stays true while they run. */
export interface LakeSnapshot {
  /** Per owner, the recorded position per log partition (the commit's last step). */
  positions: Map<string, Positions>;
  /** Per owner, when its position was last recorded: the writer's last commit. */
  committedAtMs: Map<string, number>;
  /** Owners whose lease a running writer holds. */
  liveOwners: Set<string>;
  /** Files staged under `_tmp/`. */
  staged: LakeEntry[];
  /** Commit intents under `_wal/`. */
  intents: LakeEntry[];
}

async function leaseIsLive(storage: LakeStorage, owner: string, now: number): Promise<boolean> {
  const [holder, entry] = await Promise.all([readLease(storage, owner), storage.stat(leasePath(owner))]);
  if (holder === null || entry === null || now - entry.modifiedMs > LEASE_TTL_MS) return false;
  return holder === 'torn' || holder.host !== hostname() || isProcessAlive(holder.pid);
}

/** An owner's position as its writer last recorded it, and when; null when it never committed. */
export async function recordedPositions(storage: LakeStorage, owner: string): Promise<{ positions: Positions; at: number } | null> {
  const [bytes, entry] = await Promise.all([storage.read(positionsPath(owner)), storage.stat(positionsPath(owner))]);
  if (bytes === null || entry === null) return null;
  const raw = JSON.parse(bytes.toString()) as Record<string, number>;
  return { positions: new Map(Object.entries(raw).map(([p, o]) => [Number(p), o])), at: entry.modifiedMs };
}

/**
 * Reads leases and positions first, then `_tmp/` and `_wal/`: a staged file older than its writer's
 * last recorded commit was left behind by it, since a commit moves its files before recording.
 */
export async function takeLakeSnapshot(storage: LakeStorage, now = Date.now()): Promise<LakeSnapshot> {
  const owners = ownersOf('all');
  const positions = new Map<string, Positions>();
  const committedAtMs = new Map<string, number>();
  const liveOwners = new Set<string>();
  for (const owner of owners) {
    if (await leaseIsLive(storage, owner, now)) liveOwners.add(owner);
    const recorded = await recordedPositions(storage, owner);
    positions.set(owner, recorded?.positions ?? new Map());
    if (recorded) committedAtMs.set(owner, recorded.at);
  }
  const staged = (await storage.list('_tmp')).filter((e) => !e.isDirectory);
  const intents = (await storage.list('_wal')).filter((e) => !e.isDirectory && /^[^.].*\.json$/.test(e.name));
  return { positions, committedAtMs, liveOwners, staged, intents };
}

/** The writer (`buy`, `all`…) that staged or intended a file, from its name (`<writer>-<uuid>.parquet`, `<writer>.json`). */
export function writerOf(name: string): WriterTarget | undefined {
  const writer = /^([a-z]+)(?:-[0-9a-f-]{36}\.parquet|\.json)$/.exec(name)?.[1];
  return writerTargets.find((target) => target === writer);
}

/** A writer runs while it holds the leases of all its owners. */
export const writerIsLive = (snapshot: LakeSnapshot, writer: WriterTarget): boolean => ownersOf(writer).every((o) => snapshot.liveOwners.has(o));
