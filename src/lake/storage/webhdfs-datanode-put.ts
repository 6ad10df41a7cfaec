import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { GamepipeError } from '../../errors.js';

export interface PutBody {
  data: Uint8Array | Readable;
  length: number;
}

/**
 * PUTs bytes to the DataNode a CREATE redirected to, with node:http rather than undici. The
 * DataNode (Hadoop's netty WebHdfsHandler) answers every CREATE with an unrequested
 * `HTTP/1.1 100 Continue` before its real answer, and undici's HTTP/1.1 client destroys the socket
 * on any 100 status ("bad response"); node:http skips 1xx answers as RFC 9110 asks.
 * The DataNode may refuse (403, the file exists) before it has read the body and close the
 * connection: the answer wins over the write error that follows.
 */
export function putToDataNode(
  location: string,
  body: PutBody,
  timeoutMs: number,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(location, {
      method: 'PUT',
      agent: false,
      timeout: timeoutMs,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length) },
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete)
          reject(Object.assign(new Error('the DataNode closed the connection mid-answer'), { code: 'ECONNRESET' }));
      });
    });
    if (body.data instanceof Uint8Array) {
      req.end(body.data);
      return;
    }
    const source = body.data;
    // A local read failure is not the DataNode's: it must not read as "not reachable".
    source.on('error', (error) => {
      reject(
        new GamepipeError(
          'LAKE_ERROR',
          `cannot read ${String((source as { path?: unknown }).path ?? 'the upload')}: ${error.message}`,
          { cause: error },
        ),
      );
      req.destroy();
    });
    req.on('close', () => source.destroy());
    source.pipe(req);
  });
}
