import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GamepipeError } from '../../src/errors.js';
import { deadLetterSpec, tableSpecs } from '../../src/events/tables.js';
import { DuckdbQueryEngine } from '../../src/sql/engines/duckdb-query-engine.js';
import { HiveTableRegistry } from '../../src/sql/engines/hive-table-registry.js';
import type { QueryEngine, QuerySink } from '../../src/sql/query-engine.js';
import { localLake } from '../helpers/lake-query.js';
import { rejection } from '../helpers/rejection.js';
import { tempDir } from '../helpers/temp-dir.js';

const buySpec = tableSpecs.find((s) => s.name === 'buy')!;

describe("DuckDB's failures", () => {
  it('carry their error type as the engine error name, the message still its first line', async () => {
    const engine = await DuckdbQueryEngine.open(localLake(tempDir()));
    try {
      const cases = [
        [
          'select * from no_such_table',
          'Catalog Error',
          /^Catalog Error: Table with name no_such_table does not exist!$/,
        ],
        ['select no_such_column', 'Binder Error', /^Binder Error: Referenced column "no_such_column" was not found/],
        ['selec 1', 'Parser Error', /^Parser Error: syntax error at or near "selec"$/],
        ["select cast('x' as int)", 'Conversion Error', /^Conversion Error: Could not convert string 'x' to INT32$/],
      ] as const;
      for (const [sql, name, message] of cases) {
        const error = await rejection(engine.stream(sql));
        assert.equal(error.code, 'SQL_ERROR', sql);
        assert.equal(error.engineErrorName, name, sql);
        assert.match(error.message, message);
        assert.equal(error.hint, undefined, `${sql}: no hint, the table it names is not gamepipe's`);
      }
      // A table of gamepipe's the lake does not declare yet: the hint says how to declare it.
      const missing = await rejection(engine.stream('select count(*) from events_buy'));
      assert.equal(missing.engineErrorName, 'Catalog Error');
      assert.equal(missing.hint, 'create it with: gamepipe tables create all');
    } finally {
      await engine.close();
    }
  });
});

/** A Trino that answers each statement from `answer`: rows, or a failure under an engine error name. */
function scriptedTrino(answer: (sql: string) => unknown[][] | GamepipeError): QueryEngine & { statements: string[] } {
  const statements: string[] = [];
  return {
    name: 'trino',
    statements,
    async stream(sql: string, sink: QuerySink = {}) {
      statements.push(sql);
      const answered = answer(sql);
      if (answered instanceof GamepipeError) throw answered;
      sink.onColumns?.(['c']);
      await sink.onRows?.(answered);
      return { columns: ['c'], rowCount: answered.length };
    },
    close: async () => undefined,
  };
}

/** A failure whose message says nothing the registry could match: only its name tells what happened. */
const failure = (engineErrorName: string) =>
  new GamepipeError('SQL_ERROR', `${engineErrorName}: (message withheld)`, { engineErrorName });

const registryOn = (engine: QueryEngine) =>
  new HiveTableRegistry({ engine, catalog: 'hive', schema: 's', lakeUri: 'file:///lake' });

describe("HiveTableRegistry tells Trino's failures apart by their error name", () => {
  it('takes ALREADY_EXISTS from register_partition as done: another process registered the partition', async () => {
    const engine = scriptedTrino((sql) => (sql.startsWith('CALL') ? failure('ALREADY_EXISTS') : []));
    await registryOn(engine).addPartitions(buySpec, ['dt=2026-11-28']);
    assert.equal(engine.statements.filter((s) => s.includes('register_partition')).length, 1);
  });

  it('skips, for dates given, the dead-letter partitions whose writer directory does not exist (INVALID_PROCEDURE_ARGUMENT)', async () => {
    const engine = scriptedTrino((sql) =>
      sql.includes(`ARRAY['buy', '2026-11-28']`)
        ? []
        : sql.startsWith('CALL')
          ? failure('INVALID_PROCEDURE_ARGUMENT')
          : [],
    );
    await registryOn(engine).addPartitions(deadLetterSpec, ['dt=2026-11-28']);
    assert.ok(engine.statements.filter((s) => s.includes('register_partition')).length > 1, 'every writer was tried');
  });

  it('names a missing table directory in one line (INVALID_TABLE_PROPERTY), and passes any other failure on as it came', async () => {
    const refused = scriptedTrino((sql) => (sql.startsWith('CREATE TABLE') ? failure('INVALID_TABLE_PROPERTY') : []));
    const error = await rejection(registryOn(refused).create([buySpec]));
    assert.equal(error.code, 'LAKE_NOT_FOUND');
    assert.equal(
      error.message,
      'events_buy: file:///lake/events_buy does not exist, and Trino declares external tables only over existing directories',
    );

    const down = failure('HIVE_METASTORE_ERROR');
    const other = scriptedTrino((sql) => (sql.startsWith('CALL') ? down : []));
    assert.equal(await rejection(registryOn(other).addPartitions(buySpec, ['dt=2026-11-28'])), down);
  });
});
