import assert from 'node:assert/strict';
import { it } from 'node:test';
import { hiveType } from '../../src/events/field-types.js';
import { tableSpecs } from '../../src/events/tables.js';
import { hiveDdl } from '../../src/sql/hive-ddl.js';

it('derives the Hive external table from the event schemas, column for column', () => {
  const buy = tableSpecs.find((t) => t.table === 'events_buy')!;
  const ddl = hiveDdl(buy, 'hdfs://namenode:8020/lake/events_buy', 'games');
  assert.match(ddl, /^CREATE EXTERNAL TABLE IF NOT EXISTS `games`\.`events_buy` \(\n/);
  const columns = [...ddl.matchAll(/^ {2}`(\w+)` (\w+),?$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(
    columns,
    buy.columns.map((c) => [c.name, hiveType[c.type]]),
  );
  assert.ok(columns.some(([name, type]) => name === 'quantity' && type === 'INT'));
  assert.match(
    ddl,
    /PARTITIONED BY \(`dt` STRING\)\nSTORED AS PARQUET\nLOCATION 'hdfs:\/\/namenode:8020\/lake\/events_buy'\n/,
  );
});
