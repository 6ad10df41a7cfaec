import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const run = (args: string[]) => spawnSync('tmux', args, { encoding: 'utf8', timeout: 10_000 });

/**
 * A command in a detached tmux window of a fixed size, on a tmux server of its own (never the
 * user's): keys in with send-keys, the screen out with capture-pane. `kill` ends the server and
 * everything in it; call it in a `finally` or `after`.
 */
export class TmuxSession {
  private socketPath = '';

  private constructor(private readonly socket: string) {}

  static available(): boolean {
    return run(['-V']).status === 0;
  }

  static start(
    command: string,
    options: { columns?: number; rows?: number; env?: Record<string, string> } = {},
  ): TmuxSession {
    const socket = `gamepipe-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const session = new TmuxSession(socket);
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const result = run([
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      'test',
      '-x',
      String(options.columns ?? 100),
      '-y',
      String(options.rows ?? 30),
      `exec env ${env.join(' ')} ${command}`,
    ]);
    if (result.status !== 0) {
      session.kill();
      throw new Error(`tmux new-session failed: ${result.stderr}`);
    }
    // Keep the pane after the command exits, so a test can read what it printed last.
    run(['-L', socket, 'set-option', '-t', 'test', 'remain-on-exit', 'on']);
    session.socketPath = run(['-L', socket, 'display-message', '-p', '#{socket_path}']).stdout.trim();
    return session;
  }

  /** Named keys as tmux knows them: 'Enter', 'Up', 'C-c', 'q'. */
  keys(...keys: string[]): void {
    run(['-L', this.socket, 'send-keys', '-t', 'test', ...keys]);
  }

  /** Types text literally, then Enter. */
  typeLine(text: string): void {
    // tmux reads an argument ending in ';' as the end of its command; '\;' is a literal one.
    run(['-L', this.socket, 'send-keys', '-t', 'test', '-l', text.endsWith(';') ? `${text.slice(0, -1)}\\;` : text]);
    this.keys('Enter');
  }

  /** The visible screen, one string, trailing blanks and blank lines trimmed. */
  screen(): string {
    return run(['-L', this.socket, 'capture-pane', '-p', '-t', 'test'])
      .stdout.split('\n')
      .map((l) => l.trimEnd())
      .join('\n')
      .trimEnd();
  }

  /** True once the command in the pane has exited. */
  exited(): boolean {
    return run(['-L', this.socket, 'display-message', '-p', '-t', 'test', '#{pane_dead}']).stdout.trim() === '1';
  }

  /** The exit status of the command in the pane, once it has exited. */
  exitStatus(): number {
    return Number(run(['-L', this.socket, 'display-message', '-p', '-t', 'test', '#{pane_dead_status}']).stdout.trim());
  }

  /** Polls the screen until `check` holds; returns the screen, or throws with it after `timeoutMs`. */
  async waitFor(
    check: RegExp | ((screen: string) => boolean),
    timeoutMs = 15_000,
    what = String(check),
  ): Promise<string> {
    const holds = typeof check === 'function' ? check : (s: string) => check.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (holds(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  kill(): void {
    run(['-L', this.socket, 'kill-server']);
    // tmux leaves its socket file behind after kill-server.
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
