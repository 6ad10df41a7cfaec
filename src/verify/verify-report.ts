import { EXIT } from '../exit-codes.js';
/** The kinds of trouble `gamepipe verify` looks for, each named where it was found. */
export type FindingKind =
  | 'missing' // a committed log record in no lake file (a gap)
  | 'duplicate' // the same event in the lake more than once
  | 'misplaced' // a row in a table, date or file that its log record does not route to
  | 'overlap' // two visible files of one directory and log partition share offsets
  | 'row-count' // a file's rows disagree with its name's offset range, or its footer cannot be read
  | 'orphan-temp' // a staged file under _tmp/ that no live writer will commit
  | 'stale-intent' // a commit intent under _wal/ that no live writer is finishing
  | 'dead-letter' // a record refused by a writer, kept in events_dead_letter
  | 'replayed' // a dead letter replayed through a fix (gamepipe deadletters replay): accounted for, not a discrepancy
  | 'catalog' // a table or partition that the catalog or metastore and the files disagree on
  | 'accepted' // the server accepted a different number of events than the log holds
  | 'note'; // worth knowing, not a discrepancy

export interface Finding {
  kind: FindingKind;
  /** Where to look: a lake path, `partition:offset` range, a table, an event id. */
  where: string;
  what: string;
}

/** Per event type, in the time window: how many at each stage. */
export interface TypeTally {
  eventType: string;
  /** What the server accepted (its metrics or a load run); null when unknown. */
  accepted: number | null;
  /** Records in the log. */
  log: number;
  /** Records below their writer's committed position: each must be in the lake exactly once. */
  committed: number;
  /** Rows found in the lake for those records (a duplicate counts twice, a missing one not at all). */
  lake: number;
  /** Records beyond their writer's committed position (not yet written). */
  pending: number;
  deadLetters: number;
}

export interface VerifyReport {
  lake: string;
  log: string;
  window: { since: string | null; until: string | null };
  /** Where the accepted counts come from: `run.json`, a `/metrics` URL, or null. */
  acceptedFrom: string | null;
  /** Per owner (buy, guild, user, unrouted), the committed position per log partition. */
  positions: Record<string, Record<string, number>>;
  tallies: TypeTally[];
  files: number;
  findings: Finding[];
  elapsedMs: number;
}

export const isDiscrepancy = (finding: Finding): boolean => finding.kind !== 'note' && finding.kind !== 'replayed';

export const discrepancies = (report: VerifyReport): Finding[] => report.findings.filter(isDiscrepancy);

/** Exit status of verify when the pipeline does not reconcile, and of trace when an event stopped on its way: distinct from 1, the command could not run. */
export const DISCREPANCY_EXIT = EXIT.discrepancy;
