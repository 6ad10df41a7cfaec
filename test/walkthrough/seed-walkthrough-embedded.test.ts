import { it } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { assertSeedEvents, assertSqlMatchesEvents, runSeedWalkthrough } from './seed-walkthrough.js';

it("the seed's whole walkthrough works on the embedded default: curl, ab, events tail, stream, tables, query", async () => {
  const cwd = tempDir();
  const { events } = await runSeedWalkthrough(cwd, [], 'user1');
  assertSeedEvents(events, 'user1');
  assertSqlMatchesEvents(cwd, [], events);
});
