import { connect, type Socket } from 'node:net';
import { metastoreUnavailable, unreadableReply } from './metastore-errors.js';
import { decodeReply, encodeCall, type ThriftReply } from './thrift-message.js';
import type { ThriftStruct } from './thrift-value.js';

export interface ThriftConnectionOptions {
  host: string;
  port: number;
  /** How the server is named in errors, e.g. `thrift://127.0.0.1:9083`. */
  url: string;
  /** For connecting, and for each call's reply. */
  timeoutMs: number;
  /** TFramedTransport (a 4-byte length before each message); a Hive metastore defaults to unframed. */
  framed: boolean;
  /** A reply larger than this is refused as garbage. */
  maxReplyBytes: number;
}

interface PendingCall {
  name: string;
  seqid: number;
  resolve(reply: ThriftReply): void;
  reject(error: unknown): void;
}

const codeOf = (error: unknown): string =>
  String((error as NodeJS.ErrnoException)?.code ?? (error as Error)?.message ?? error);

/**
 * One TCP connection to a Thrift server, carrying one call at a time (calls queue in order). The
 * socket opens on the first call; a transport failure fails the call in flight with
 * METASTORE_UNAVAILABLE and drops the socket, so the next call opens a new one.
 */
export class ThriftConnection {
  private socket: Socket | undefined;
  private received = Buffer.alloc(0);
  private pending: PendingCall | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private seqid = 0;

  constructor(private readonly options: ThriftConnectionOptions) {}

  /** Sends `name(args)` and resolves with the server's reply; rejects only with GamepipeErrors. */
  call(name: string, args: ThriftStruct): Promise<ThriftReply> {
    const run = this.queue.then(() => this.exchange(name, args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the socket; a call in flight fails. */
  async close(): Promise<void> {
    this.fail(metastoreUnavailable(this.options.url, 'connection was closed by the client'));
  }

  private async exchange(name: string, args: ThriftStruct): Promise<ThriftReply> {
    const socket = this.socket ?? (await this.open());
    this.seqid = (this.seqid + 1) | 0;
    const message = encodeCall(name, this.seqid, args);
    const { timeoutMs, url } = this.options;
    return new Promise<ThriftReply>((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(metastoreUnavailable(url, `did not answer ${name} within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const settle = (done: () => void) => {
        clearTimeout(timer);
        done();
      };
      this.pending = {
        name,
        seqid: this.seqid,
        resolve: (reply) => settle(() => resolve(reply)),
        reject: (error) => settle(() => reject(error)),
      };
      if (this.options.framed) {
        const length = Buffer.alloc(4);
        length.writeInt32BE(message.length);
        socket.write(length);
      }
      socket.write(message);
    });
  }

  private open(): Promise<Socket> {
    const { host, port, timeoutMs, url } = this.options;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(metastoreUnavailable(url, `did not accept a connection within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(metastoreUnavailable(url, `cannot be reached (${codeOf(error)})`, error));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        this.attach(socket);
        resolve(socket);
      });
    });
  }

  private attach(socket: Socket): void {
    const { url } = this.options;
    this.socket = socket;
    this.received = Buffer.alloc(0);
    // An old socket's late events must not fail a call made on its successor.
    const current = () => this.socket === socket;
    socket.on('data', (chunk) => current() && this.onData(chunk));
    socket.on(
      'error',
      (error) => current() && this.fail(metastoreUnavailable(url, `dropped the connection (${codeOf(error)})`, error)),
    );
    socket.on('close', () => current() && this.fail(metastoreUnavailable(url, 'closed the connection')));
  }

  private onData(chunk: Buffer): void {
    // Replies are small (one object or a list of names), so re-reading from the start is cheap.
    this.received = Buffer.concat([this.received, chunk]);
    const pending = this.pending;
    if (!pending) return this.fail(unreadableReply('bytes arrived while no call was waiting'));
    try {
      if (this.received.length > this.options.maxReplyBytes)
        throw unreadableReply(`a reply over ${this.options.maxReplyBytes} bytes`);
      const decoded = this.decode();
      if (!decoded) return;
      if (decoded.reply.seqid !== pending.seqid || decoded.reply.name !== pending.name) {
        throw unreadableReply(
          `reply ${decoded.reply.name}#${decoded.reply.seqid} to call ${pending.name}#${pending.seqid}`,
        );
      }
      this.received = this.received.subarray(decoded.size);
      this.pending = undefined;
      pending.resolve(decoded.reply);
    } catch (error) {
      this.fail(error);
    }
  }

  private decode(): { reply: ThriftReply; size: number } | undefined {
    const max = this.options.maxReplyBytes;
    if (!this.options.framed) return decodeReply(this.received, max);
    if (this.received.length < 4) return undefined;
    const length = this.received.readInt32BE(0);
    if (length < 0 || length > max) throw unreadableReply(`a frame of ${length} bytes`);
    if (this.received.length < 4 + length) return undefined;
    const decoded = decodeReply(this.received.subarray(4, 4 + length), max);
    if (!decoded) throw unreadableReply('a frame that ends mid-message');
    return { reply: decoded.reply, size: 4 + length };
  }

  /** Drops the socket (the next call opens a new one) and fails the call in flight, if any. */
  private fail(error: unknown): void {
    const { socket, pending } = this;
    this.socket = undefined;
    this.pending = undefined;
    socket?.destroy();
    pending?.reject(error);
  }
}
