import { it } from 'node:test';
import { tempDir } from '../helpers/temp-dir.js';
import { assertSeedEvents, runSeedWalkthrough } from './seed-walkthrough.js';

it("the seed's curl/ab walkthrough works against gamepipe serve on the embedded default", async () => {
  const cwd = tempDir();
  const { events } = await runSeedWalkthrough(cwd, [], 'user1');
  assertSeedEvents(events, 'user1');
});
