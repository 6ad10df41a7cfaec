import type { Socket } from 'node:net';

/** Largest request body (form or JSON) a route reads; more answers 413. Credentials are far smaller. */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Largest request line plus headers (cookies included); more answers 431. */
export const HEADER_LIMIT_BYTES = 8 * 1024;
/** A request must arrive whole within this; a client trickling bytes (slowloris) gets 408. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Any text as one line of at most `max` characters: control characters (CR, LF...) become spaces. */
export const oneLine = (text: string, max = 300): string =>
  text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, max);

/**
 * Answers a request that Node's HTTP parser refused before any route saw it (headers too large, a
 * malformed request line, a control character in a header, a timeout) with one line of text, then
 * closes the connection: after a parse error the rest of the stream cannot be trusted.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, text] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', `Request headers too large: at most ${HEADER_LIMIT_BYTES / 1024} KiB.`]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'Request timeout: send the whole request sooner.']
        : [400, 'Bad Request', 'Bad request: malformed HTTP.'];
  const body = `${text}\n`;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
