// First: Ink must load after it.
import './draw-live-frames.js';
import { render } from 'ink';
import { redirectLogs } from '../../logger.js';
import type { PipelineSampler } from '../../metrics/pipeline-sampler.js';
import { runQueryShell, type ShellEngine } from '../query-shell/run-query-shell.js';
import { DashboardRoot, type DashboardAction } from './dashboard-root.js';
import { colorAllowed } from './tone.js';

export interface DashboardOptions {
  /** Polled while the dashboard runs: started here, stopped when it ends. */
  sampler: PipelineSampler;
  /** Shown in the header. */
  serverUrl: string;
  /** Queries read the log's tail: the freshness panel says rows are seen before they land. */
  logTail?: boolean;
  /** What `/` opens the query shell on; `/` does nothing without it. */
  shellEngine?: ShellEngine;
  /** The shell's history file (e.g. `<data-dir>/query-history`). */
  historyFile?: string;
  /** Where log lines go while the dashboard draws (e.g. `<data-dir>/logs/dashboard.log`); left alone without it. */
  logFile?: string;
  /** Ends the dashboard from outside (the pipeline stopped, a signal): it resolves with 'aborted'. */
  signal?: AbortSignal;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}

/** Why the dashboard ended: `q`, Ctrl-C, or the caller's signal. */
export type DashboardEnd = 'quit' | 'interrupt' | 'aborted';

/** The alternate screen, cursor at its top left (switching keeps the cursor where it was). */
const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

/**
 * Draws the live dashboard with Ink on the terminal's alternate screen (the scrollback is left as it
 * was) until the user quits or `signal` aborts; `/` swaps it for the query shell and back. The only
 * place that renders Ink. Log lines go to `logFile` meanwhile. It never exits the process: the
 * caller decides what quitting means.
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardEnd> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const color = colorAllowed(options.env ?? process.env);
  const restoreLogs = options.logFile ? redirectLogs(options.logFile) : () => undefined;
  const show = () =>
    new Promise<DashboardAction | 'aborted'>((resolve) => {
      let ended = false;
      const end = (action: DashboardAction | 'aborted') => {
        if (ended || (action === 'query' && !options.shellEngine)) return;
        ended = true;
        options.signal?.removeEventListener('abort', onAbort);
        // Ink writes its last frame and lets go of stdin when the exit settles, not at unmount.
        const exited = instance.waitUntilExit();
        instance.unmount();
        void exited.then(
          () => resolve(action),
          () => resolve(action),
        );
      };
      const onAbort = () => end('aborted');
      if (stdout.isTTY) stdout.write(ALT_SCREEN_ON);
      const instance = render(
        <DashboardRoot
          source={options.sampler}
          serverUrl={options.serverUrl}
          color={color}
          logTail={options.logTail}
          onAction={end}
        />,
        {
          stdin,
          stdout,
          exitOnCtrlC: false,
          patchConsole: true,
        },
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
    });

  options.sampler.start();
  try {
    for (;;) {
      const action = await show();
      if (stdout.isTTY) stdout.write(ALT_SCREEN_OFF);
      if (action !== 'query') return action;
      await runQueryShell(options.shellEngine!, {
        historyFile: options.historyFile,
        input: stdin,
        output: stdout,
        signal: options.signal,
      });
      // readline's close paused stdin in a state where adding Ink's 'readable' listener does not
      // start reading again (the dashboard would ignore every key); resuming restarts the reads.
      stdin.resume();
      if (options.signal?.aborted) return 'aborted';
    }
  } finally {
    await options.sampler.stop();
    restoreLogs();
  }
}
