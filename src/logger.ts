import { pino, type DestinationStream, type Logger } from 'pino';

/** Where a line goes. */
interface LineSink {
  write(line: string): unknown;
}

/**
 * Where log lines go: stderr; a file while a full-screen UI owns the terminal; or, in a thread of
 * the process (the Kafka producer's), the thread that started it, which writes them where its own go.
 * A stable object pino writes to, so a redirect swaps the target under every logger and child already made.
 */
class SwitchableDestination implements DestinationStream {
  target: LineSink = pino.destination(2);

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
    redact: {
      paths: ['password', '*.password', 'cookie', '*.cookie', 'session_id', '*.session_id'],
      censor: '[redacted]',
    },
  },
  destination,
);

/** Sends every log line to `sink` until the returned function is called, which turns back to the previous destination. */
export function redirectLogLines(sink: LineSink): () => void {
  const previous = destination.target;
  destination.target = sink;
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    destination.target = previous;
  };
}

/**
 * Sends every log line to `file` (appended, parents created) until the returned function is called,
 * which flushes the file and turns back to the previous destination. For full-screen UIs: a line on
 * stderr would tear the screen Ink draws.
 */
export function redirectLogs(file: string): () => void {
  const toFile = pino.destination({ dest: file, mkdir: true, append: true, sync: true });
  const restore = redirectLogLines(toFile);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    restore();
    toFile.end();
  };
}

/** Writes a line another thread of this process logged (see `redirectLogLines`) where this thread's lines go now. */
export const writeLogLine = (line: string): void => destination.write(line);
