import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildProgram } from '../../src/cli.js';
import { GamepipeError } from '../../src/errors.js';
import { eventTypes } from '../../src/events/event-schemas.js';
import { writerTargets } from '../../src/lake/owners.js';
import { defaultTriggers, streamDefaults } from '../../src/streaming/batching.js';

/** The help of `gamepipe <path>` as the command line `path --help` builds it, on one line (help wraps at 80 columns). */
async function helpOf(path: string[]): Promise<string> {
  let command = await buildProgram([...path, '--help']);
  for (const name of path) command = command.commands.find((c) => c.name() === name)!;
  return command.helpInformation().replace(/\s+/g, ' ');
}

async function refusal(words: string[]): Promise<GamepipeError> {
  const program = (await buildProgram(words)).exitOverride();
  const error = await program.parseAsync(words, { from: 'user' }).then(
    () => assert.fail(`gamepipe ${words.join(' ')} was accepted`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GamepipeError, String(error));
  return error;
}

it("each command's help shows its options with the defaults declared where they live, and the global settings", async () => {
  const stream = await helpOf(['stream']);
  assert.ok(
    stream.includes(
      `(default: ${defaultTriggers.withLogTail / 1000}s on the embedded log, whose rows queries read before they land; ${defaultTriggers.lakeOnly}ms on Kafka or under`,
    ),
    stream,
  );
  assert.ok(
    stream.includes(
      `--max-batch <n> most events in one batch (a backlog fills each batch to it: larger files, fewer commits) (default: "${streamDefaults.maxBatchRecords}")`,
    ),
    stream,
  );
  assert.match(stream, new RegExp(`which events to land: ${writerTargets.join(', ')}`));
  const up = await helpOf(['up']);
  assert.ok(
    up.includes(`--max-file-rows <n> most rows in one Parquet file (default: "${streamDefaults.maxFileRows}")`),
    up,
  );
  assert.match(up, /--no-tui/);
  assert.match(await helpOf(['events', 'tail']), new RegExp(`only this event type \\(${eventTypes.join(', ')}\\)`));
  for (const path of [['stream'], ['query'], ['tables', 'create'], ['events', 'tail'], ['load']]) {
    const help = await helpOf(path);
    assert.match(help, /Global Options: .*--data-dir <dir> .*--trino-url <url>/, path.join(' '));
  }
});

it('a bad argument or option is one USAGE line naming it (exit 2)', async () => {
  const cases: [string[], string][] = [
    [['stream', 'nope'], 'the table must be one of buy, guild, user, all, not "nope"'],
    [['stream', 'all', '--trigger', 'xx'], '--trigger must be a duration like 500ms, 10s or 2m, not "xx"'],
    [['query', 'select 1', '--format', 'xml'], '--format must be one of table, json, csv, not "xml"'],
    [['load', '--players', '0'], '--players must be a whole number from 1 to 1000000, not "0"'],
    [['load', '--host-template', '{x}'], '--host-template may only use {user}'],
    [['topic', 'create', '--partitions', '0'], '--partitions must be a whole number of at least 1, not "0"'],
    [['tables', 'create', 'nope'], 'the table must be one of all, buy, guild, user, dead_letter, not "nope"'],
    [['events', 'tail', '--type', 'nope'], 'unknown event type "nope"'],
  ];
  for (const [words, message] of cases) {
    const error = await refusal(words);
    assert.equal(error.code, 'USAGE', words.join(' '));
    assert.equal(error.message, message);
  }
  assert.equal((await refusal(['events', 'tail', '--type', 'nope'])).hint, `one of ${eventTypes.join(', ')}`);
});
