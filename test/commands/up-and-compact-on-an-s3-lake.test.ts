import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gamepipe, gamepipeInBackground, sh } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import {
  HIVE_METASTORE_URL,
  requireHiveMetastore,
  requireTrinoOnHiveMetastore,
  TRINO_ON_HIVE_METASTORE_URL,
} from '../helpers/services.js';
import { tempDir, uniqueName } from '../helpers/temp-dir.js';
import { requireS3, S3_BUCKET, S3_ENDPOINT } from '../lake/s3-test-server.js';

const TRINO_URL = TRINO_ON_HIVE_METASTORE_URL ?? 'http://127.0.0.1:8081';
const schemas: string[] = [];
after(() => {
  for (const schema of schemas)
    gamepipe(['query', `drop schema if exists hive.${schema} cascade`, '--trino-url', TRINO_URL]);
});

/** Flags for a fresh S3 lake whose tables Trino reads through the test metastore, in a schema of its own. */
function s3Pipeline(label: string): string[] {
  const schema = uniqueName(label).replace(/[^A-Za-z0-9]/g, '_');
  schemas.push(schema);
  const lake = `s3://${S3_BUCKET}/gamepipe-tests/${uniqueName(label)}`;
  return [
    '--lake',
    lake,
    '--s3-endpoint',
    S3_ENDPOINT,
    '--trino-url',
    TRINO_URL,
    '--metastore-url',
    HIVE_METASTORE_URL,
    '--schema',
    schema,
  ];
}

describe('a lake on S3, read by Trino', () => {
  it('up serves the game and lands purchases in the bucket, where Trino counts them; status names the S3 lake', async (t) => {
    for (const ready of [requireS3, requireHiveMetastore, requireTrinoOnHiveMetastore]) if (!(await ready(t))) return;
    const cwd = tempDir();
    const flags = s3Pipeline('gp_up_s3');
    const up = await gamepipeInBackground(
      ['up', '--port', '0', '--trigger', '200ms', ...flags],
      'Ctrl-C stops everything',
      {
        cwd,
      },
    );
    const url = /listening on (\S+)/.exec(up.output())![1]!;
    sh(`curl -s -c cookies -b cookies '${url}/signup?username=ann&password=pw1'`, cwd);
    for (let i = 0; i < 5; i++) assert.equal(sh(`curl -s -b cookies ${url}/buy/sword`, cwd), 'Bought a sword!\n');
    const swords = () =>
      gamepipe(['query', "select count(*) from events_buy where item_type = 'sword'", '--format', 'csv', ...flags], {
        cwd,
      }).stdout;
    assert.ok(await eventually(() => swords() === '_col0\n5\n', 60_000), `Trino counts the swords: ${swords()}`);
    const port = new URL(url).port;
    const status = gamepipe(['status', '--json', '--port', port, ...flags], { cwd });
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /s3:\/\//);
    assert.equal(await up.stop('SIGINT'), 0);
    assert.equal(swords(), '_col0\n5\n', 'each purchase once');
  });

  it('tables compact merges closed days into a new generation switched in the metastore: Trino counts the same, verify stays clean', async (t) => {
    for (const ready of [requireS3, requireHiveMetastore, requireTrinoOnHiveMetastore]) if (!(await ready(t))) return;
    const cwd = tempDir();
    const flags = s3Pipeline('gp_compact_s3');
    const run = (args: string[]) => {
      const result = gamepipe([...args, ...flags], { cwd });
      assert.equal(result.status, 0, `gamepipe ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    run(['simulate', '--players', '60', '--days', '3', '--no-land']);
    run(['tables', 'create', 'all']);
    run(['stream', 'all', '--once', '--max-batch', '20']);
    const counts = () =>
      run(['query', 'select dt, count(*) from events_user group by dt order by dt', '--format', 'csv']);
    const before = counts();
    assert.ok(before.split('\n').length >= 4, `several days: ${before}`);
    const compacted = run(['tables', 'compact', 'all', '--grace', '1s']);
    assert.match(compacted, /files merged into \d+ \(\d+ rows\) in generation 1/);
    assert.equal(counts(), before, 'Trino counts each row once, read from the new generation');
    const verify = gamepipe(['verify', ...flags], { cwd });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  });
});
