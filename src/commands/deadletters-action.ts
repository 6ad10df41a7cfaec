import { readFileSync } from 'node:fs';
import {
  type DeadLetterFilter,
  groupDeadLetters,
  parseDeadLetterId,
  readDeadLetters,
} from '../deadletters/dead-letter-rows.js';
import { eventFix } from '../deadletters/event-fix.js';
import { renderDeadLetterGroups, renderReplayOutcome } from '../deadletters/render-dead-letters.js';
import { replayDeadLetters } from '../deadletters/replay-dead-letters.js';
import { readLedgers } from '../deadletters/replay-ledger.js';
import { GamepipeError } from '../errors.js';
import { checkingUsage } from '../exit-codes.js';
import { createEventLog, createEventLogReader, eventLogKind } from '../eventlog/create-event-log.js';
import { withQueryEngine } from '../sql/with-query-engine.js';
import { acquireDirLock } from '../util/dir-lock.js';
import type { CommandAction } from './command-spec.js';
import type { deadlettersListOptions, deadlettersReplayOptions, deadlettersShowArgs } from './deadletters.js';

const WRITERS = ['buy', 'guild', 'user', 'unrouted'];

function filterOf(options: { writer?: string; reason?: string; ids?: string }): DeadLetterFilter {
  if (options.writer !== undefined && !WRITERS.includes(options.writer))
    throw new GamepipeError('USAGE', `--writer must be one of ${WRITERS.join(', ')}, not "${options.writer}"`);
  const positions = options.ids?.split(',').map((text) => {
    const position = parseDeadLetterId(text);
    if (!position)
      throw new GamepipeError('USAGE', `--ids takes partition:offset pairs separated by commas, not "${text}"`);
    return position;
  });
  return { writer: options.writer, reason: options.reason, positions };
}

export const deadlettersListAction: CommandAction<{}, typeof deadlettersListOptions> = async ({ options, config }) => {
  const filter = filterOf(options);
  const { groups, replayed } = await withQueryEngine(config(), async (engine, storage) => ({
    groups: await groupDeadLetters(engine, filter),
    replayed: (await readLedgers(storage)).flatMap((l) => l.items).length,
  }));
  process.stdout.write(
    options.json ? `${JSON.stringify({ groups, replayed })}\n` : renderDeadLetterGroups(groups, replayed),
  );
};

export const deadlettersShowAction: CommandAction<typeof deadlettersShowArgs, {}> = async ({ args, config }) => {
  const position = parseDeadLetterId(args.id);
  if (!position)
    throw new GamepipeError('USAGE', `a dead letter is named partition:offset, like 0:1234, not "${args.id}"`);
  const [found] = await withQueryEngine(config(), (engine) => readDeadLetters(engine, { positions: [position] }));
  if (!found) throw new GamepipeError('NOT_FOUND', `no dead letter at ${args.id}`);
  process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
};

/** `--patch`: inline JSON, or `@file` holding it. */
function readPatch(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const source = text.startsWith('@') ? text.slice(1) : undefined;
  let json: string;
  try {
    json = source === undefined ? text : readFileSync(source, 'utf8');
  } catch (error) {
    throw new GamepipeError('USAGE', `--patch ${text}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read it'}`);
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new GamepipeError(
      'USAGE',
      `--patch ${source ?? ''} is not JSON: ${(error as Error).message}`.replace('  ', ' '),
    );
  }
}

export const deadlettersReplayAction: CommandAction<{}, typeof deadlettersReplayOptions> = async ({
  options,
  config: resolveConfig,
}) => {
  const config = resolveConfig();
  const filter = filterOf(options);
  const fix = checkingUsage(() =>
    eventFix({
      patch: readPatch(options.patch),
      set: options.set === undefined ? [] : [options.set],
      unset: options.unset,
    }),
  );
  const fixText = [
    options.patch && `--patch ${options.patch}`,
    options.set && `--set ${options.set}`,
    options.unset && `--unset ${options.unset.join(',')}`,
  ]
    .filter(Boolean)
    .join(' ');
  // The embedded log has one writer: a running serve or up on the same data dir makes this refuse.
  const release =
    eventLogKind(config) === 'embedded' && !options.dryRun
      ? acquireDirLock(
          config.dataDir,
          'serve',
          'a writer of the embedded event log (gamepipe serve, up, simulate or deadletters replay)',
        )
      : () => undefined;
  try {
    const outcome = await withQueryEngine(config, (engine, storage) =>
      replayDeadLetters(
        {
          storage,
          engine,
          topic: config.topic,
          openLog: () => createEventLog(config),
          openReader: () => createEventLogReader(config, { group: 'gamepipe-deadletters-replay' }),
        },
        { filter, fix, fixText, dryRun: options.dryRun },
      ),
    );
    process.stdout.write(options.json ? `${JSON.stringify(outcome)}\n` : renderReplayOutcome(outcome, options.dryRun));
  } finally {
    release();
  }
};
