import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { after } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { SegmentReader } from '../../src/eventlog/embedded/segment-reader.js';
import { buildServer, type ServerSecurity } from '../../src/server/build-server.js';
import { EmbeddedStateStore } from '../../src/state/embedded-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { tempDir } from './temp-dir.js';

export const STATUS_TOKEN = 'test-status-token';

/** As `gamepipe serve` by default (its clients here all come from 127.0.0.1, which the signup limit spares). */
export const DEFAULT_SECURITY: ServerSecurity = {
  protectMetrics: false,
  signupLimit: { perAddress: 20, windowMs: 600_000, exempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] },
  trustProxy: [],
};

export interface TestServer {
  app: FastifyInstance;
  dataDir: string;
  log: EmbeddedEventLog;
  store: StateStore;
  /** Every event in the log, parsed. */
  events(): Promise<Record<string, unknown>[]>;
}

/** A server on the embedded log, with the embedded store unless another is given, driven by inject(). */
export async function testServer(
  options: {
    store?: StateStore;
    random?: () => number;
    security?: Partial<ServerSecurity>;
    sealPersonalFields?: boolean;
  } = {},
): Promise<TestServer> {
  const dataDir = tempDir();
  const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
  const store = options.store ?? (await EmbeddedStateStore.open(dataDir));
  const app = await buildServer({
    store,
    log,
    catalog: Catalog.fromFile(undefined),
    statusToken: STATUS_TOKEN,
    security: { ...DEFAULT_SECURITY, ...options.security },
    backends: { state: 'test', log: 'embedded' },
    random: options.random,
    sealPersonalFields: options.sealPersonalFields,
  });
  after(async () => {
    await app.close();
    await log.close();
    await store.close();
  });
  return {
    app,
    dataDir,
    log,
    store,
    events: async () => {
      const reader = SegmentReader.forTopic(dataDir, 'events', { group: 'test' });
      const records = await reader.poll(1_000_000, 0);
      await reader.close();
      return records.map((r) => JSON.parse(r.value) as Record<string, unknown>);
    },
  };
}

/** The session cookie a signup or login answer set. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === 'session_id');
  if (!cookie) throw new Error(`no session cookie in answer ${response.statusCode}: ${response.body}`);
  return cookie.value;
}

export async function signup(app: FastifyInstance, username: string, password = 'pw1'): Promise<string> {
  const response = await app.inject({ url: `/signup?username=${username}&password=${password}` });
  if (response.statusCode !== 200) throw new Error(`signup ${username}: ${response.statusCode} ${response.body}`);
  return sessionCookie(response);
}
