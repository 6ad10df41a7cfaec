import { connect, createServer, type Socket } from 'node:net';
import { after } from 'node:test';

export interface TcpProxy {
  port: number;
  /** Answers dropped so far. */
  readonly answersLost: number;
  /** From now on every answer from upstream is dropped and both sockets closed: requests arrive, answers never do. */
  loseAnswers(): void;
  /** Forwards both ways again. */
  pass(): void;
}

/**
 * A TCP proxy on 127.0.0.1:`port` to 127.0.0.1:`upstreamPort` that can lose the upstream's answers
 * after the upstream acted on the requests: the fault of a network that drops a reply. Closed when
 * the test file ends.
 */
export async function tcpProxy(port: number, upstreamPort: number): Promise<TcpProxy> {
  let losing = false;
  let answersLost = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(client);
    track(upstream);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!losing) return void client.write(chunk);
      answersLost++;
      closeBoth();
    });
    client.once('close', closeBoth);
    upstream.once('close', closeBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return {
    port,
    get answersLost() {
      return answersLost;
    },
    loseAnswers: () => (losing = true),
    pass: () => (losing = false),
  };
}
