import { GamepipeError } from '../errors.js';
import type { IcebergCatalog, TableIdent } from './iceberg-catalog.js';

const key = (ident: TableIdent) => `${ident.database}.${ident.table}`;

/**
 * Pointers in memory: the test fake for the commit protocol. `beforeCommit` lets a test act just
 * before a swap (another writer committing first), `failNextCommit` makes a swap's outcome unknown.
 */
export class MemoryIcebergCatalog implements IcebergCatalog {
  private readonly pointers = new Map<string, string>();
  /** Runs once before the next commit's compare-and-swap, then is cleared. */
  beforeCommit: (() => Promise<void>) | undefined;
  private inDoubt: 'applied' | 'lost' | undefined;
  /** Every successful swap, as `database.table <- location`. */
  readonly commits: string[] = [];

  async currentLocation(ident: TableIdent): Promise<string | undefined> {
    return this.pointers.get(key(ident));
  }

  async create(ident: TableIdent, location: string): Promise<boolean> {
    if (this.pointers.has(key(ident))) return false;
    this.pointers.set(key(ident), location);
    return true;
  }

  /** The next commit fails with ICEBERG_COMMIT_IN_DOUBT, after swapping (`applied`) or not (`lost`). */
  failNextCommit(outcome: 'applied' | 'lost'): void {
    this.inDoubt = outcome;
  }

  async commit(ident: TableIdent, expected: string, location: string): Promise<void> {
    const hook = this.beforeCommit;
    this.beforeCommit = undefined;
    await hook?.();
    const current = this.pointers.get(key(ident));
    if (current !== expected) {
      throw new GamepipeError('ICEBERG_COMMIT_CONFLICT', `${key(ident)} was committed by another writer first`);
    }
    const doubt = this.inDoubt;
    this.inDoubt = undefined;
    if (doubt !== 'lost') {
      this.pointers.set(key(ident), location);
      this.commits.push(`${key(ident)} <- ${location}`);
    }
    if (doubt) throw new GamepipeError('ICEBERG_COMMIT_IN_DOUBT', `injected: no answer to the commit of ${key(ident)}`);
  }

  async close(): Promise<void> {}
}
