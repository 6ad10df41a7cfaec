import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isDeadProcessHere } from '../../util/process-alive.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import { LEASE_TTL_MS } from './owner-lease.js';

export const MEMBERS_DIR = '_members';

interface MemberRecord {
  target: string;
  host: string;
  pid: number;
}

/** A member as another process sees it: alive while it renews its file within the time to live. */
export interface GroupMember extends MemberRecord {
  id: string;
  renewedMs: number;
}

const memberName = (target: string, id: string) => `${target}+${id}.json`;
const MEMBER_NAME = /^(.+?)\+(.+)\.json$/;

/**
 * The writers of one target (`gamepipe stream buy` on several hosts) as a group that splits the
 * log's partitions among its members, coordinated through the lake alone, so it works the same on
 * Kafka and wherever the lake is. Each member renews a file in `_members/` every third of the time
 * to live; the live members, in id order, take the partitions round-robin. Members that see the
 * group differently for a moment may both want a partition: the partition's leases decide, and the
 * loser takes it at a later round. A member that stops without leaving drops out after the time to
 * live (at once when it was a dead process on this host).
 */
export class WriterGroup {
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly storage: LakeStorage,
    readonly target: string,
    readonly id: string,
    private readonly ttlMs: number,
    /** Told of each member found gone, once its file is deleted (to remove what else it left). */
    private readonly onGone: (id: string) => Promise<void>,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), Math.max(1000, ttlMs / 3));
    this.timer.unref();
  }

  static async join(
    storage: LakeStorage,
    target: string,
    onGone: (id: string) => Promise<void>,
    ttlMs = LEASE_TTL_MS,
  ): Promise<WriterGroup> {
    const group = new WriterGroup(
      storage,
      target,
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      ttlMs,
      onGone,
    );
    await group.renew();
    return group;
  }

  /** The live members of this target's group, in id order; the files of members gone are deleted. */
  async members(now = Date.now()): Promise<GroupMember[]> {
    const { live, gone } = await readMembers(this.storage, this.ttlMs, now);
    for (const member of gone) {
      if (await this.storage.delete(member.path).catch(() => false))
        await this.onGone(member.id).catch(() => undefined);
    }
    return live.filter((m) => m.target === this.target);
  }

  /** This member's share of `partitions`: round-robin over the live members in id order. */
  async share(partitions: number[]): Promise<number[]> {
    const ids = (await this.members()).map((m) => m.id);
    if (!ids.includes(this.id)) ids.push(this.id); // its own file may be a moment late on a slow store
    ids.sort();
    const me = ids.indexOf(this.id);
    return [...partitions].sort((a, b) => a - b).filter((_, i) => i % ids.length === me);
  }

  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.storage.delete(`${MEMBERS_DIR}/${memberName(this.target, this.id)}`).catch(() => false);
  }

  private async renew(): Promise<void> {
    const record: MemberRecord = { target: this.target, host: hostname(), pid: process.pid };
    await this.storage.replace(
      `${MEMBERS_DIR}/${memberName(this.target, this.id)}`,
      Buffer.from(JSON.stringify(record)),
    );
  }
}

/** Every live writer of every target, in id order, for `gamepipe status`. */
export async function listMembers(
  storage: LakeStorage,
  ttlMs = LEASE_TTL_MS,
  now = Date.now(),
): Promise<GroupMember[]> {
  return (await readMembers(storage, ttlMs, now)).live;
}

/** The live members, and the files of those gone (not renewed within the time to live, or a dead process on this host). */
async function readMembers(
  storage: LakeStorage,
  ttlMs: number,
  now: number,
): Promise<{ live: GroupMember[]; gone: { path: string; id: string }[] }> {
  const live: GroupMember[] = [];
  const gone: { path: string; id: string }[] = [];
  for (const entry of await storage.list(MEMBERS_DIR)) {
    const match = MEMBER_NAME.exec(entry.name);
    if (!match || entry.isDirectory) continue;
    if (now - entry.modifiedMs > ttlMs) {
      gone.push({ path: entry.path, id: match[2]! });
      continue;
    }
    const bytes = await storage.read(entry.path).catch(() => null);
    let record: MemberRecord;
    try {
      record = JSON.parse(bytes!.toString()) as MemberRecord;
    } catch {
      continue; // being replaced right now: seen at the next round
    }
    if (isDeadProcessHere(record)) gone.push({ path: entry.path, id: match[2]! });
    else live.push({ ...record, id: match[2]!, renewedMs: entry.modifiedMs });
  }
  return { live: live.sort((a, b) => a.id.localeCompare(b.id)), gone };
}
