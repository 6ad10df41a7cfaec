import { GamepipeError } from '../../src/errors.js';
import type { QueryEngine, QuerySink } from '../../src/sql/query-engine.js';

/**
 * A tiny engine for the shell's tests: `select <n>` answers n rows of (n, n*n); `slow` waits until
 * cancelled; anything else is refused as an engine would, with a two-line message.
 */
export class FakeQueryEngine implements QueryEngine {
  readonly name = 'fake';
  readonly statements: string[] = [];
  closed = false;

  async stream(sql: string, sink: QuerySink = {}): Promise<{ columns: string[]; rowCount: number }> {
    this.statements.push(sql);
    const count = /^select (\d+)$/i.exec(sql.replace(/\s+/g, ' ').trim());
    if (sql.trim() === 'slow') {
      await new Promise<void>((resolve) => sink.signal?.addEventListener('abort', () => resolve()));
      throw new GamepipeError('QUERY_CANCELLED', 'query cancelled');
    }
    if (!count)
      throw new GamepipeError(
        'SQL_ERROR',
        `Parser Error: syntax error at or near "${sql.split(/\s/)[0]}"\nLINE 1: ${sql}`,
      );
    const n = Number(count[1]);
    const columns = ['n', 'square'];
    sink.onColumns?.(columns);
    sink.onRows?.(Array.from({ length: n }, (_, i) => [i + 1, (i + 1) ** 2]));
    return { columns, rowCount: n };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
