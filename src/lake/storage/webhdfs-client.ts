import { Agent, request } from 'undici';
import { isGamepipeError } from '../../errors.js';
import { putToDataNode, type PutBody } from './webhdfs-datanode-put.js';
import { webHdfsUnreachable } from './webhdfs-errors.js';

export interface WebHdfsAnswer {
  status: number;
  /** Where a 307 points: the DataNode that takes or serves the bytes. */
  location: string | undefined;
  body: Buffer;
}

export interface WebHdfsClientOptions {
  /** The NameNode's HTTP address, e.g. http://127.0.0.1:9870. */
  webhdfsUrl: string;
  /** Sent as `user.name` (simple authentication). */
  user: string;
  /** Per request: connecting, then each wait for headers or for more of the body. */
  timeoutMs: number;
}

const encodePath = (absPath: string): string => absPath.split('/').map(encodeURIComponent).join('/');

/**
 * The HTTP layer of WebHDFS: one call, one answer, read whole. It never follows a redirect itself,
 * because CREATE must not send its bytes to the NameNode, only to the DataNode the 307 names.
 * Anything that is not an HTTP answer (refused, reset, timed out) becomes LAKE_UNAVAILABLE here.
 * The NameNode and DataNode reads go through undici; DataNode writes through node:http.
 */
export class WebHdfsClient {
  readonly webhdfsUrl: string;
  private readonly user: string;
  private readonly timeoutMs: number;
  private readonly agent: Agent;

  constructor(options: WebHdfsClientOptions) {
    this.webhdfsUrl = options.webhdfsUrl.replace(/\/+$/, '');
    this.user = options.user;
    this.timeoutMs = options.timeoutMs;
    this.agent = new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 4000 });
  }

  /** `op` on the absolute HDFS path `absPath`, asked of the NameNode. */
  nameNode(
    method: 'GET' | 'PUT' | 'DELETE',
    absPath: string,
    op: string,
    params: Record<string, string> = {},
  ): Promise<WebHdfsAnswer> {
    const query = Object.entries({ op, ...params, 'user.name': this.user })
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join('&');
    return this.send(
      'WebHDFS',
      this.webhdfsUrl,
      method,
      `${this.webhdfsUrl}/webhdfs/v1${encodePath(absPath)}?${query}`,
    );
  }

  /** The second step of OPEN: GET the bytes from the DataNode a 307 named. */
  readFromDataNode(location: string): Promise<WebHdfsAnswer> {
    return this.send('the HDFS DataNode', new URL(location).origin, 'GET', location);
  }

  /** The second step of CREATE: PUT the bytes to the DataNode a 307 named (see putToDataNode for why not undici). */
  async writeToDataNode(location: string, body: PutBody): Promise<WebHdfsAnswer> {
    try {
      return { ...(await putToDataNode(location, body, this.timeoutMs)), location: undefined };
    } catch (error) {
      throw isGamepipeError(error) ? error : webHdfsUnreachable('the HDFS DataNode', new URL(location).origin, error);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(
    who: string,
    address: string,
    method: 'GET' | 'PUT' | 'DELETE',
    url: string,
  ): Promise<WebHdfsAnswer> {
    try {
      const answer = await request(url, {
        method,
        dispatcher: this.agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const location = answer.headers.location;
      return {
        status: answer.statusCode,
        location: Array.isArray(location) ? location[0] : location,
        body: Buffer.from(await answer.body.arrayBuffer()),
      };
    } catch (error) {
      throw webHdfsUnreachable(who, address, error);
    }
  }
}
