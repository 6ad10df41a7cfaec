import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request: pass it on, answer it itself, or pass it on and lose the answer. */
export type ProxyAction =
  | { kind: 'forward'; dropHeaders?: string[] }
  | { kind: 'answer'; status: number; body: string }
  | { kind: 'forward-then-cut' }
  | { kind: 'hang' };

/**
 * An HTTP proxy in front of the test S3 server that misbehaves on demand: throttles (503 SlowDown),
 * never answers (a timeout), loses an answer after the store acted on the request, or strips a
 * header (a store that ignores If-None-Match). Loopback only; every request it saw is in `seen`.
 */
export class S3FaultProxy {
  readonly seen: string[] = [];
  private readonly server: Server;
  private readonly hung = new Set<ServerResponse>();

  constructor(
    private readonly target: string,
    private readonly decide: (req: IncomingMessage, index: number) => ProxyAction,
    /** Runs before a request is handled: e.g. another writer acting at that very moment. */
    private readonly before: (req: IncomingMessage) => Promise<void> = async () => undefined,
    /** Told of each answer the store gave (forwarded requests only), as it passes on. */
    private readonly answered: (req: IncomingMessage, status: number) => void = () => undefined,
  ) {
    this.server = createServer((req, res) => {
      req.pause();
      this.before(req).then(
        () => this.handle(req, res),
        () => res.socket?.destroy(),
      );
    });
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => this.server.once('listening', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const action = this.decide(req, this.seen.length);
    this.seen.push(`${req.method} ${req.url} ${action.kind}`);
    if (action.kind === 'hang') {
      this.hung.add(res);
      req.resume();
      return;
    }
    if (action.kind === 'answer') {
      req.resume();
      res.writeHead(action.status, { 'content-type': 'application/xml' }).end(action.body);
      return;
    }
    const headers = { ...req.headers };
    for (const name of action.kind === 'forward' ? (action.dropHeaders ?? []) : []) delete headers[name];
    const upstream = request(`${this.target}${req.url}`, { method: req.method, headers }, (answer) => {
      if (action.kind === 'forward-then-cut') {
        answer.resume();
        answer.on('end', () => res.socket?.destroy()); // the store acted; the client never hears it
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => this.answered(req, answer.statusCode ?? 502));
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  }
}

export const slowDown = (): ProxyAction => ({
  kind: 'answer',
  status: 503,
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
});
