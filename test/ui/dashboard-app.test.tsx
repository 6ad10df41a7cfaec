import './force-color.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { renderToString } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { App, layoutFor } from '../../src/ui/dashboard/app.js';
import { colorAllowed } from '../../src/ui/dashboard/tone.js';
import { busySnapshot, linesOf } from './snapshot-fixture.js';

afterEach(cleanup);
const ANSI = /\x1b\[/;
const url = 'http://127.0.0.1:5000';

test('at 80x24 with NO_COLOR: every panel, stacked, shorter than the screen, no escape codes', () => {
  const frame = render(
    <App snapshot={busySnapshot()} serverUrl={url} columns={80} rows={24} color={false} />,
  ).lastFrame()!;
  assert.doesNotMatch(frame, ANSI);
  const lines = linesOf(frame);
  assert.ok(lines.length <= 23, `${lines.length} lines`);
  assert.ok(
    lines.every((l) => l.length <= 80),
    'no line wider than the screen',
  );
  const order = ['gamepipe http', 'Requests', 'Events/s', 'Freshness', 'Writers', 'Lake', 'Top items'].map((head) =>
    lines.findIndex((l) => l.startsWith(head)),
  );
  assert.ok(
    order.every((i) => i >= 0),
    `every panel is there: ${order}`,
  );
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    'stacked in this order',
  );
  assert.ok(
    lines.some((l) => /^ {2}shield +17,000/.test(l)),
    'room for the third item',
  );
});

test('with color allowed, the same frame has colors', () => {
  const frame = render(
    <App snapshot={busySnapshot()} serverUrl={url} columns={80} rows={24} color={true} />,
  ).lastFrame()!;
  assert.match(frame, ANSI);
});

test("at 100x30 (the tmux tests' size) panels stack, with a wider sparkline", () => {
  const lines = linesOf(
    render(<App snapshot={busySnapshot()} serverUrl={url} columns={100} rows={30} color={false} />).lastFrame(),
  );
  assert.ok(lines.every((l) => l.length <= 100));
  assert.ok(lines.length <= 29);
  assert.match(lines.find((l) => l.startsWith('Requests'))!, / {20,}▁▃▆██$/);
  assert.ok(lines.some((l) => /^ {2}events_buy +12 +1\.2 MiB +97,000$/.test(l)));
});

// ink-testing-library's terminal is 100 columns wide whatever the app asks; Ink's renderToString
// takes a width, so the side-by-side layout is checked there.
test('from 120 columns the traffic and the lake sit side by side', () => {
  for (const columns of [120, 160]) {
    const lines = linesOf(
      renderToString(<App snapshot={busySnapshot()} serverUrl={url} columns={columns} rows={30} color={false} />, {
        columns,
      }),
    );
    assert.ok(lines.every((l) => l.length <= columns));
    assert.ok(lines.length <= 29);
    assert.match(lines.find((l) => l.startsWith('Requests'))!, /Requests .* Lake +files +size +rows$/);
    assert.ok(
      lines.some((l) => /^ {2}200 98,000 .* events_buy +12 +1\.2 MiB +97,000$/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^ {2}all +0 +1,201 +1,200 rows, 84 ms +0\.4 s ago +Top items/.test(l)),
      lines.join('\n'),
    );
  }
});

test('a short terminal drops the ranked rows first, then the gaps, and still fits', () => {
  for (const rows of [24, 20, 16]) {
    const lines = linesOf(
      render(<App snapshot={busySnapshot()} serverUrl={url} columns={80} rows={rows} color={false} />).lastFrame(),
    );
    assert.ok(lines.length <= rows - 1, `${lines.length} lines at ${rows} rows`);
  }
  assert.deepEqual(layoutFor(false, 24, { writers: 2, lake: 5, errors: 0 }), { top: 5, gap: true });
  assert.deepEqual(layoutFor(false, 20, { writers: 2, lake: 5, errors: 0 }), { top: 5, gap: false });
  assert.deepEqual(layoutFor(false, 16, { writers: 2, lake: 5, errors: 0 }), { top: 1, gap: false });
});

test('what could not be read is one line at the bottom; the server shows down', () => {
  const s = busySnapshot({ errors: ['server: connect ECONNREFUSED 127.0.0.1:5000'] });
  const lines = linesOf(
    render(
      <App
        snapshot={{ ...s, server: { ...s.server, reachable: false } }}
        serverUrl={url}
        columns={80}
        rows={24}
        color={false}
      />,
    ).lastFrame(),
  );
  assert.match(lines[0]!, /5000 down/);
  assert.equal(lines.at(-1), '! server: connect ECONNREFUSED 127.0.0.1:5000');
  assert.ok(lines.length <= 23);
});

test('before the first snapshot it says what it is reading', () => {
  assert.match(
    render(<App snapshot={null} serverUrl={url} columns={80} rows={24} color={false} />).lastFrame()!,
    /connecting.*\n.*reading the server's metrics/,
  );
});

test('NO_COLOR turns color off when set to anything but empty', () => {
  assert.equal(colorAllowed({}), true);
  assert.equal(colorAllowed({ NO_COLOR: '' }), true);
  assert.equal(colorAllowed({ NO_COLOR: '1' }), false);
});
