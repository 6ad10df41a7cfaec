/** One change to the embedded state, as written to its journal (one JSON object a line). */
export type JournalOp =
  | { o: 'user'; u: string; h: string }
  | { o: 'deluser'; u: string }
  | { o: 'key'; u: string; i: string; k: string }
  | { o: 'open'; u: string; t: string; e: number }
  | { o: 'close'; t: string }
  | { o: 'touch'; t: string; e: number }
  | { o: 'items'; u: string; k: string; q: number }
  | { o: 'guild'; u: string; g: string | null };

export interface Account {
  passwordHash: string;
  guild: string | null;
  /** Count per `itemType|quality`. */
  items: Map<string, number>;
  /** Count per item type, all qualities. */
  typeCounts: Map<string, number>;
  total: number;
  session: string | null;
  /** The player's key for sealed log fields (base64), once asked for. */
  key?: { id: string; key: string };
}

export interface LiveSession {
  username: string;
  expiresAt: number;
}

export const itemField = (itemType: string, quality: string): string => `${itemType}|${quality}`;

/** The in-memory state the journal rebuilds; `apply` is the only thing that changes it. */
export class StateImage {
  readonly accounts = new Map<string, Account>();
  readonly sessions = new Map<string, LiveSession>();
  /** Player keys by id: who holds each. */
  readonly keyOwners = new Map<string, string>();

  apply(op: JournalOp): void {
    switch (op.o) {
      case 'user':
        this.accounts.set(op.u, {
          passwordHash: op.h,
          guild: null,
          items: new Map(),
          typeCounts: new Map(),
          total: 0,
          session: null,
        });
        return;
      case 'key': {
        const account = this.accounts.get(op.u);
        if (!account || account.key) return;
        account.key = { id: op.i, key: op.k };
        this.keyOwners.set(op.i, op.u);
        return;
      }
      case 'deluser': {
        const account = this.accounts.get(op.u);
        if (account?.session) this.sessions.delete(account.session);
        if (account?.key) this.keyOwners.delete(account.key.id);
        this.accounts.delete(op.u);
        return;
      }
      case 'open': {
        const account = this.accounts.get(op.u);
        if (!account) return;
        if (account.session) this.sessions.delete(account.session);
        account.session = op.t;
        this.sessions.set(op.t, { username: op.u, expiresAt: op.e });
        return;
      }
      case 'close': {
        const session = this.sessions.get(op.t);
        if (!session) return;
        this.sessions.delete(op.t);
        const account = this.accounts.get(session.username);
        if (account?.session === op.t) account.session = null;
        return;
      }
      case 'touch': {
        const session = this.sessions.get(op.t);
        if (session) session.expiresAt = op.e;
        return;
      }
      case 'items': {
        const account = this.accounts.get(op.u);
        if (!account) return;
        const itemType = op.k.slice(0, op.k.indexOf('|'));
        account.items.set(op.k, (account.items.get(op.k) ?? 0) + op.q);
        account.typeCounts.set(itemType, (account.typeCounts.get(itemType) ?? 0) + op.q);
        account.total += op.q;
        return;
      }
      case 'guild': {
        const account = this.accounts.get(op.u);
        if (account) account.guild = op.g;
        return;
      }
    }
  }

  /** The ops that rebuild this image from nothing, leaving out expired sessions. */
  snapshot(now: number): JournalOp[] {
    const ops: JournalOp[] = [];
    for (const [u, account] of this.accounts) {
      ops.push({ o: 'user', u, h: account.passwordHash });
      if (account.key) ops.push({ o: 'key', u, i: account.key.id, k: account.key.key });
      for (const [k, q] of account.items) if (q !== 0) ops.push({ o: 'items', u, k, q });
      if (account.guild !== null) ops.push({ o: 'guild', u, g: account.guild });
      const session = account.session ? this.sessions.get(account.session) : undefined;
      if (account.session && session && session.expiresAt > now)
        ops.push({ o: 'open', u, t: account.session, e: session.expiresAt });
    }
    return ops;
  }
}
