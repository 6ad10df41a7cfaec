// Redraws are what this file tests: Ink must not hold them back where CI is set (see the module).
import '../../src/ui/dashboard/draw-live-frames.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { PipelineSnapshot } from '../../src/metrics/pipeline-snapshot.js';
import { DashboardRoot, type DashboardAction, type SnapshotSource } from '../../src/ui/dashboard/dashboard-root.js';
import { busySnapshot } from './snapshot-fixture.js';

afterEach(cleanup);
const tick = () => new Promise((r) => setTimeout(r, 50));

function fakeSource(): SnapshotSource & { publish(s: PipelineSnapshot): void; listeners: number } {
  const listeners = new Set<(s: PipelineSnapshot) => void>();
  let latest: PipelineSnapshot | null = null;
  return {
    latest: () => latest,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    publish: (s) => {
      latest = s;
      for (const l of listeners) l(s);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

test('redraws with each snapshot the source publishes', async () => {
  const source = fakeSource();
  const { lastFrame } = render(
    <DashboardRoot
      source={source}
      serverUrl="http://h:1"
      color={false}
      onAction={() => undefined}
      size={{ columns: 80, rows: 24 }}
    />,
  );
  assert.match(lastFrame()!, /reading the server's metrics/);
  source.publish(busySnapshot());
  await tick();
  assert.match(lastFrame()!, /Requests {3}1,234\/s/);
  const s = busySnapshot();
  source.publish({ ...s, server: { ...s.server, requestsPerSecond: 77 } });
  await tick();
  assert.match(lastFrame()!, /Requests {3}77\/s/);
});

test('q quits, / asks for the query shell, Ctrl-C interrupts; other keys do nothing', async () => {
  const actions: DashboardAction[] = [];
  const source = fakeSource();
  const { stdin, unmount } = render(
    <DashboardRoot
      source={source}
      serverUrl="http://h:1"
      color={false}
      onAction={(a) => actions.push(a)}
      size={{ columns: 80, rows: 24 }}
    />,
  );
  await tick();
  for (const key of ['x', 'q', '/', '\x03']) {
    stdin.write(key);
    await tick();
  }
  assert.deepEqual(actions, ['quit', 'query', 'interrupt']);
  assert.equal(source.listeners, 1);
  unmount();
  assert.equal(source.listeners, 0, 'unsubscribed on unmount');
});
