import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { deploymentOf } from '../../src/config/deployment.js';

const deployment = (flags: Record<string, string>) => deploymentOf(loadConfig({ flags, env: {} }));

describe('the deployment, decided once from the config', () => {
  it('is the embedded log under DuckDB by default: queries read the tail, both compactions allowed', () => {
    assert.deepEqual(deployment({}), {
      log: 'embedded',
      engine: 'duckdb',
      tableFormat: 'hive',
      queriesReadLogTail: true,
      sealsPersonalFields: false,
      switchesPartitionsAtomically: true,
      compaction: { openDaysBySwap: true, closedDays: true },
    });
    assert.equal(deployment({ logPersonalFields: 'encrypted' }).sealsPersonalFields, true);
  });

  it('under Trino without a metastore gamepipe reaches, compacts nothing (readers cannot be switched atomically)', () => {
    const d = deployment({ kafkaBrokers: '127.0.0.1:9092', trinoUrl: 'http://127.0.0.1:8080' });
    assert.equal(d.log, 'kafka');
    assert.equal(d.engine, 'trino');
    assert.equal(d.queriesReadLogTail, false);
    assert.deepEqual(d.compaction, { openDaysBySwap: false, closedDays: false });
    const withMetastore = deployment({ trinoUrl: 'http://127.0.0.1:8080', metastoreUrl: 'thrift://127.0.0.1:9083' });
    assert.deepEqual(withMetastore.compaction, { openDaysBySwap: false, closedDays: true });
  });

  it('on an object store, never merges open days (renames there are a copy and a delete), and compacts closed days only through a metastore', () => {
    assert.deepEqual(deployment({ lake: 's3://game-lake/events' }).compaction, {
      openDaysBySwap: false,
      closedDays: false,
    });
    assert.deepEqual(
      deployment({ lake: 's3a://game-lake/events', metastoreUrl: 'thrift://127.0.0.1:9083' }).compaction,
      { openDaysBySwap: false, closedDays: true },
    );
    assert.deepEqual(deployment({ lake: 's3://game-lake/events', trinoUrl: 'http://127.0.0.1:8080' }).compaction, {
      openDaysBySwap: false,
      closedDays: false,
    });
  });

  it('keeps Hive tables unless Iceberg is asked for, and refuses another format in one line', () => {
    assert.equal(deployment({ tableFormat: 'iceberg' }).tableFormat, 'iceberg');
    assert.equal(
      deploymentOf(loadConfig({ flags: {}, env: { GAMEPIPE_TABLE_FORMAT: 'iceberg' } })).tableFormat,
      'iceberg',
    );
    assert.throws(() => deployment({ tableFormat: 'delta' }), /table format.*hive or iceberg/i);
  });
});
