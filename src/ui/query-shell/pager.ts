import { spawn } from 'node:child_process';

/** `less` as analysts know it from Trino's CLI: quit at once if it fits (-F), keep the screen (-X), colors (-R), chop long lines (-S). */
export const DEFAULT_PAGER = 'less -FXRS';

export interface PageOptions {
  /** Command line of the pager (run by `sh -c`); empty for none. */
  pager: string;
  /** Terminal height; output no taller than it is written directly. */
  rows: number | undefined;
  isTTY: boolean;
}

/**
 * Shows `text` on `output`, through the pager when it is taller than the terminal. Falls back to
 * writing it when there is no terminal, no pager, or the pager cannot start.
 */
export async function page(text: string, output: NodeJS.WritableStream, options: PageOptions): Promise<void> {
  const lines = text.split('\n').length - 1;
  if (!options.isTTY || options.pager.trim() === '' || options.rows === undefined || lines < options.rows - 1) {
    output.write(text);
    return;
  }
  const started = await new Promise<boolean>((resolve) => {
    const child = spawn('sh', ['-c', options.pager], { stdio: ['pipe', 'inherit', 'inherit'] });
    child.once('error', () => resolve(false));
    child.stdin.on('error', () => undefined); // the user quit the pager before reading it all
    child.stdin.end(text);
    child.once('exit', (code) => resolve(code !== 127));
  });
  if (!started) output.write(text);
}
