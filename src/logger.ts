import { pino, type Logger } from 'pino';

/**
 * The one structured logger. Level from GAMEPIPE_LOG_LEVEL (default "info"); JSON lines on stderr
 * so that stdout stays free for command output. Never pass a request URL, a cookie or a body to it:
 * the seed's walkthrough puts passwords in query strings.
 */
export const logger: Logger = pino(
  {
    name: 'gamepipe',
    level: process.env.GAMEPIPE_LOG_LEVEL ?? 'info',
    redact: { paths: ['password', '*.password', 'cookie', '*.cookie', 'session_id', '*.session_id'], censor: '[redacted]' },
  },
  pino.destination(2),
);
