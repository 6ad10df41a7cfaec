import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isDeadProcessHere } from '../../util/process-alive.js';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { LakeStorage } from '../storage/lake-storage.js';

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
 * seconds of the store's). Takeover renames the stale lease away first, so of two takers only one
 * succeeds. Before each commit the writer checks it still holds the leases it commits under (`verify`).
 */
export class OwnerLeases {
  private readonly held = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly storage: LakeStorage,
    private readonly record: LeaseRecord,
    private readonly ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), Math.max(1000, ttlMs / 3));
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
    const taken: string[] = [];
    try {
      for (const key of keys) {
        if (this.held.has(key)) continue;
        await acquireOne(this.storage, key, this.record, this.ttlMs);
        this.held.add(key);
        taken.push(key);
      }
    } catch (error) {
      await this.release(taken);
      throw error;
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
    for (const key of this.held) {
      const current = await readLease(this.storage, key);
      if (tokenOf(current) === this.record.token)
        await this.storage.replace(leasePath(key), Buffer.from(JSON.stringify(this.record)));
    }
  }

  /** Gives back these keys (all when none are named); after releasing all, renewals stop. */
  async release(keys: Iterable<string> = [...this.held]): Promise<void> {
    for (const key of [...keys]) {
      this.held.delete(key);
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
  if (bytes === null) return null;
  try {
    return JSON.parse(bytes.toString()) as LeaseRecord;
  } catch {
    return 'torn';
  }
}

const tokenOf = (lease: LeaseRecord | 'torn' | null) => (lease === null || lease === 'torn' ? undefined : lease.token);

const CLAIM_ATTEMPTS = 10;

async function acquireOne(storage: LakeStorage, key: string, record: LeaseRecord, ttlMs: number): Promise<void> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    try {
      await storage.create(leasePath(key), Buffer.from(JSON.stringify(record)));
      return;
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_EXISTS') throw error;
    }
    const holder = await readLease(storage, key);
    const entry = await storage.stat(leasePath(key));
    if (!holder || !entry) continue; // released meanwhile
    const expired = Date.now() - entry.modifiedMs > ttlMs;
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
    const aside = `${LOCKS_DIR}/.${key}.${randomUUID()}.stale`;
    try {
      await storage.rename(leasePath(key), aside);
      await storage.delete(aside);
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_NOT_FOUND') throw error; // another taker was first
    }
  }
  throw new GamepipeError('DATA_DIR_LOCKED', `could not take the lease of ${key}: other writers keep claiming it`);
}
