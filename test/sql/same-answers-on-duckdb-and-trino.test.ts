import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { EmbeddedEventLog } from '../../src/eventlog/embedded/embedded-event-log.js';
import { newEventId } from '../../src/events/event-id.js';
import { gamepipe } from '../helpers/cli.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { requireHdfs, requireTrino, TRINO_URL } from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';

const DAY_MS = 86_400_000;
const items = ['sword', 'potion', 'shield', 'arrows'];
const qualities = ['common', 'rare', 'epic'];
const guilds = ['knights', 'dragons', 'mages'];

/** Buys and guild joins over three days, with every column filled. */
function events(n: number): { key: string; value: string }[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => {
    const base = {
      event_id: newEventId(),
      event_ts: now - (i % 3) * DAY_MS - i,
      accept: '*/*',
      host: 'h',
      user_agent: 'ua',
      username: `player${i % 13}`,
    };
    const event =
      i % 4 === 3
        ? {
            ...base,
            event_type: 'join_guild',
            guild_name: guilds[i % 3],
            previous_guild: i % 8 === 3 ? null : 'knights',
          }
        : {
            ...base,
            event_type: 'buy_item',
            item_type: items[i % 4],
            item_category: 'weapon',
            item_quality: qualities[i % 3],
            quantity: 1 + (i % 3),
            price: 10.5,
            total_price: 10.5 * (1 + (i % 3)),
            item_count: i,
            inventory_count: i,
          };
    return { key: base.username, value: JSON.stringify(event) };
  });
}

const QUERIES = [
  "select count(*) from events_buy where item_type = 'sword'",
  'select item_type, count(*), sum(quantity), sum(total_price) from events_buy group by 1 order by 1',
  'select item_quality, count(*) from events_buy group by 1 order by 1',
  'select guild_name, count(*), count(previous_guild) from events_guild group by 1 order by 1',
  'select cast(dt as varchar), count(*) from events_buy group by 1 order by 1',
  'select cast(cast(event_ts as date) as varchar), count(distinct username) from events_buy group by 1 order by 1',
  'select username, max(item_count) from events_buy group by 1 order by 1',
];

const schemas: string[] = [];
after(() => {
  for (const schema of schemas)
    gamepipe(['query', `drop schema if exists hive.${schema} cascade`, '--trino-url', TRINO_URL]);
});

function csvRows(result: ReturnType<typeof gamepipe>): string[] {
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim().split('\n').slice(1);
}

describe('the same answers on DuckDB and on Trino over the same files', () => {
  for (const where of ['local directory', 'HDFS'] as const) {
    it(`for a lake in a ${where}: show tables, describe, the sword count and group-bys per item, quality, guild and day`, async (t) => {
      if (!(await requireTrino(t)) || (where === 'HDFS' && !(await requireHdfs(t)))) return;
      const dataDir = tempDir();
      const log = await EmbeddedEventLog.open({ dataDir, topic: 'events' });
      await log.append(events(3_000));
      await log.close();
      const schema = uniqueName('gp').replace(/[^A-Za-z0-9]/g, '_');
      schemas.push(schema);
      const lakeFlags = where === 'HDFS' ? hdfsLake('same-answers').flags : [];
      const duckdb = ['--data-dir', dataDir, ...lakeFlags];
      const trino = [...duckdb, '--trino-url', TRINO_URL, '--schema', schema];
      assert.equal(gamepipe(['stream', 'all', '--once', ...duckdb]).status, 0);
      assert.equal(
        gamepipe(['tables', 'create', 'all', ...trino]).status,
        0,
        'tables created in the metastore, existing partitions declared',
      );

      if (where === 'HDFS') {
        // DuckDB cannot read hdfs://: compare Trino on HDFS with DuckDB on the same events landed locally.
        assert.equal(gamepipe(['stream', 'all', '--once', '--data-dir', dataDir]).status, 0);
        duckdb.splice(2);
      }
      assert.equal(gamepipe(['tables', 'create', 'all', ...duckdb]).status, 0);
      for (const sql of QUERIES) {
        assert.deepEqual(
          csvRows(gamepipe(['query', sql, '--format', 'csv', ...trino])),
          csvRows(gamepipe(['query', sql, '--format', 'csv', ...duckdb])),
          sql,
        );
      }
      const tables = (args: string[]) => csvRows(gamepipe(['query', 'show tables', '--format', 'csv', ...args])).sort();
      assert.deepEqual(tables(trino), tables(duckdb));
      const columns = (args: string[]) =>
        csvRows(gamepipe(['query', 'describe events_buy', '--format', 'csv', ...args])).map((l) => l.split(',')[0]);
      assert.deepEqual(columns(trino), columns(duckdb));
    });
  }
});
