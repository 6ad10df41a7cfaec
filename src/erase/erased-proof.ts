import { readFileSync } from 'node:fs';
import type { LogRecord } from '../eventlog/event-log.js';
import { deadLetterSpec } from '../events/tables.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import { allTableSpecs } from '../sql/lake-tables.js';
import type { StateStore } from '../state/state-store.js';
import { readLedgers } from '../deadletters/replay-ledger.js';
import { readEraseLedger } from './erase-ledger.js';
import { parquetFilesUnder } from './parquet-files-under.js';
import { PlayerRows } from './player-rows.js';
import { isPlayersItem } from './scrub-replay-ledgers.js';

export interface ErasedProofDeps {
  storage: LakeStorage;
  state: StateStore;
  scratch: ScratchDir;
  /** Local files the state store keeps on this host (the embedded store's journal and snapshot); none for Redis. */
  stateFiles: string[];
  /** Every record the log retains; absent when the log cannot be read from here. */
  scanLog?: () => AsyncIterable<LogRecord[]>;
  /** What the log's retention is, for the finding that names records still in it. */
  logRetention: string;
}

export interface ErasedFinding {
  where: string;
  what: string;
}

export interface ErasedProof {
  player: string;
  /** When the erasure was done, from its ledger; null when none was recorded. */
  erasedAt: string | null;
  /** The places looked at. */
  checked: string[];
  findings: ErasedFinding[];
  certified: boolean;
}

/** A log record is the player's when keyed by the name or carrying it as `username` (a record that is not JSON: containing it). */
function isPlayersRecord(record: LogRecord, name: string): boolean {
  if (record.key === name) return true;
  if (!record.value.includes(name)) return false;
  try {
    return (JSON.parse(record.value) as { username?: unknown }).username === name;
  } catch {
    return true;
  }
}

const specOfPath = (path: string) =>
  path.startsWith(`${deadLetterSpec.table}/`)
    ? deadLetterSpec
    : allTableSpecs.find((s) => path.startsWith(`${s.table}/`));

/** The player's rows in every Parquet file of the lake, hidden ones included: one finding per file holding some. */
async function lakeFindings(deps: ErasedProofDeps, rows: PlayerRows): Promise<ErasedFinding[]> {
  const findings: ErasedFinding[] = [];
  for (const path of await parquetFilesUnder(deps.storage, '')) {
    let copy: { path: string; release(): void } | undefined;
    try {
      copy = await deps.scratch.localCopy(deps.storage, path);
      const spec = specOfPath(path);
      const count = spec ? await rows.count(spec, copy.path) : await rows.countAny(copy.path);
      if (count > 0) findings.push({ where: path, what: `${count} rows of the player` });
    } catch (error) {
      // Gone since it was listed (a writer's staged file committed meanwhile) is no finding; unreadable is.
      if ((await deps.storage.stat(path)) !== null)
        findings.push({ where: path, what: `could not be read to check: ${(error as Error).message}` });
    } finally {
      copy?.release();
    }
  }
  return findings;
}

/** The log's records of the player, as one finding: the log is not rewritten, its retention drops them. */
async function logFindings(deps: ErasedProofDeps, name: string): Promise<ErasedFinding[]> {
  if (!deps.scanLog) return [];
  let count = 0;
  let oldest = Infinity;
  let first = '';
  for await (const records of deps.scanLog()) {
    for (const r of records) {
      if (!isPlayersRecord(r, name)) continue;
      if (count === 0) first = `${r.partition}:${r.offset}`;
      count++;
      oldest = Math.min(oldest, r.timestamp);
    }
  }
  if (count === 0) return [];
  return [
    {
      where: `the event log (first at ${first})`,
      what: `${count} records of the player still readable, the oldest taken at ${new Date(oldest).toISOString()}: the log is not rewritten, they go when its retention drops them (${deps.logRetention})`,
    },
  ];
}

/**
 * Looks for anything of the player gamepipe wrote and can still be read: the account in the
 * state store (and its name in the embedded store's files), rows in every Parquet file of the lake
 * (tables, dead letters, older generations, merged-away and staged files), the dead-letter replay
 * ledgers, and the records the log retains. Certified only when none is found.
 */
export async function proveErased(deps: ErasedProofDeps, name: string): Promise<ErasedProof> {
  const findings: ErasedFinding[] = [];
  const checked = ['state store', 'lake files', 'replay ledgers'];
  if ((await deps.state.passwordHash(name)) !== null)
    findings.push({ where: 'state store', what: 'the account is still there' });
  const quoted = JSON.stringify(name);
  for (const file of deps.stateFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (text.includes(quoted)) findings.push({ where: file, what: "the state store's file still names the player" });
  }
  const rows = await PlayerRows.open(name);
  try {
    findings.push(...(await lakeFindings(deps, rows)));
  } finally {
    rows.close();
  }
  for (const ledger of await readLedgers(deps.storage)) {
    const items = ledger.items.filter((i) => isPlayersItem(i, name)).length;
    if (items > 0)
      findings.push({ where: `_replays/${ledger.id}.json`, what: `${items} replayed records of the player` });
  }
  if (deps.scanLog) checked.push('event log');
  findings.push(...(await logFindings(deps, name)));
  const ledger = await readEraseLedger(deps.storage, name);
  return { player: name, erasedAt: ledger?.doneAt ?? null, checked, findings, certified: findings.length === 0 };
}

/** The proof as lines for a terminal. */
export function formatErasedProof(proof: ErasedProof): string {
  const erased = proof.erasedAt ? `erased at ${proof.erasedAt}` : 'no erasure recorded';
  if (proof.certified)
    return `Certified: nothing of ${proof.player} is readable in ${proof.checked.join(', ')} (${erased}).\n`;
  const lines = proof.findings.map((f) => `  ${f.where}: ${f.what}`);
  const places = proof.findings.length === 1 ? '1 place still holds' : `${proof.findings.length} places still hold`;
  return `Not certified: ${places} ${proof.player} (${erased}):\n${lines.join('\n')}\n`;
}
