import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isProcessAlive } from '../../util/process-alive.js';
import { GamepipeError, isGamepipeError } from '../../errors.js';
import type { LakeStorage } from '../storage/lake-storage.js';

export interface LeaseRecord {
  host: string;
  pid: number;
  token: string;
  what: string;
}

export const LEASE_TTL_MS = 30_000;

export const leasePath = (owner: string) => `_locks/${owner}.lock`;

/**
 * One writer per owner at a time, across hosts: a lease file per owner in the lake, created only if
 * absent (the store's no-overwrite create decides between two claimants) and renewed every third of
 * its time to live. A lease is taken over when its holder is a dead process on this host, or when it
 * has not been renewed for the time to live (hosts' clocks are assumed within seconds of the
 * store's). Takeover renames the stale lease away first, so of two takers only one succeeds.
 * Before each commit the writer checks it still holds its leases (`verify`).
 */
export class OwnerLeases {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly storage: LakeStorage,
    private readonly owners: string[],
    private readonly record: LeaseRecord,
    private readonly ttlMs: number,
  ) {}

  static async acquire(storage: LakeStorage, owners: string[], what: string, ttlMs = LEASE_TTL_MS): Promise<OwnerLeases> {
    const record: LeaseRecord = { host: hostname(), pid: process.pid, token: randomUUID(), what };
    const held: string[] = [];
    const leases = new OwnerLeases(storage, held, record, ttlMs);
    try {
      for (const owner of owners) {
        await acquireOne(storage, owner, record, ttlMs);
        held.push(owner);
      }
    } catch (error) {
      await leases.release();
      throw error;
    }
    leases.timer = setInterval(() => void leases.renew().catch(() => undefined), Math.max(1000, leases.ttlMs / 3));
    leases.timer.unref();
    return leases;
  }

  /** Fails with LAKE_FENCED when another writer has taken over one of these owners. */
  async verify(): Promise<void> {
    for (const owner of this.owners) {
      const current = await readLease(this.storage, owner);
      if (tokenOf(current) !== this.record.token) {
        const by = current && current !== 'torn' ? ` by ${current.what} on ${current.host} (pid ${current.pid})` : '';
        throw new GamepipeError('LAKE_FENCED', `this writer no longer owns ${owner}: its lease was taken over${by}`, {
          hint: 'it was paused longer than the lease lasts; the batch in hand is discarded',
        });
      }
    }
  }

  private async renew(): Promise<void> {
    for (const owner of this.owners) {
      const current = await readLease(this.storage, owner);
      if (tokenOf(current) === this.record.token) await this.storage.replace(leasePath(owner), Buffer.from(JSON.stringify(this.record)));
    }
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const owner of this.owners.splice(0)) {
      const current = await readLease(this.storage, owner).catch(() => null);
      if (tokenOf(current) === this.record.token) await this.storage.delete(leasePath(owner)).catch(() => false);
    }
  }
}

/** The lease's holder; `torn` when its file is still being written (or a crash cut it): judged by age only. */
export async function readLease(storage: LakeStorage, owner: string): Promise<LeaseRecord | 'torn' | null> {
  const bytes = await storage.read(leasePath(owner));
  if (bytes === null) return null;
  try {
    return JSON.parse(bytes.toString()) as LeaseRecord;
  } catch {
    return 'torn';
  }
}

const tokenOf = (lease: LeaseRecord | 'torn' | null) => (lease === null || lease === 'torn' ? undefined : lease.token);

const CLAIM_ATTEMPTS = 10;

async function acquireOne(storage: LakeStorage, owner: string, record: LeaseRecord, ttlMs: number): Promise<void> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    try {
      await storage.create(leasePath(owner), Buffer.from(JSON.stringify(record)));
      return;
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_EXISTS') throw error;
    }
    const holder = await readLease(storage, owner);
    const entry = await storage.stat(leasePath(owner));
    if (!holder || !entry) continue; // released meanwhile
    const expired = Date.now() - entry.modifiedMs > ttlMs;
    if (holder === 'torn' && !expired) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // another claimant is writing it right now
      continue;
    }
    const deadHere = holder !== 'torn' && holder.host === record.host && holder.pid !== process.pid && !isProcessAlive(holder.pid);
    if (holder !== 'torn' && !deadHere && !expired) {
      throw new GamepipeError('DATA_DIR_LOCKED', `${holder.what} already owns ${owner} in this lake (host ${holder.host}, pid ${holder.pid})`, {
        hint: 'stop it first, or wait for its lease to expire',
      });
    }
    const aside = `_locks/.${owner}.${randomUUID()}.stale`;
    try {
      await storage.rename(leasePath(owner), aside);
      await storage.delete(aside);
    } catch (error) {
      if (!isGamepipeError(error) || error.code !== 'LAKE_NOT_FOUND') throw error; // another taker was first
    }
  }
  throw new GamepipeError('DATA_DIR_LOCKED', `could not take the lease of ${owner}: other writers keep claiming it`);
}
