import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import { EventsPanel } from '../../src/ui/dashboard/events-panel.js';
import { FreshnessPanel } from '../../src/ui/dashboard/freshness-panel.js';
import { Header } from '../../src/ui/dashboard/header.js';
import { LakePanel } from '../../src/ui/dashboard/lake-panel.js';
import { RequestsPanel } from '../../src/ui/dashboard/requests-panel.js';
import { TopPanel } from '../../src/ui/dashboard/top-panel.js';
import { WritersPanel } from '../../src/ui/dashboard/writers-panel.js';
import { busySnapshot, linesOf } from './snapshot-fixture.js';

afterEach(cleanup);
const s = busySnapshot();

test('header: the server watched, whether it answers, the keys', () => {
  assert.match(
    render(<Header serverUrl="http://127.0.0.1:5000" reachable={true} width={80} />).lastFrame()!,
    /^gamepipe http:\/\/127\.0\.0\.1:5000 up\s+q quit {2}\/ query$/,
  );
  assert.match(render(<Header serverUrl="http://x:1" reachable={false} width={80} />).lastFrame()!, /x:1 down/);
  assert.match(render(<Header serverUrl="http://x:1" reachable={null} width={80} />).lastFrame()!, /connecting/);
});

test('requests: rate, p50, p99, a sparkline, answers by status and the total', () => {
  const [first, second] = linesOf(
    render(<RequestsPanel server={s.server} history={s.history.requestsPerSecond} width={80} />).lastFrame(),
  );
  assert.match(first!, /^Requests {3}1,234\/s {2}p50 3\.1 ms {2}p99 9\.8 ms {2} *▁▃▆██$/);
  assert.equal(second, '  200 98,000  401 700  503 65  total 98,765');
});

test('requests before any answer say so', () => {
  const frame = render(
    <RequestsPanel server={{ ...s.server, byStatus: [], requestsTotal: 0 }} history={[]} width={80} />,
  ).lastFrame()!;
  assert.match(frame, /no answers yet/);
});

test('events: per type, busiest first, refused appends in the open', () => {
  assert.equal(
    render(<EventsPanel server={s.server} width={80} />).lastFrame(),
    'Events/s   buy_item 1,200  join_guild 3.0  login 0.5',
  );
  assert.match(render(<EventsPanel server={{ ...s.server, appendErrors: 4 }} width={80} />).lastFrame()!, /refused 4$/);
  assert.match(
    render(<EventsPanel server={{ ...s.server, eventsPerSecond: {} }} width={80} />).lastFrame()!,
    /none appended yet/,
  );
});

test('freshness where queries read the log tail: it says queries see rows at once, and that the figures are the landing', () => {
  assert.match(
    render(
      <FreshnessPanel freshnessMs={s.freshnessMs} history={s.history.freshnessP50Ms} width={80} logTail />,
    ).lastFrame()!,
    /^Freshness  queried at once; landed p50 810 ms {2}p95 1\.02 s {2} *▆█▇$/,
  );
  // The left column of a 120-column terminal: the figures still fit whole.
  assert.equal(
    render(
      <FreshnessPanel freshnessMs={s.freshnessMs} history={s.history.freshnessP50Ms} width={59} logTail />,
    ).lastFrame(),
    'Freshness  queried at once; landed p50 810 ms  p95 1.02 s',
  );
  assert.match(
    render(<FreshnessPanel freshnessMs={{ p50: null, p95: null }} history={[]} width={100} logTail />).lastFrame()!,
    /queried at once; landed no batch yet/,
  );
});

test('freshness: p50 and p95 with the trend, or a note before the first batch', () => {
  assert.match(
    render(<FreshnessPanel freshnessMs={s.freshnessMs} history={s.history.freshnessP50Ms} width={80} />).lastFrame()!,
    /^Freshness  p50 810 ms {2}p95 1\.02 s {2} *▆█▇$/,
  );
  assert.match(
    render(<FreshnessPanel freshnessMs={{ p50: null, p95: null }} history={[]} width={80} />).lastFrame()!,
    /no batch measured yet/,
  );
});

test('writers: one row each with lag, rows/s, last batch and last commit, under aligned heads', () => {
  const writers = [
    ...s.writers,
    { ...s.writers[0]!, writer: 'guild', lag: 1500, rowsPerSecond: 2.5, lastBatch: null, lastCommitAgeMs: null },
  ];
  const lines = linesOf(render(<WritersPanel writers={writers} width={80} />).lastFrame());
  assert.equal(lines[0], 'Writers        lag  rows/s  last batch         last commit');
  assert.equal(lines[1], '  all            0   1,201  1,200 rows, 84 ms  0.4 s ago');
  assert.equal(lines[2], '  guild      1,500     2.5  —                  never');
  assert.match(render(<WritersPanel writers={[]} width={80} />).lastFrame()!, /no writer status in the lake yet/);
});

test('lake: files, size and exact rows from SQL, else the bound from file names marked ≤', () => {
  const lines = linesOf(render(<LakePanel lake={s.lake} rows={{ events_buy: 97_000 }} width={60} />).lastFrame());
  assert.equal(lines[0], 'Lake                  files       size          rows');
  assert.equal(lines[1], '  events_buy             12    1.2 MiB        97,000');
  assert.equal(lines[2], '  events_guild            3   12.0 KiB       ≤98,000');
  assert.equal(lines.length, 5);
});

test('top: items and guilds side by side, limited, with the engine and the age of the answer', () => {
  const lines = linesOf(render(<TopPanel leaderboard={s.leaderboard} limit={2} now={s.at} width={60} />).lastFrame());
  assert.match(lines[0]!, /^Top items \(buys\) +Top guilds \(joins\)$/);
  assert.match(lines[1]!, /^ {2}sword +50,000 +red +500$/);
  assert.match(lines[2]!, /^ {2}potion +30,000 +blue +400$/);
  assert.equal(lines[3], '  duckdb 2.0 s ago');
  assert.equal(lines.length, 4, 'the third item is cut by the limit');
  const failed = render(
    <TopPanel
      leaderboard={{ ...s.leaderboard!, error: 'Table events_guild does not exist' }}
      limit={2}
      now={s.at}
      width={60}
    />,
  ).lastFrame()!;
  assert.match(failed, /Table events_guild does not exist/);
  assert.match(
    render(<TopPanel leaderboard={null} limit={5} now={0} width={60} />).lastFrame()!,
    /waiting for the first query/,
  );
  const noGuilds = linesOf(
    render(<TopPanel leaderboard={{ ...s.leaderboard!, topGuilds: [] }} limit={2} now={s.at} width={60} />).lastFrame(),
  );
  assert.match(noGuilds[1]!, /sword +50,000 +none yet$/);
});
