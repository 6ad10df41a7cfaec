import type { ReplayLedger } from './replay-ledger.js';

interface Replay {
  eventId: string;
  ledger: string;
}

/**
 * What `gamepipe verify` needs of the replay ledgers: which dead letters were replayed, under which
 * event id, and whether each replayed record was seen in the log. A dead letter replayed is accounted
 * for; the log holding its event id twice (the refused record, then its replay) is no duplicate; a
 * replay whose record is not in the log is lost.
 */
export class ReplayIndex {
  private readonly byDeadLetter = new Map<string, Replay>();
  private readonly seen = new Set<string>();

  constructor(private readonly ledgers: readonly ReplayLedger[] = []) {
    for (const ledger of ledgers)
      for (const item of ledger.items)
        this.byDeadLetter.set(item.deadLetter, { eventId: item.eventId, ledger: ledger.id });
  }

  /** The replay of the dead letter at `partition:offset`, if any. */
  replayOf(deadLetter: string): Replay | undefined {
    return this.byDeadLetter.get(deadLetter);
  }

  /** Whether the record at `first` (a dead letter) and a later one sharing `eventId` are a dead letter and its replay. */
  isReplay(first: string, eventId: string): boolean {
    return this.byDeadLetter.get(first)?.eventId === eventId;
  }

  /** Records that an event id was read in the log. */
  saw(eventId: string): void {
    if (this.byDeadLetter.size > 0) this.seen.add(eventId);
  }

  /**
   * Replayed records not seen in the log, per ledger, among ledgers whose log end the log still
   * retains in every partition (`firstOffsets`: the first offset read per partition).
   */
  unseen(firstOffsets: ReadonlyMap<number, number>): { ledger: ReplayLedger; missing: string[] }[] {
    const retained = (l: ReplayLedger) =>
      Object.entries(l.logEndBefore).every(([p, end]) => (firstOffsets.get(Number(p)) ?? 0) <= end);
    return this.ledgers
      .filter(retained)
      .map((ledger) => ({
        ledger,
        missing: ledger.items.filter((i) => !this.seen.has(i.eventId)).map((i) => i.deadLetter),
      }))
      .filter((u) => u.missing.length > 0);
  }
}
