import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { PassThrough, type Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { PrestoQueryEngine } from '../../src/sql/engines/presto-query-engine.js';
import { resultFormats } from '../../src/sql/format-result.js';
import { printQuery } from '../../src/sql/print/print-query.js';
import { trinoIdentifier } from '../../src/sql/engines/trino-sql.js';
import { queryAll, type QueryProgress } from '../../src/sql/query-engine.js';
import { requireTrino, TRINO_URL } from '../helpers/services.js';
import { rejection } from '../helpers/rejection.js';
import { localLake } from '../helpers/lake-query.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const USER = 'gamepipe-test';
/** About 10^12 rows to count: runs far longer than any test waits. */
const ENDLESS =
  'select count(*) from unnest(sequence(1, 10000)) a(x) cross join unnest(sequence(1, 10000)) b(y) cross join unnest(sequence(1, 10000)) c(z)';

async function text(stream: Readable): Promise<string> {
  let all = '';
  for await (const chunk of stream) all += String(chunk);
  return all;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** What Trino's REST API says about a query: its state and, when it failed, its error name. */
async function serverView(queryId: string): Promise<{ state: string; error?: string }> {
  const info = (await (
    await fetch(`${TRINO_URL}/v1/query/${queryId}`, { headers: { 'X-Trino-User': USER } })
  ).json()) as {
    state: string;
    errorCode?: { name: string };
  };
  return { state: info.state, error: info.errorCode?.name };
}

/** The server's view once the query has stopped (a cancel takes effect within moments). */
async function settledServerView(queryId: string): Promise<{ state: string; error?: string }> {
  for (let i = 0; i < 40; i++) {
    const view = await serverView(queryId);
    if (view.state === 'FAILED' || view.state === 'FINISHED') return view;
    await new Promise((r) => setTimeout(r, 250));
  }
  return serverView(queryId);
}

describe('PrestoQueryEngine against Trino', () => {
  const schema = uniqueName('gp-engine');
  let engine: PrestoQueryEngine;

  before(async () => {
    engine = new PrestoQueryEngine({ engine: 'trino', url: TRINO_URL, user: USER, schema });
  });
  after(async () => {
    if (!engine) return;
    await engine.stream(`DROP SCHEMA IF EXISTS hive.${trinoIdentifier(schema)} CASCADE`).catch(() => undefined);
    await engine.close();
  });

  it('hands over the columns once, then the rows, with progress from the server', async (t) => {
    if (!(await requireTrino(t))) return;
    const events: string[] = [];
    const rows: unknown[][] = [];
    const progress: QueryProgress[] = [];
    const result = await engine.stream(`select x, y from (values (1, 'a'), (2, 'b'), (3, 'c')) t(x, y) order by x`, {
      onColumns: (columns) => events.push(`columns ${columns.join(',')}`),
      onRows: (batch) => {
        events.push('rows');
        rows.push(...batch);
      },
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(result, { columns: ['x', 'y'], rowCount: 3 });
    assert.equal(events[0], 'columns x,y');
    assert.equal(events.filter((e) => e.startsWith('columns')).length, 1);
    assert.deepEqual(rows, [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    assert.ok(progress.length > 0 && progress.every((p) => /^\d{8}_\d{6}_\d{5}_\w+$/.test(p.queryId ?? '')));
    assert.equal(progress.at(-1)!.state, 'FINISHED');
  });

  it('streams a large result page by page', async (t) => {
    if (!(await requireTrino(t))) return;
    let batches = 0;
    let rows = 0;
    const { rowCount } = await engine.stream(
      'select a * 1000 + b from unnest(sequence(1, 300)) t(a) cross join unnest(sequence(1, 1000)) u(b)',
      {
        onRows: (batch) => {
          batches += 1;
          rows += batch.length;
        },
      },
    );
    assert.equal(rowCount, 300_000);
    assert.equal(rows, 300_000);
    assert.ok(batches > 1, `one batch only`);
  });

  it('prints csv, json and the table exactly as DuckDB does for the same answer, through the same printers', async (t) => {
    if (!(await requireTrino(t))) return;
    const sql = `select * from (values (1, 'a,b', null), (22, 'x"y', cast(2.5 as double))) as t(n, s, d)`;
    const duckdb = await DuckdbQueryEngine.open(localLake(tempDir()));
    try {
      for (const format of resultFormats) {
        const [onTrino, onDuckdb] = [new PassThrough(), new PassThrough()];
        await printQuery(engine, sql, format, onTrino);
        await printQuery(duckdb, sql, format, onDuckdb);
        onTrino.end();
        onDuckdb.end();
        assert.equal(await text(onTrino), await text(onDuckdb), format);
      }
    } finally {
      await duckdb.close();
    }
  });

  it('waits for a sink that is still taking a page before it settles', async (t) => {
    if (!(await requireTrino(t))) return;
    let taken = 0;
    const { rowCount } = await engine.stream(
      'select a * 1000 + b from unnest(sequence(1, 20)) t(a) cross join unnest(sequence(1, 1000)) u(b)',
      {
        onRows: async (batch) => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          taken += batch.length;
        },
      },
    );
    assert.equal(taken, rowCount);
    assert.equal(rowCount, 20_000);
  });

  it('keeps a bigint beyond 2^53 exact, as a string, and a safe one as a number', async (t) => {
    if (!(await requireTrino(t))) return;
    const { rows } = await queryAll(
      engine,
      `select 9007199254740993, cast(-42 as bigint), timestamp '2026-11-28 10:00:00.123', 1.5e0, true, cast(null as varchar)`,
    );
    assert.deepEqual(rows, [['9007199254740993', -42, '2026-11-28 10:00:00.123', 1.5, true, null]]);
  });

  it('gives the columns of a query that finds no row', async (t) => {
    if (!(await requireTrino(t))) return;
    const columns: string[][] = [];
    const result = await engine.stream('select x, x * 2 as doubled from (values 1, 2) t(x) where x > 5', {
      onColumns: (c) => columns.push(c),
    });
    assert.deepEqual(result, { columns: ['x', 'doubled'], rowCount: 0 });
    assert.deepEqual(columns, [['x', 'doubled']]);
  });

  it('runs statements that return no data or a single result row', async (t) => {
    if (!(await requireTrino(t))) return;
    await queryAll(engine, `CREATE SCHEMA IF NOT EXISTS hive.${trinoIdentifier(schema)}`);
    const { rows } = await queryAll(engine, `SHOW SCHEMAS FROM hive LIKE '${schema}'`);
    assert.deepEqual(rows, [[schema]]);
  });

  it('rejects a missing table with SQL_ERROR naming the engine error on one line', async (t) => {
    if (!(await requireTrino(t))) return;
    await queryAll(engine, `CREATE SCHEMA IF NOT EXISTS hive.${trinoIdentifier(schema)}`);
    const error = await rejection(engine.stream('select * from no_such_table'));
    assert.equal(error.code, 'SQL_ERROR');
    assert.match(error.message, /^TABLE_NOT_FOUND: line 1:15: Table 'hive\.[^']+\.no_such_table' does not exist$/);
    assert.equal(error.engineErrorName, 'TABLE_NOT_FOUND', "Trino's errorName, for callers to branch on");
    const syntax = await rejection(engine.stream('selec 1'));
    assert.equal(syntax.code, 'SQL_ERROR');
    assert.match(syntax.message, /^SYNTAX_ERROR: line 1:1: mismatched input 'selec'/);
    assert.equal(syntax.engineErrorName, 'SYNTAX_ERROR');
    assert.ok(!syntax.message.includes('\n'));
  });

  it('cancels an aborted query on the server and rejects with QUERY_CANCELLED', async (t) => {
    if (!(await requireTrino(t))) return;
    const controller = new AbortController();
    let queryId: string | undefined;
    const running = engine.stream(ENDLESS, {
      signal: controller.signal,
      onProgress: (p) => {
        queryId = p.queryId;
        if (p.state === 'RUNNING') controller.abort();
      },
    });
    const startedMs = Date.now();
    const error = await rejection(running);
    assert.equal(error.code, 'QUERY_CANCELLED');
    assert.ok(Date.now() - startedMs < 20_000);
    assert.ok(queryId);
    assert.deepEqual(await settledServerView(queryId), { state: 'FAILED', error: 'USER_CANCELED' });
  });

  it('leaves nothing running when aborted before the server answered', async (t) => {
    if (!(await requireTrino(t))) return;
    const marker = uniqueName('early-abort');
    const controller = new AbortController();
    const running = engine.stream(`${ENDLESS} -- ${marker}`, { signal: controller.signal });
    controller.abort();
    assert.equal((await rejection(running)).code, 'QUERY_CANCELLED');
    // Trino dispatches a query when its client first polls it: had polling gone on, it would run now.
    await new Promise((r) => setTimeout(r, 3000));
    const queries = (await (await fetch(`${TRINO_URL}/v1/query`, { headers: { 'X-Trino-User': USER } })).json()) as {
      query: string;
      state: string;
    }[];
    assert.deepEqual(
      queries.filter((q) => q.query.includes(marker) && q.state !== 'FAILED'),
      [],
    );
  });

  it('cancels its running queries when closed', async (t) => {
    if (!(await requireTrino(t))) return;
    const closing = new PrestoQueryEngine({ engine: 'trino', url: TRINO_URL, user: USER });
    let queryId: string | undefined;
    let closed: Promise<void> | undefined;
    const running = closing.stream(ENDLESS, {
      onProgress: (p) => {
        queryId = p.queryId;
        if (p.state === 'RUNNING') closed ??= closing.close();
      },
    });
    assert.equal((await rejection(running)).code, 'QUERY_CANCELLED');
    await closed;
    assert.deepEqual(await settledServerView(queryId!), { state: 'FAILED', error: 'USER_CANCELED' });
  });

  it('rejects at once when the signal is already aborted', async (t) => {
    if (!(await requireTrino(t))) return;
    const error = await rejection(engine.stream('select 1', { signal: AbortSignal.abort() }));
    assert.equal(error.code, 'QUERY_CANCELLED');
  });

  it('lets the server stop a query that runs past queryTimeoutMs', async (t) => {
    if (!(await requireTrino(t))) return;
    const limited = new PrestoQueryEngine({ engine: 'trino', url: TRINO_URL, user: USER, queryTimeoutMs: 1500 });
    const error = await rejection(limited.stream(ENDLESS));
    assert.equal(error.code, 'SQL_ERROR');
    assert.match(error.message, /^EXCEEDED_TIME_LIMIT: /);
  });

  it('reports an engine nobody answers for as ENGINE_UNAVAILABLE, naming the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const absent = new PrestoQueryEngine({ engine: 'trino', url });
    const error = await rejection(absent.stream('select 1'));
    assert.equal(error.code, 'ENGINE_UNAVAILABLE');
    assert.equal(error.retriable, true);
    assert.equal(error.message, `Trino at ${url} cannot be reached (ECONNREFUSED)`);
    assert.equal(error.hint, 'start Trino, or check --trino-url');
  });
});
