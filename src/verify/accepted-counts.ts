import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { GamepipeError } from '../errors.js';
import { plural } from './finding-groups.js';
import type { Finding, TypeTally } from './verify-report.js';

/** What the server accepted, per event type, and how far that can be trusted. */
export interface AcceptedCounts {
  /** `run.json`, or the `/metrics` URL. */
  from: string;
  events: Record<string, number>;
  /** Requests whose answer never came (unanswered, cut off, refused mid-way): the server may have accepted up to this many events more. */
  unanswered: number;
  /** Counted since the server started (its metrics), not over the run or the window. */
  sinceServerStart: boolean;
}

/** The `accepted` totals of a `gamepipe load --out run.json` summary. */
export function readRunSummary(path: string): AcceptedCounts {
  let summary: { accepted?: { events?: unknown }; unanswered?: unknown; errors?: unknown };
  try {
    summary = JSON.parse(readFileSync(path, 'utf8')) as typeof summary;
  } catch (error) {
    throw new GamepipeError(
      'BAD_REQUEST',
      `--against ${path}: not a readable JSON file (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const events = summary?.accepted?.events;
  const valid =
    typeof events === 'object' &&
    events !== null &&
    Object.values(events).every((n) => Number.isInteger(n) && (n as number) >= 0);
  if (!valid)
    throw new GamepipeError(
      'BAD_REQUEST',
      `--against ${path}: not a gamepipe load summary (no accepted.events counts)`,
      { hint: 'write one with gamepipe load --out run.json' },
    );
  return {
    from: path,
    events: events as Record<string, number>,
    unanswered: (Number(summary.unanswered) || 0) + (Number(summary.errors) || 0),
    sinceServerStart: false,
  };
}

/** The body of a 200 answer, or null; the connection is closed after it (a kept-alive one would hold the process for seconds). */
function getText(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false, timeout: 3000 }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return resolve(null);
      }
      let body = '';
      response
        .setEncoding('utf8')
        .on('data', (chunk: string) => (body += chunk))
        .on('end', () => resolve(body))
        .on('error', () => resolve(null));
    });
    request.on('timeout', () => request.destroy()).on('error', () => resolve(null));
  });
}

/** The events the server at `url` appended since it started, from its `/metrics`; null when it does not answer. */
export async function fetchServerAccepted(url: string): Promise<AcceptedCounts | null> {
  const text = await getText(url);
  if (text === null) return null;
  const { serverFiguresFrom } = await import('../metrics/server-figures.js');
  return { from: url, events: serverFiguresFrom(text).eventsAppended, unanswered: 0, sinceServerStart: true };
}

/**
 * Sets each tally's accepted count and compares it with the log. A load run must equal the log,
 * except for events of requests whose answer never came; a server's metrics count since it started,
 * so the log may hold more (earlier runs), never fewer.
 */
export function acceptedFindings(
  tallies: Map<string, TypeTally>,
  accepted: AcceptedCounts,
  windowed: boolean,
): Finding[] {
  for (const type of Object.keys(accepted.events))
    if (!tallies.has(type))
      tallies.set(type, { eventType: type, accepted: null, log: 0, committed: 0, lake: 0, pending: 0, deadLetters: 0 });
  for (const tally of tallies.values()) tally.accepted = accepted.events[tally.eventType] ?? 0;
  if (accepted.sinceServerStart && windowed)
    return [
      {
        kind: 'note',
        where: accepted.from,
        what: 'the server counts since it started, not per window: not compared with the log',
      },
    ];
  const findings: Finding[] = [];
  let extra = 0;
  for (const tally of tallies.values()) {
    const missing = tally.accepted! - tally.log;
    if (missing > 0)
      findings.push({
        kind: 'accepted',
        where: `${tally.eventType} events`,
        what: `${accepted.from} says the server accepted ${tally.accepted}; the log holds ${tally.log}: ${plural(missing, 'accepted event')} not in the log`,
      });
    else if (!accepted.sinceServerStart) extra -= missing;
  }
  if (extra > accepted.unanswered) {
    findings.push({
      kind: 'accepted',
      where: 'the event log',
      what: `${plural(extra, 'event')} more than ${accepted.from} accepted${accepted.unanswered ? ` (${accepted.unanswered} requests got no answer)` : ''}: events of another run (narrow with --since/--until) or appended twice`,
    });
  } else if (extra > 0) {
    findings.push({
      kind: 'note',
      where: 'the event log',
      what: `${plural(extra, 'event')} more than ${accepted.from} counted, within its ${accepted.unanswered} requests that got no answer (accepted, the answer lost)`,
    });
  }
  return findings;
}
