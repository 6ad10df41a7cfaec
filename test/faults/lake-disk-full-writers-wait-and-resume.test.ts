import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { eventually } from '../helpers/eventually.js';
import { assertLakeEqualsRun, eventuallyLakeEqualsRun, writeCombinedRun } from '../helpers/lake-equals-run.js';
import { tempDir } from '../helpers/temp-dir.js';
import { smallDisk } from '../helpers/tmpfs-mount.js';
import { freePort, loadInBackground, serve, sleep, writers } from './fault-pipeline.js';

it("the lake's disk full: writers stop with one clear line, lose nothing, and resume when space returns", async (t) => {
  const disk = smallDisk(t, '96m', 'lake');
  if (disk === null) return;
  const dataDir = tempDir();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await serve(port, ['--data-dir', dataDir]);
  const lake = { flags: ['--data-dir', dataDir, '--lake', disk.dir] };
  const writer = await writers(lake.flags);
  const load = async (name: string, seed: number) => {
    const runFile = join(dataDir, `${name}.json`);
    const { code, stderr } = await loadInBackground(url, runFile, [
      '--players',
      '4',
      '--player-prefix',
      name,
      '--requests',
      '200',
      '--connections',
      '4',
      '--seed',
      String(seed),
    ]).done;
    assert.equal(code, 0, stderr);
    return runFile;
  };

  const before = await load('before', 1);
  await eventuallyLakeEqualsRun(before, lake);

  const printedBefore = writer.output().length;
  disk.fill(1024 * 1024);
  const during = await load('during', 2);
  const printedSince = () =>
    writer
      .output()
      .slice(printedBefore)
      .split('\n')
      .filter((l) => l !== '');
  const fullLine =
    /^gamepipe stream all: the disk of \S+ is full: [\d.]+ MiB free, a writer needs [\d.]+ MiB \(free some space; writers resume where they stopped\); try \d+ in [\d.]+s$/;
  assert.ok(
    await eventually(() => printedSince().some((l) => fullLine.test(l)), 30_000),
    `the writer said the disk is full: ${writer.output()}`,
  );
  await sleep(1500);
  assert.equal(writer.child.exitCode, null, 'the writer waits, it does not exit');
  const lines = printedSince();
  assert.ok(
    lines.length > 0 && lines.every((l) => fullLine.test(l)),
    `every line the writer printed is that one line: ${lines.join('\n')}`,
  );
  assertLakeEqualsRun(before, lake, { runCoversTheLog: false }); // the log holds `during` too, still waiting for the disk

  disk.release();
  await eventuallyLakeEqualsRun(writeCombinedRun([before, during], join(dataDir, 'run.json')), lake);
  assert.equal(await writer.stop(), 0);
  assert.equal(await server.stop(), 0);
});
