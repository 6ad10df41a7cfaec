import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { printQuery } from '../../src/sql/print/print-query.js';
import { GAMEPIPE_BIN, killIfRunning } from '../helpers/cli.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROWS = 3_000_000;
const HIGH_WATER_MARK = 64 * 1024;

/**
 * A reader slower than the query: it takes each write a turn of the event loop later, and keeps of
 * the text only its first line, its last line and its line count. `mostHeld` is the most text it
 * ever had queued: what a writer that ignores a full output piles up in memory.
 */
class SlowOutput extends Writable {
  mostHeld = 0;
  bytes = 0;
  lines = 0;
  first = '';
  private tail = '';

  constructor() {
    super({ highWaterMark: HIGH_WATER_MARK, decodeStrings: false });
  }

  override _write(chunk: string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.mostHeld = Math.max(this.mostHeld, this.writableLength);
    this.bytes += chunk.length;
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) this.lines++;
    if (this.first === '') this.first = chunk.slice(0, chunk.indexOf('\n'));
    this.tail = (this.tail + chunk).slice(-64);
    setImmediate(done);
  }

  get last(): string {
    return this.tail.trimEnd().split('\n').at(-1)!;
  }
}

describe(`an export of ${ROWS.toLocaleString('en')} rows from DuckDB`, () => {
  const storage = localLake(tempDir());
  let engine: DuckdbQueryEngine;
  after(async () => engine?.close());

  for (const [format, header, first, last] of [
    ['csv', 1, 'range', '2999999'],
    ['json', 0, '{"range":0}', '{"range":2999999}'],
  ] as const) {
    it(`in ${format} goes out batch by batch, never holding more than a batch beyond what the output buffers`, async () => {
      engine ??= await DuckdbQueryEngine.open(storage);
      const output = new SlowOutput();
      const printed = await printQuery(engine, `select * from range(${ROWS})`, format, output);
      assert.deepEqual(printed, { rowCount: ROWS, outputClosed: false });
      assert.equal(output.lines, ROWS + header);
      assert.equal(output.first, first);
      assert.equal(output.last, last);
      assert.ok(output.bytes > 20_000_000, `${output.bytes} bytes written`);
      // Read whole, then written at once, the export would be queued whole (20 MB and more).
      assert.ok(output.mostHeld < 4 * HIGH_WATER_MARK, `${output.mostHeld} bytes queued at most`);
    });
  }
});

it('gamepipe query --format csv stops quietly, without a stack trace, when its reader leaves after the first line', async () => {
  const child = spawn(
    process.execPath,
    [GAMEPIPE_BIN, 'query', '--format', 'csv', `select * from range(${ROWS})`, '--data-dir', tempDir()],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GAMEPIPE_LOG_LEVEL: 'warn' } },
  );
  after(() => killIfRunning(child));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // What `| head -1` does: read up to the first line, then close the pipe.
  const firstLine = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        child.stdout.destroy();
        resolve(out.split('\n')[0]!);
      }
    });
  });
  assert.equal(firstLine, 'range');
  assert.equal(await exited, 0);
  assert.equal(stderr, '');
});
