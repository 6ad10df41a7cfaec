import assert from 'node:assert/strict';
import fc from 'fast-check';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { BODY_LIMIT_BYTES, HEADER_LIMIT_BYTES } from '../../src/server/http-limits.js';
import { signup, testServer, type TestServer } from '../helpers/game-server.js';
import { hostileString, prototypeKeys, stateOf } from './hostile-input.js';

const RUNS = Number(process.env.GAMEPIPE_PROPERTY_RUNS ?? 100);

interface RawAnswer {
  status: number;
  headers: Map<string, string[]>;
  body: string;
}

/** Sends raw bytes on a fresh connection and reads the first answer; Node's own client would refuse to send most of these. */
function rawRequest(port: number, bytes: Buffer | string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error) => (chunks.length > 0 ? undefined : reject(error)));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const headEnd = text.indexOf('\r\n\r\n');
      const head = headEnd < 0 ? text : text.slice(0, headEnd);
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = new Map<string, string[]>();
      for (const line of headerLines) {
        const name = line.slice(0, line.indexOf(':')).toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(line.indexOf(':') + 1).trim()]);
      }
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      // A request line without a version ends the first request early, and the server answers the rest as a second request: keep the first answer only.
      const length = Number(headers.get('content-length')?.[0] ?? NaN);
      const rest = headEnd < 0 ? '' : text.slice(headEnd + 4);
      const body = Number.isInteger(length) ? rest.slice(0, length) : rest;
      resolve({ status, headers, body: Buffer.from(body, 'latin1').toString('utf8') });
    });
    socket.write(bytes);
    socket.end();
  });
}

function assertRefusedInOneLine(answer: RawAnswer, context: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${context}: ${answer.status} ${answer.body.slice(0, 200)}`);
  assert.match(answer.headers.get('content-type')?.[0] ?? '', /^text\/plain/, context);
  assert.match(
    answer.body,
    /^[^\u0000-\u001f\u007f]+\n$/,
    `${context}: not one line: ${JSON.stringify(answer.body.slice(0, 200))}`,
  );
  assert.equal(answer.headers.has('set-cookie'), false, `${context}: a refusal set a cookie`);
}

const request = (head: string, ...extra: (string | Buffer)[]) =>
  Buffer.concat([
    Buffer.from(head, 'latin1'),
    ...extra.map((e) => (typeof e === 'string' ? Buffer.from(e, 'latin1') : e)),
  ]);

const server: TestServer = await testServer();
const session = await signup(server.app, 'user1');
await server.app.listen({ host: '127.0.0.1', port: 0 });
const port = (server.app.server.address() as { port: number }).port;
const before = await stateOf(server, ['user1']);
const prototype = prototypeKeys();

describe('over a real socket, hostile HTTP gets one line and a 4xx, and the server keeps serving', () => {
  const unchangedAndServing = async (context: string) => {
    assert.deepEqual(await stateOf(server, ['user1']), before, `${context}: state or log changed`);
    assert.equal(prototypeKeys(), prototype);
    const health = await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(health.status, 200, `${context}: the server stopped serving`);
  };

  it('any bytes in the request path, query or a header value', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b)),
      hostileString.map((s) => Buffer.from(s, 'utf8')),
    );
    const where = fc.constantFrom('path', 'buy', 'guild', 'query', 'user-agent', 'cookie', 'authorization', 'host');
    await fc.assert(
      fc.asyncProperty(where, bytes, async (place, value) => {
        const line = (target: Buffer | string) => request('GET ', target, ' HTTP/1.1\r\n');
        const wire =
          place === 'path'
            ? request('', line(Buffer.concat([Buffer.from('/zz-'), value])), 'Host: x\r\nConnection: close\r\n\r\n')
            : place === 'buy'
              ? request('', line(Buffer.concat([Buffer.from('/buy/'), value])), 'Host: x\r\nConnection: close\r\n\r\n')
              : place === 'guild'
                ? request(
                    '',
                    line(Buffer.concat([Buffer.from('/join_guild/'), value])),
                    'Host: x\r\nConnection: close\r\n\r\n',
                  )
                : place === 'query'
                  ? request(
                      '',
                      line(Buffer.concat([Buffer.from('/signup?username='), value])),
                      'Host: x\r\nConnection: close\r\n\r\n',
                    )
                  : place === 'host'
                    ? request('GET /inventory HTTP/1.1\r\nHost: ', value, '\r\nConnection: close\r\n\r\n')
                    : request(
                        `GET /inventory HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${place}: `,
                        value,
                        '\r\n\r\n',
                      );
        assertRefusedInOneLine(
          await rawRequest(port, wire),
          `${place} ${JSON.stringify(value.toString('latin1').slice(0, 80))}`,
        );
      }),
      { numRuns: RUNS, examples: [['path', Buffer.from("\r\n\r\nHTTP/1.1 200 OK' OR '1'='1")]] },
    );
    await unchangedAndServing('hostile bytes');
  });

  it('CRLF in a header cannot smuggle a second request or a response header', async () => {
    for (const wire of [
      'GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\rSet-Cookie: evil=1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\nSet-Cookie: evil=1\r\n\r\n',
      'POST /signup HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /buy/sword HTTP/1.1\r\n\r\n',
      'POST /signup HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef',
      'POST /signup HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX\u0000Y: 1\r\n\r\n',
      'GE\u0000T / HTTP/1.1\r\n\r\n',
      'GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      '\u0001\u0002\u00ff\r\n\r\n',
    ]) {
      const refused = await rawRequest(port, wire);
      assertRefusedInOneLine(refused, JSON.stringify(wire.slice(0, 60)));
      assert.equal(refused.headers.has('evil'), false);
    }
    await unchangedAndServing('smuggling');
  });

  it(`headers past ${HEADER_LIMIT_BYTES / 1024} KiB answer 431, bodies past ${BODY_LIMIT_BYTES / 1024} KiB answer 413`, async () => {
    const big = 'a'.repeat(HEADER_LIMIT_BYTES + 10);
    const cases: [string, number, string | Buffer][] = [
      [
        'a long cookie',
        431,
        `GET /inventory HTTP/1.1\r\nHost: x\r\nCookie: session_id=${session}; junk=${big}\r\n\r\n`,
      ],
      [
        'many headers',
        431,
        `GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'v'.repeat(20)}\r\n`).join('')}\r\n`,
      ],
      ['a long URL', 431, `GET /buy/sword?quality=${big} HTTP/1.1\r\nHost: x\r\n\r\n`],
      [
        'a long body by Content-Length',
        413,
        `POST /signup HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${BODY_LIMIT_BYTES + 1}\r\n\r\n{"username":"zed","password":"${'p'.repeat(BODY_LIMIT_BYTES)}"}`,
      ],
      [
        'a long chunked body',
        413,
        `POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${'1000\r\n' + 'a'.repeat(4096) + '\r\n'}${'1000\r\n' + 'a'.repeat(4096) + '\r\n'}${'1000\r\n' + 'a'.repeat(4096) + '\r\n'}${'1000\r\n' + 'a'.repeat(4096) + '\r\n'}${'1000\r\n' + 'a'.repeat(4096) + '\r\n'}0\r\n\r\n`,
      ],
    ];
    for (const [what, status, wire] of cases) {
      const answer = await rawRequest(port, wire);
      assert.equal(answer.status, status, what);
      assertRefusedInOneLine(answer, what);
    }
    await unchangedAndServing('limits');
  });
});
