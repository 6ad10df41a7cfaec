import { createInterface, type Interface } from 'node:readline';
import type { WriteStream } from 'node:tty';
import { describeError, isGamepipeError } from '../../errors.js';
import { formatResult } from '../../sql/format-result.js';
import type { QueryEngine } from '../../sql/query-engine.js';
import { queryProgressLine } from '../query-progress.js';
import { DEFAULT_PAGER, page } from './pager.js';
import { appendHistory, HISTORY_SIZE, historyEntry, loadHistory } from './shell-history.js';
import { StatementBuffer } from './statement-buffer.js';

/**
 * The engine the shell runs statements on: one kept for the whole session (the caller closes it),
 * or a function opening a fresh one per statement (closed after it), so each statement sees the
 * files committed by the time it starts, as `gamepipe query` does.
 */
export type ShellEngine = QueryEngine | (() => Promise<QueryEngine>);

export interface QueryShellOptions {
  /** Statements kept across runs, one per line; none kept without it. */
  historyFile?: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Pager for results taller than the terminal; default `$GAMEPIPE_PAGER`, else `less -FXRS`; '' for none. */
  pager?: string;
  /** Closes the shell from outside (the pipeline under it stopped). */
  signal?: AbortSignal;
}

const PROMPT = 'gamepipe> ';
const CONTINUATION = '       -> ';
const HELP = [
  'End each statement with ";" (it may span lines). Up and Down recall earlier statements.',
  'Ctrl-C cancels the running query or drops the statement being typed; "quit", "exit" or Ctrl-D leaves.',
  'Try: show tables; describe events_buy; select item_type, count(*) from events_buy group by 1;',
  '',
].join('\n');

const oneLine = (error: unknown) =>
  (isGamepipeError(error) ? describeError(error) : String((error as Error)?.message ?? error)).split('\n')[0]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** readline's history, newest first; not in Node's typings, stable since Node 0.x. */
const historyOf = (rl: Interface) => (rl as unknown as { history: string[] }).history;

/** Replaces the lines readline kept for a statement (newest first at the front) with the whole statement, once. */
function keepWholeStatement(rl: Interface, lines: string[], statement: string): void {
  const history = historyOf(rl);
  if (!Array.isArray(history)) return;
  for (const line of [...lines].reverse()) if (history[0] === line) history.shift();
  const entry = historyEntry(statement);
  const older = history.indexOf(entry);
  if (older >= 0) history.splice(older, 1);
  history.unshift(entry);
}

/**
 * An interactive SQL shell like Trino's CLI: statements end with `;` and may span lines, history
 * kept across runs, results as aligned tables (through `less` when taller than the terminal), the
 * row count and elapsed time after each, and a refused statement as one line without leaving.
 * Resolves when the user leaves; never exits the process. On a pipe it reads statements from the
 * input and prints results, without prompts.
 */
export async function runQueryShell(engine: ShellEngine, options: QueryShellOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const tty = output as Partial<WriteStream>;
  const terminal = Boolean((input as { isTTY?: boolean }).isTTY && tty.isTTY);
  const pager = options.pager ?? process.env.GAMEPIPE_PAGER ?? DEFAULT_PAGER;
  const rl = createInterface({
    input,
    output,
    terminal,
    history: terminal && options.historyFile ? loadHistory(options.historyFile) : [],
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  // Ink unrefs stdin when it unmounts; a shell opened after it must hold the process up itself.
  (input as { ref?: () => void }).ref?.();
  const buffer = new StatementBuffer();
  let statementLines: string[] = [];
  let running: AbortController | null = null;
  const prompt = () => {
    if (!terminal) return;
    rl.setPrompt(buffer.isEmpty() ? PROMPT : CONTINUATION);
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (running) {
      running.abort();
      return;
    }
    buffer.clear();
    statementLines = [];
    output.write('\n');
    prompt();
  });

  const runStatement = async (sql: string): Promise<void> => {
    const started = Date.now();
    const rows: unknown[][] = [];
    running = new AbortController();
    const status = terminal
      ? queryProgressLine(tty as Pick<NodeJS.WriteStream, 'write' | 'columns'>, started)
      : undefined;
    const statementEngine =
      typeof engine === 'function' ? await engine().catch((error: unknown) => error as Error) : engine;
    try {
      if (statementEngine instanceof Error) throw statementEngine;
      const { columns, rowCount } = await statementEngine.stream(sql, {
        onRows: (batch) => void rows.push(...batch),
        onProgress: (p) => status?.update(p),
        signal: running.signal,
      });
      status?.stop();
      const elapsed = seconds(Date.now() - started);
      if (terminal) rl.pause();
      const table = columns.length === 0 ? 'OK\n' : formatResult({ columns, rows }, 'table');
      await page(
        `${table}\nQuery finished on ${statementEngine.name}: ${rowCount} row${rowCount === 1 ? '' : 's'} in ${elapsed}\n\n`,
        output,
        { pager, rows: tty.rows, isTTY: terminal },
      );
    } catch (error) {
      status?.stop();
      output.write(running.signal.aborted ? 'Query cancelled\n\n' : `Query failed: ${oneLine(error)}\n\n`);
    } finally {
      running = null;
      if (typeof engine === 'function' && !(statementEngine instanceof Error))
        await statementEngine.close().catch(() => undefined);
      if (terminal) rl.resume();
    }
  };

  if (terminal) output.write('gamepipe SQL shell: "help" for help, "quit" to leave.\n');
  const onAbort = () => rl.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  prompt();
  for await (const line of rl) {
    if (buffer.isEmpty() && /^\s*(quit|exit)\s*;?\s*$/i.test(line)) break;
    if (buffer.isEmpty() && /^\s*help\s*;?\s*$/i.test(line)) {
      output.write(HELP);
      prompt();
      continue;
    }
    statementLines.push(line);
    const statements = buffer.push(line);
    for (const sql of statements) {
      if (terminal) keepWholeStatement(rl, statementLines, sql);
      if (options.historyFile) appendHistory(options.historyFile, sql);
      statementLines = [];
      await runStatement(sql);
    }
    if (buffer.isEmpty()) statementLines = [];
    prompt();
  }
  options.signal?.removeEventListener('abort', onAbort);
  rl.close();
}
