import { createHash, randomBytes } from 'node:crypto';
import { GamepipeError } from '../errors.js';
import type { LakeStorage } from '../lake/storage/lake-storage.js';

/** Where erasures are recorded, beside the lake's other bookkeeping (`_replays/`, `_positions/`). */
export const ERASURES_DIR = '_erasures';

/** The steps of an erasure, in the order they run; each is recorded once done, so a rerun resumes after it. */
export const ERASE_STEPS = ['lake', 'replays', 'state'] as const;
export type EraseStep = (typeof ERASE_STEPS)[number];

/**
 * One erasure, written before anything changes. It never holds the player's name: its file is
 * named by a hash of the name (so a second erase finds it and says so), and the pseudonym the
 * rows were given is kept only while the erasure is `pending` (a resumed run gives the same one,
 * so count(distinct username) still counts the player once); once `done` the pseudonym is dropped,
 * and nothing in the lake links the pseudonymous rows back to the name.
 */
export interface EraseLedger {
  nameHash: string;
  createdAt: string;
  state: 'pending' | 'done';
  pseudonym?: string;
  steps: EraseStep[];
  /** What each step changed, for the report: e.g. `{ lake: 12 }` rows rewritten. */
  counts: Record<string, number>;
  doneAt?: string;
}

/** SHA-256 of the name: tells a second erase of the same name that it was done, and cannot be read back to a name without guessing it. */
export const nameHashOf = (name: string): string =>
  createHash('sha256').update(`gamepipe erased player ${name}`).digest('hex');

/** A fresh pseudonym per erasure: random, so nothing derives it from the name. */
export const newPseudonym = (): string => `erased-${randomBytes(8).toString('hex')}`;

const pathOf = (nameHash: string) => `${ERASURES_DIR}/${nameHash}.json`;
const encode = (ledger: EraseLedger) => Buffer.from(`${JSON.stringify(ledger, null, 1)}\n`);

/** The erasure of this name, or null when it was never erased. */
export async function readEraseLedger(storage: LakeStorage, name: string): Promise<EraseLedger | null> {
  const path = pathOf(nameHashOf(name));
  const bytes = await storage.read(path);
  if (bytes === null) return null;
  try {
    const ledger = JSON.parse(bytes.toString('utf8')) as EraseLedger;
    if (Array.isArray(ledger.steps) && (ledger.state === 'pending' || ledger.state === 'done')) return ledger;
  } catch {
    // reported below
  }
  throw new GamepipeError('LAKE_ERROR', `${path} is not an erase ledger gamepipe wrote; move it aside to go on`);
}

/** A new pending erasure; LAKE_EXISTS when another run created one first. */
export async function createEraseLedger(
  storage: LakeStorage,
  name: string,
  pseudonym = newPseudonym(),
  now = new Date(),
): Promise<EraseLedger> {
  const ledger: EraseLedger = {
    nameHash: nameHashOf(name),
    createdAt: now.toISOString(),
    state: 'pending',
    pseudonym,
    steps: [],
    counts: {},
  };
  await storage.create(pathOf(ledger.nameHash), encode(ledger));
  return ledger;
}

/** Records a step done (atomic replace): a rerun skips it. */
export async function recordStep(storage: LakeStorage, ledger: EraseLedger, step: EraseStep, count: number) {
  if (!ledger.steps.includes(step)) ledger.steps.push(step);
  ledger.counts[step] = (ledger.counts[step] ?? 0) + count;
  await storage.replace(pathOf(ledger.nameHash), encode(ledger));
}

/** Marks the erasure done and forgets its pseudonym. */
export async function markErased(storage: LakeStorage, ledger: EraseLedger, now = new Date()): Promise<void> {
  delete ledger.pseudonym;
  ledger.state = 'done';
  ledger.doneAt = now.toISOString();
  await storage.replace(pathOf(ledger.nameHash), encode(ledger));
}

/** Reopens a done erasure to pseudonymise rows that landed after it (records still in the log then). */
export async function reopenErasure(
  storage: LakeStorage,
  ledger: EraseLedger,
  pseudonym = newPseudonym(),
): Promise<EraseLedger> {
  const reopened: EraseLedger = { ...ledger, state: 'pending', pseudonym, steps: [] };
  delete reopened.doneAt;
  await storage.replace(pathOf(ledger.nameHash), encode(reopened));
  return reopened;
}

/** Removes the ledger of a run that found nothing to erase (no account, no rows): as if it never ran. */
export const deleteEraseLedger = (storage: LakeStorage, ledger: EraseLedger): Promise<boolean> =>
  storage.delete(pathOf(ledger.nameHash));
