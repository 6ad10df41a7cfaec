import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { runQueryShell } from '../../src/ui/query-shell/run-query-shell.js';
import { FakeQueryEngine } from './fake-query-engine.js';

/** Runs the shell on a pipe (no terminal): statements in, results out. */
async function shellOnPipe(lines: string[], engine: FakeQueryEngine | (() => Promise<FakeQueryEngine>)) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  const done = runQueryShell(engine, { input, output, pager: '' });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return text;
}

test('on a pipe: statements over several lines, aligned results, the row count and the time after each', async () => {
  const engine = new FakeQueryEngine();
  const text = await shellOnPipe(['select', '  2;', 'select 1;'], engine);
  assert.deepEqual(engine.statements, ['select\n  2', 'select 1']);
  assert.match(
    text,
    /^ n \| square\n---\+--------\n 1 \| +1\n 2 \| +4\n\(2 rows\)\n\nQuery finished on fake: 2 rows in \d+\.\d\d s\n/,
  );
  assert.match(text, /Query finished on fake: 1 row in/);
  assert.doesNotMatch(text, /gamepipe>/, 'no prompts on a pipe');
});

test('a refused statement is one line, and the shell goes on to the next', async () => {
  const engine = new FakeQueryEngine();
  const text = await shellOnPipe(['selec 1;', 'select 1;'], engine);
  assert.match(text, /^Query failed: Parser Error: syntax error at or near "selec"\n\n/);
  assert.doesNotMatch(text, /LINE 1/);
  assert.match(text, /\(1 row\)/);
});

test('quit leaves without running what follows; help explains', async () => {
  const engine = new FakeQueryEngine();
  const text = await shellOnPipe(['help', 'quit', 'select 1;'], engine);
  assert.match(text, /End each statement with ";"/);
  assert.deepEqual(engine.statements, []);
});

test('with an engine factory each statement gets a fresh engine, closed after it', async () => {
  const engines: FakeQueryEngine[] = [];
  await shellOnPipe(['select 1; select 2;'], async () => {
    engines.push(new FakeQueryEngine());
    return engines.at(-1)!;
  });
  assert.equal(engines.length, 2);
  assert.ok(engines.every((e) => e.closed && e.statements.length === 1));
});

test('the given engine is left open for its owner', async () => {
  const engine = new FakeQueryEngine();
  await shellOnPipe(['select 1;'], engine);
  assert.equal(engine.closed, false);
});
