import { GamepipeError, isGamepipeError } from './errors.js';

/**
 * The exit statuses of `gamepipe`, as command-line conventions have them: 2 for a command line the
 * program cannot run (as getopt tools and commander do), 1 for a run that failed, 70 (sysexits'
 * EX_SOFTWARE) for a bug. `--help` and the README show this table.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, discrepancy: 3, bug: 70 } as const;

export const exitCodeTable: readonly { code: number; meaning: string }[] = [
  { code: EXIT.ok, meaning: 'done' },
  {
    code: EXIT.failure,
    meaning: 'the run failed: a service down or refusing, bad SQL, a data dir in use',
  },
  {
    code: EXIT.usage,
    meaning: 'usage: unknown command or flag, missing argument, bad value (flag, GAMEPIPE_* variable, config file)',
  },
  { code: EXIT.discrepancy, meaning: 'verify or trace found a discrepancy, each named on stdout' },
  { code: EXIT.bug, meaning: 'a bug in gamepipe: its stack trace follows; please report it' },
];

/** The table as `--help` shows it. */
export const exitCodeHelp = (): string =>
  `Exit status:\n${exitCodeTable.map(({ code, meaning }) => `  ${String(code).padStart(2)}  ${meaning}`).join('\n')}`;

/**
 * A mistake in what the user asked for, found while reading it: becomes a USAGE error (exit 2). Errors
 * of the run (a server that does not answer) pass unchanged, whatever their code.
 */
export function asUsageError(error: unknown): unknown {
  if (!isGamepipeError(error) || error.code === 'USAGE') return error;
  if (error.code !== 'BAD_REQUEST' && error.code !== 'CONFIG_INVALID') return error;
  return new GamepipeError('USAGE', error.message, { hint: error.hint, cause: error });
}

/** Runs `check` (validation of the command line done in an action), its refusals as USAGE errors. */
export function checkingUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    throw asUsageError(error);
  }
}
