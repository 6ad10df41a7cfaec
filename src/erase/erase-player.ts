import { GamepipeError, isGamepipeError } from '../errors.js';
import type { IcebergTableOptions } from '../iceberg/iceberg-table.js';
import { pseudonymOfKey } from '../events/personal-fields.js';
import { allTables, type GamepipeTable } from '../iceberg/write/gamepipe-tables.js';
import type { PartitionLocations } from '../lake/commit/closed-partition-compactor.js';
import { OwnerLeases } from '../lake/commit/owner-lease.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';
import type { ScratchDir } from '../lake/storage/local/scratch-dir.js';
import { allTableSpecs, tableDirs } from '../sql/lake-tables.js';
import type { StateStore } from '../state/state-store.js';
import {
  createEraseLedger,
  deleteEraseLedger,
  type EraseLedger,
  markErased,
  newPseudonym,
  readEraseLedger,
  recordStep,
  reopenErasure,
} from './erase-ledger.js';
import { eraseFromHiveTable, type PartitionErased } from './hive-erase.js';
import { eraseFromIcebergTable, type TableErased } from './iceberg-erase.js';
import { PlayerRows } from './player-rows.js';
import { scrubReplayLedgers } from './scrub-replay-ledgers.js';
import { writerLeaseKeys } from './writer-lease-keys.js';

/** How the lake's tables are kept, and what rewriting them needs. */
export type LakeTables =
  | { format: 'hive'; locations: PartitionLocations; generations: boolean }
  | { format: 'iceberg'; tableOptions: (table: GamepipeTable) => IcebergTableOptions };

export interface EraseDeps {
  storage: LakeStorage;
  state: StateStore;
  scratch: ScratchDir;
  lake: LakeTables;
}

export interface EraseOutcome {
  /** `erased`: done by this run; `already`: an earlier run erased the player and nothing was left; `unknown`: no such player. */
  result: 'erased' | 'already' | 'unknown';
  /** Whether this run deleted the account from the state store. */
  account: boolean;
  /** The player's rows this run pseudonymised in the lake, and where. */
  rows: number;
  partitions: PartitionErased[];
  tables: TableErased[];
  /** Replayed dead letters of the player pseudonymised in the replay ledgers. */
  replays: number;
  /** An earlier erasure, stopped before the end, finished by this run. */
  resumed: boolean;
  erasedAt?: string;
}

const LEASE_WHAT = 'gamepipe erase';
/** Also kept from `deadletters replay`, whose ledgers erase rewrites. */
const REPLAY_LEASE = 'deadletter-replay';

async function takeLeases(deps: EraseDeps): Promise<OwnerLeases> {
  const positioned: string[] = [];
  if (deps.lake.format === 'iceberg') {
    const { IcebergTable } = await import('../iceberg/iceberg-table.js');
    for (const table of allTables()) {
      const iceberg = await IcebergTable.open(deps.lake.tableOptions(table));
      if (iceberg) positioned.push(...Object.keys(await iceberg.positions()));
    }
  }
  const keys = [...(await writerLeaseKeys(deps.storage, positioned)), REPLAY_LEASE];
  try {
    return await OwnerLeases.acquire(deps.storage, keys, LEASE_WHAT);
  } catch (error) {
    if (!isGamepipeError(error) || error.code !== 'DATA_DIR_LOCKED') throw error;
    throw new GamepipeError('DATA_DIR_LOCKED', `${error.message}: nothing was erased`, {
      hint: 'erase rewrites the files the stream writers commit to: stop them (gamepipe stream, up) and run it again',
      cause: error,
    });
  }
}

