import { pino, type DestinationStream, type Logger } from 'pino';

type Destination = ReturnType<typeof pino.destination>;

/**
 * Where log lines go: stderr, or a file while a full-screen UI owns the terminal. A stable object
 * pino writes to, so `redirectLogs` can swap the target under every logger and child already made.
 */
class SwitchableDestination implements DestinationStream {
  target: Destination = pino.destination(2);

  write(line: string): void {
    this.target.write(line);
  }
}

const destination = new SwitchableDestination();

/**
 * The one structured logger. Level from GAMEPIPE_LOG_LEVEL (default "info"); JSON lines on stderr
 * so that stdout stays free for command output, or in a file while the dashboard draws (see
 * `redirectLogs`). Never pass a request URL, a cookie or a body to it: the seed's walkthrough puts
 * passwords in query strings.
 */
export const logger: Logger = pino(
  {
    name: 'gamepipe',
    level: process.env.GAMEPIPE_LOG_LEVEL ?? 'info',
    redact: { paths: ['password', '*.password', 'cookie', '*.cookie', 'session_id', '*.session_id'], censor: '[redacted]' },
  },
  destination,
);

/**
 * Sends every log line to `file` (appended, parents created) until the returned function is called,
 * which flushes the file and turns back to the previous destination. For full-screen UIs: a line on
 * stderr would tear the screen Ink draws.
 */
export function redirectLogs(file: string): () => void {
  const previous = destination.target;
  const toFile = pino.destination({ dest: file, mkdir: true, append: true, sync: true });
  destination.target = toFile;
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    destination.target = previous;
    toFile.end();
  };
}
