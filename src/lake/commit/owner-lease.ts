import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isDeadProcessHere } from '../../util/process-alive.js';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import { logger } from '../../logger.js';
import { compareAndSwapOf, type LakeStorage } from '../storage/lake-storage.js';

export interface LeaseRecord {
  host: string;
  pid: number;
  token: string;
  what: string;
}

export const LEASE_TTL_MS = 30_000;

/** What one lease guards: an owner's share of one log partition (`buy+3`), so writers can split a table by partition. */
export const leaseKey = (owner: string, partition: number): string => `${owner}+${partition}`;
export const LOCKS_DIR = '_locks';
export const leasePath = (key: string) => `${LOCKS_DIR}/${key}.lock`;
const describeKey = (key: string) => key.replace(/\+(\d+)$/, ' (log partition $1)');

/**
 * One writer per owner and log partition at a time, across hosts: a lease file per key in the lake,
 * created only if absent (the store's no-overwrite create decides between two claimants) and renewed
 * every third of its time to live. A lease is taken over when its holder is a dead process on this
 * host, or when it has not been renewed for the time to live (hosts' clocks are assumed within
 * seconds of the store's). Before each commit the writer checks it still holds the leases it commits
 * under (`verify`). How takeover and renewal are fenced depends on the store:
 * - with a compare-and-swap (S3's `If-Match`, memory), takeover replaces the stale lease only if it
 *   is still the one judged stale, and renewal only if it is still this writer's: of two takers one
 *   wins, and a writer whose lease was taken over never writes over its new holder's (it stops
 *   renewing that key, and `verify` fails);
 * - otherwise (a local disk, HDFS) takeover renames the stale lease away, atomically and never
 *   overwriting, so of two renames one succeeds; renewal reads, then replaces. A takeover landing
 *   between those two steps (microseconds on a local disk) is overwritten: the taker is then fenced
 *   at its next `verify` and the old holder goes on, so the lease still has one holder.
 * Release reads, then deletes, on every store: a takeover between the two loses its new lease (its
 * `verify` fails), never the other way round.
 */
export class OwnerLeases {
  private readonly held = new Set<string>();
  /** Held keys found taken over: no longer renewed (still in `held`, so `verify` keeps failing on them). */
  private readonly lost = new Set<string>();
  private refusalSaid = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly storage: LakeStorage,
    private readonly record: LeaseRecord,
    private readonly ttlMs: number,
  ) {
    this.timer = setInterval(
      () => void this.renew().catch((error) => this.renewalFailed(error)),
      Math.max(1000, ttlMs / 3),
    );
    this.timer.unref();
  }

  /** A holder of no lease yet, renewing whatever it claims later. */
  static start(storage: LakeStorage, what: string, ttlMs = LEASE_TTL_MS): OwnerLeases {
    return new OwnerLeases(storage, { host: hostname(), pid: process.pid, token: randomUUID(), what }, ttlMs);
  }

  static async acquire(storage: LakeStorage, keys: string[], what: string, ttlMs = LEASE_TTL_MS): Promise<OwnerLeases> {
    const leases = OwnerLeases.start(storage, what, ttlMs);
    try {
      await leases.claim(keys);
    } catch (error) {
      await leases.release();
      throw error;
    }
    return leases;
  }

  /** Takes every key, or none: on failure (DATA_DIR_LOCKED when a live writer holds one) the keys taken here are given back. */
  async claim(keys: string[]): Promise<void> {
    // All at once (on an object store, one round trip instead of one per key); the first failure in key order is thrown.
    const wanted = keys.filter((key) => !this.held.has(key));
    const claims = await Promise.allSettled(
      wanted.map((key) => acquireOne(this.storage, key, this.record, this.ttlMs)),
    );
    const taken = wanted.filter((_, i) => claims[i]!.status === 'fulfilled');
    for (const key of taken) this.held.add(key);
    const failed = claims.find((claim) => claim.status === 'rejected');
    if (failed) {
      await this.release(taken);
      throw failed.reason;
    }
  }

  /** Fails with LAKE_FENCED when another writer has taken over one of these keys. */
  async verify(keys: Iterable<string> = this.held): Promise<void> {
    // Read at once (on an object store, one round trip instead of one per owner), judged in order.
    const leases = [...keys].map((key) => ({ key, reading: readLease(this.storage, key) }));
    for (const { reading } of leases) reading.catch(() => undefined); // each awaited below
    for (const { key, reading } of leases) {
      const current = await reading;
      if (tokenOf(current) !== this.record.token) {
        const by = current && current !== 'torn' ? ` by ${current.what} on ${current.host} (pid ${current.pid})` : '';
        throw new GamepipeError(
          'LAKE_FENCED',
          `this writer no longer owns ${describeKey(key)}: its lease was taken over${by}`,
          {
            hint: 'it was paused longer than the lease lasts; the batch in hand is discarded',
          },
        );
      }
    }
  }

  private async renew(): Promise<void> {
    const bytes = Buffer.from(JSON.stringify(this.record));
    const swap = compareAndSwapOf(this.storage);
    for (const key of this.held) {
      if (this.lost.has(key)) continue;
      const current = await readLeaseVersioned(this.storage, key);
      if (tokenOf(current?.holder ?? null) !== this.record.token) {
        this.lost.add(key);
      } else if (swap && current?.version !== undefined) {
        if ((await swap.replaceIfVersion(leasePath(key), bytes, current.version)) === null) this.lost.add(key);
      } else {
        await this.storage.replace(leasePath(key), bytes);
      }
    }
  }

  /**
   * An outage is retried at the next tick, silently (the store's own retries already log); a refusal
   * that will not pass (a store that cannot fence a renewal) is said once, or the lease would go
   * stale with no word of why.
   */
  private renewalFailed(error: unknown): void {
    if (this.refusalSaid || (isGamepipeError(error) && error.retriable)) return;
    this.refusalSaid = true;
    logger.warn(`${this.record.what} cannot renew its lease: ${(error as Error).message}`);
  }

  /** Gives back these keys (all when none are named); after releasing all, renewals stop. */
  async release(keys: Iterable<string> = [...this.held]): Promise<void> {
    for (const key of [...keys]) {
      this.held.delete(key);
      this.lost.delete(key);
      const current = await readLease(this.storage, key).catch(() => null);
      if (tokenOf(current) === this.record.token) await this.storage.delete(leasePath(key)).catch(() => false);
    }
    if (this.held.size === 0) clearInterval(this.timer);
  }
}