/** The player's rows in every table, pseudonymised. */
async function eraseFromLake(deps: EraseDeps, rows: PlayerRows, pseudonym: string, outcome: EraseOutcome) {
  const { storage, scratch, lake } = deps;
  if (lake.format === 'hive') {
    const erasure = { storage, rows, scratch, locations: lake.locations, generations: lake.generations, pseudonym };
    for (const spec of allTableSpecs)
      for (const dir of tableDirs(spec)) outcome.partitions.push(...(await eraseFromHiveTable(erasure, spec, dir)));
    outcome.rows += outcome.partitions.reduce((n, p) => n + p.rows, 0);
  } else {
    for (const table of allTables()) {
      const done = await eraseFromIcebergTable({ storage, rows, scratch, pseudonym }, lake.tableOptions(table), table);
      if (done) outcome.tables.push(done);
    }
    outcome.rows += outcome.tables.reduce((n, t) => n + t.rows, 0);
  }
}

/**
 * Erases a player: their account and state from the state store, their rows in every lake table
 * and dead-letter table pseudonymised (see eraseFromHiveTable, eraseFromIcebergTable), their
 * replayed dead letters in the replay ledgers too. Aggregates survive: rows are kept, only the
 * personal fields change, all of the player's to one random pseudonym.
 *
 * Idempotent and resumable: an erase ledger (`_erasures/`, see EraseLedger) is written before
 * anything changes and each step is recorded once done; a rerun finishes a stopped erasure with
 * the same pseudonym. A player already erased is looked for again (a record still in the log then
 * may have landed since): nothing found, nothing changes. Runs with the writers' leases held, so no
 * commit races a rewrite.
 */
export async function erasePlayer(deps: EraseDeps, name: string): Promise<EraseOutcome> {
  const outcome: EraseOutcome = {
    result: 'erased',
    account: false,
    rows: 0,
    partitions: [],
    tables: [],
    replays: 0,
    resumed: false,
  };
  let ledger: EraseLedger | null = await readEraseLedger(deps.storage, name);
  const known = (await deps.state.passwordHash(name)) !== null;
  // No account and never erased: a mistyped name, or a player whose account went another way
  // (simulated players have none). Their rows are looked for; with none, the ledger goes again.
  const unknown = !known && !ledger;
  const leases = await takeLeases(deps);
  const rows = await PlayerRows.open(name);
  try {
    const earlier = ledger?.state === 'done' ? ledger : null;
    outcome.resumed = ledger?.state === 'pending';
    // A player with an account gets the pseudonym their key's id gives (random, destroyed with the
    // key's link to them): their sealed records still in the log land under the same one.
    const keyed = known ? await deps.state.playerKey(name) : null;
    const fresh = keyed ? pseudonymOfKey(keyed.id) : newPseudonym();
    if (!ledger) ledger = await createEraseLedger(deps.storage, name, fresh);
    else if (earlier && known) ledger = await reopenErasure(deps.storage, ledger, fresh);
    const pseudonym = ledger.pseudonym ?? newPseudonym();
    if (known) {
      await deps.state.deleteUser(name);
      outcome.account = true;
    }
    if (ledger.state === 'pending') await recordStep(deps.storage, ledger, 'state', outcome.account ? 1 : 0);
    await leases.verify();
    await eraseFromLake(deps, rows, pseudonym, outcome);
    if (ledger.state === 'pending' || outcome.rows > 0) await recordStep(deps.storage, ledger, 'lake', outcome.rows);
    outcome.replays = await scrubReplayLedgers(deps.storage, name, pseudonym);
    if (ledger.state === 'pending' || outcome.replays > 0)
      await recordStep(deps.storage, ledger, 'replays', outcome.replays);
    const changed =
      outcome.account ||
      outcome.rows > 0 ||
      outcome.replays > 0 ||
      outcome.partitions.length > 0 ||
      outcome.tables.length > 0;
    if (unknown && !changed) {
      await deleteEraseLedger(deps.storage, ledger);
      return { ...outcome, result: 'unknown' };
    }
    if (ledger.state === 'pending') await markErased(deps.storage, ledger);
    outcome.erasedAt = ledger.doneAt;
    if (earlier && !changed) outcome.result = 'already';
    return outcome;
  } finally {
    rows.close();
    await leases.release();
  }
}
