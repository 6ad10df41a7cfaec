import { connect, type Socket } from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** Kafka's request header starts after the 4-byte size with the API key; Produce is 0. */
const API_KEY_OFFSET = 4;
const PRODUCE_API_KEY = 0;
/** As kafkajs's own socket factory. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * Counts the Produce requests kafkajs hands to its sockets (it writes each request in one call). A
 * send that failed before any Produce request left was not written; one that failed after may have
 * been. kafkajs's errors do not tell: after retries they only say how the last attempt failed.
 */
export class ProduceWatch {
  private written = 0;

  get produceRequests(): number {
    return this.written;
  }

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      const [chunk] = args;
      if (
        Buffer.isBuffer(chunk) &&
        chunk.length > API_KEY_OFFSET + 1 &&
        chunk.readInt16BE(API_KEY_OFFSET) === PRODUCE_API_KEY
      )
        this.written++;
      return write(...args);
    }) as Socket['write'];
    return socket;
  };
}
