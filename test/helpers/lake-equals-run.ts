import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadSummary } from '../../src/load/load-summary.js';
import { gamepipe } from './cli.js';
import { eventually } from './eventually.js';
import { asCounts, queryRows } from './query-rows.js';

/** Where the lake is: the flags (`--data-dir`, `--lake`…) and working directory `gamepipe query` needs. */
export interface LakePlace {
  flags: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** What a run.json says the server accepted, and how many requests never got an answer. */
export type RunTotals = Pick<LoadSummary, 'accepted' | 'unanswered'>;

export interface LakeTotals {
  /** Rows per event type, over every event table. */
  events: Record<string, number>;
  items: Record<string, number>;
  /** Rows whose event_id another row has too. */
  duplicates: number;
  deadLetters: number;
}

/** `default` events have no table (as in the seed): the lake holds every other accepted event. */
const landed = (events: Record<string, number>) =>
  Object.fromEntries(Object.entries(events).filter(([type]) => type !== 'default'));
const total = (counts: Record<string, number>) => Object.values(counts).reduce((n, v) => n + v, 0);

export const readRun = (path: string): LoadSummary => JSON.parse(readFileSync(path, 'utf8')) as LoadSummary;

/** Several load runs against one pipeline as one run.json (what `gamepipe verify --against` reads). */
export function writeCombinedRun(paths: string[], out: string): string {
  const combined: RunTotals = { accepted: { events: {}, items: {}, itemQualities: {}, guilds: {} }, unanswered: 0 };
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (const run of paths.map(readRun)) {
    add(combined.accepted.events, run.accepted.events);
    add(combined.accepted.items, run.accepted.items);
    add(combined.accepted.guilds, run.accepted.guilds);
    for (const [item, qualities] of Object.entries(run.accepted.itemQualities))
      add((combined.accepted.itemQualities[item] ??= {}), qualities);
    combined.unanswered += run.unanswered;
  }
  writeFileSync(out, `${JSON.stringify(combined, null, 2)}\n`);
  return out;
}

/** The lake's counts through `gamepipe query --no-log-tail`: its files alone, what the writers landed (declaring the tables first, as a user would). */
export function lakeTotals(place: LakePlace): LakeTotals {
  const created = gamepipe(['tables', 'create', 'all', ...place.flags], { cwd: place.cwd, env: place.env });
  assert.equal(created.status, 0, `gamepipe tables create failed: ${created.stderr}`);
  const all =
    'select event_type, event_id from events_buy union all select event_type, event_id from events_guild union all select event_type, event_id from events_user';
  const rows = queryRows(
    `select 'event', event_type, count(*) from (${all}) group by 2
     union all select 'item', item_type, count(*) from events_buy group by 2
     union all select 'duplicates', '', count(*) - count(distinct event_id) from (${all})
     union all select 'dead', '', count(*) from events_dead_letter`,
    { ...place, flags: [...place.flags, '--no-log-tail'] },
  );
  const of = (kind: string) => asCounts(rows.filter(([k]) => k === kind).map(([, key, n]) => [key!, n!]));
  return { events: of('event'), items: of('item'), duplicates: of('duplicates')['']!, deadLetters: of('dead')['']! };
}

/**
 * THE end check of every fault case: `gamepipe verify --against` the run is clean (when the run
 * covers everything the log holds), and the lake holds what the run says the server accepted, once each. With no unanswered request the counts per event type and per item are equal; a request
 * cut off by a fault (the server killed mid-answer) may have landed, so the lake may hold at most
 * that many more, never fewer. Returns the lake's totals.
 */
export function assertLakeEqualsRun(runFile: string, place: LakePlace, { runCoversTheLog = true } = {}): LakeTotals {
  const run = readRun(runFile);
  const lake = lakeTotals(place);
  if (runCoversTheLog) {
    const verified = gamepipe(['verify', '--against', runFile, ...place.flags], { cwd: place.cwd, env: place.env });
    assert.equal(
      verified.status,
      0,
      `gamepipe verify --against ${runFile} found discrepancies:\n${verified.stdout}${verified.stderr}`,
    );
  }
  assert.equal(lake.duplicates, 0, 'no event_id is in the lake twice');
  assert.equal(lake.deadLetters, 0, 'no event went to the dead letters');
  const expected = { events: landed(run.accepted.events), items: run.accepted.items };
  assert.ok(total(expected.events) > 0, `${runFile} says nothing was accepted: the check would prove nothing`);
  if (run.unanswered === 0) {
    assert.deepEqual(
      { events: lake.events, items: lake.items },
      expected,
      'the lake holds exactly what the server accepted',
    );
    return lake;
  }
  for (const kind of ['events', 'items'] as const) {
    for (const key of new Set([...Object.keys(expected[kind]), ...Object.keys(lake[kind])])) {
      const accepted = expected[kind][key] ?? 0;
      const held = lake[kind][key] ?? 0;
      assert.ok(
        held >= accepted,
        `${kind} ${key}: the server accepted ${accepted} but the lake holds ${held} (a 2xx without its event)`,
      );
      assert.ok(
        held <= accepted + run.unanswered,
        `${kind} ${key}: the lake holds ${held}, more than ${accepted} accepted + ${run.unanswered} unanswered`,
      );
    }
  }
  assert.ok(
    total(lake.events) - total(expected.events) <= run.unanswered,
    'the surplus is no more than the unanswered requests',
  );
  return lake;
}

/** Waits (while writers run) until the lake holds at least what the run accepted, then checks it. */
export async function eventuallyLakeEqualsRun(
  runFile: string,
  place: LakePlace,
  timeoutMs = 60_000,
): Promise<LakeTotals> {
  const wanted = total(landed(readRun(runFile).accepted.events));
  await eventually(() => total(lakeTotals(place).events) >= wanted, timeoutMs, 1000);
  return assertLakeEqualsRun(runFile, place);
}