/** Who holds each lease now, for `gamepipe status`: key, holder and when it was last renewed. */
export async function listLeases(
  storage: LakeStorage,
): Promise<{ key: string; holder: LeaseRecord | 'torn'; renewedMs: number }[]> {
  const leases = [];
  for (const entry of await storage.list(LOCKS_DIR)) {
    if (entry.isDirectory || !entry.name.endsWith('.lock')) continue;
    const key = entry.name.slice(0, -'.lock'.length);
    const holder = await readLease(storage, key);
    if (holder) leases.push({ key, holder, renewedMs: entry.modifiedMs });
  }
  return leases;
}

/** The lease's holder; `torn` when its file is still being written (or a crash cut it): judged by age only. */
export async function readLease(storage: LakeStorage, key: string): Promise<LeaseRecord | 'torn' | null> {
  const bytes = await storage.read(leasePath(key));
  return bytes === null ? null : parseLease(bytes);
}

function parseLease(bytes: Buffer): LeaseRecord | 'torn' {
  try {
    return JSON.parse(bytes.toString()) as LeaseRecord;
  } catch {
    return 'torn';
  }
}

/** A lease as judged for takeover: its holder, when it was last written, and its version where the store swaps. */
interface LeaseState {
  holder: LeaseRecord | 'torn';
  modifiedMs: number;
  version?: string;
}

/** With a compare-and-swap, one read gives all three; elsewhere a read and a stat. */
async function readLeaseVersioned(storage: LakeStorage, key: string): Promise<LeaseState | null> {
  const swap = compareAndSwapOf(storage);
  if (swap) {
    const file = await swap.readVersioned(leasePath(key));
    return file && { holder: parseLease(file.data), modifiedMs: file.modifiedMs, version: file.version };
  }
  const holder = await readLease(storage, key);
  const entry = await storage.stat(leasePath(key));
  return holder && entry && { holder, modifiedMs: entry.modifiedMs };
}

const tokenOf = (lease: LeaseRecord | 'torn' | null) => (lease === null || lease === 'torn' ? undefined : lease.token);

const CLAIM_ATTEMPTS = 10;

async function acquireOne(storage: LakeStorage, key: string, record: LeaseRecord, ttlMs: number): Promise<void> {
  const bytes = Buffer.from(JSON.stringify(record));
  const swap = compareAndSwapOf(storage);
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    try {
      await storage.create(leasePath(key), bytes);
      return;
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_EXISTS') throw error;
    }
    const current = await readLeaseVersioned(storage, key);
    if (!current) continue; // released meanwhile
    const { holder } = current;
    const expired = Date.now() - current.modifiedMs > ttlMs;
    if (holder === 'torn' && !expired) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // another claimant is writing it right now
      continue;
    }
    const deadHere = holder !== 'torn' && isDeadProcessHere(holder);
    if (holder !== 'torn' && !deadHere && !expired) {
      throw new GamepipeError(
        'DATA_DIR_LOCKED',
        `${holder.what} already owns ${describeKey(key)} in this lake (host ${holder.host}, pid ${holder.pid})`,
        {
          hint: 'stop it first, or wait for its lease to expire',
        },
      );
    }
    if (swap && current.version !== undefined) {
      // Ours only if it still holds what was judged stale; null: another taker was first, read again.
      if ((await swap.replaceIfVersion(leasePath(key), bytes, current.version)) !== null) return;
    } else {
      await takeOverByRename(storage, key);
    }
  }
  throw new GamepipeError('DATA_DIR_LOCKED', `could not take the lease of ${key}: other writers keep claiming it`);
}

/** Moves the stale lease aside (atomic, never overwriting), so that the next `create` can claim the key. */
async function takeOverByRename(storage: LakeStorage, key: string): Promise<void> {
  const aside = `${LOCKS_DIR}/.${key}.${randomUUID()}.stale`;
  try {
    await storage.rename(leasePath(key), aside);
    await storage.delete(aside);
  } catch (error) {
    if (!isGamepipeError(error) || error.code !== 'LAKE_NOT_FOUND') throw error; // another taker was first
  }
}
