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
  target: LineSink = stderrSink();

  write(line: string): void {
    this.target.write(line);
  }
}

/** Pino's fields every line has, left out of the text form. */
const standardFields = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);
const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** A field's value in the text form: an error by its message, anything else as JSON. */
const textValue = (value: unknown): string =>
  value !== null && typeof value === 'object' && 'message' in value && typeof value.message === 'string'
    ? JSON.stringify(value.message)
    : JSON.stringify(value);

/**
 * One JSON log line as a person reads it on a terminal: `12:04:05 warn  could not … writer="buy"`.
 * A line that is not pino's JSON passes unchanged.
 */
export function logLineAsText(line: string): string {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof fields.time === 'number' ? new Date(fields.time).toISOString().slice(11, 19) : '';
  const level = (levelNames[Number(fields.level)] ?? String(fields.level)).padEnd(5);
  const rest = Object.entries(fields)
    .filter(([key]) => !standardFields.has(key))
    .map(([key, value]) => `${key}=${textValue(value)}`);
  return `${[time, level, String(fields.msg ?? ''), ...rest].filter((part) => part !== '').join(' ')}\n`;
}

/**
 * stderr: JSON lines for programs and files (a pipe, a log collector), text on a terminal, where a
 * person reads them; GAMEPIPE_LOG_FORMAT=json|text overrides.
 */
function stderrSink(): LineSink {
  const stderr = pino.destination(2);
  const format = process.env.GAMEPIPE_LOG_FORMAT ?? (process.stderr.isTTY ? 'text' : 'json');
  return format === 'text' ? { write: (line: string) => stderr.write(logLineAsText(line)) } : stderr;
}

const destination = new SwitchableDestination();

/**
 * The one structured logger. Level from GAMEPIPE_LOG_LEVEL (default "info"); lines on stderr (JSON,
 * or text on a terminal: see `stderrSink`) so that stdout stays free for command output, or in a file while the dashboard draws (see
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
