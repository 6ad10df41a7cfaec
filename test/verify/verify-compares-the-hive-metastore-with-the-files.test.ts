import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { gamepipe } from '../helpers/cli.js';
import { hdfsLake } from '../helpers/hdfs-lake.js';
import { requireHdfs, requireTrino, TRINO_URL } from '../helpers/services.js';
import { uniqueName } from '../helpers/temp-dir.js';
import { findingsOf, landedRun, verify } from './landed-run.js';

const schema = uniqueName('gpverify').replace(/[^A-Za-z0-9]/g, '_');
after(() => gamepipe(['query', `drop schema if exists hive.${schema} cascade`, '--trino-url', TRINO_URL]));

it('on Trino, a date partition missing from the Hive metastore is named, and so is one registered without its directory', async (t) => {
  if (!(await requireTrino(t)) || !(await requireHdfs(t))) return;
  const lake = hdfsLake('verify-trino');
  const flags = [...lake.flags, '--trino-url', TRINO_URL, '--schema', schema];
  const run = await landedRun(flags, 300);
  const clean = verify(run);
  assert.equal(clean.status, 0, JSON.stringify(clean.report.findings));

  const partitions = gamepipe(['query', 'select dt from "events_buy$partitions"', '--format', 'csv', ...flags], {
    cwd: run.cwd,
  });
  assert.equal(partitions.status, 0, partitions.stderr);
  const dt = partitions.stdout.trim().split('\n')[1]!;
  assert.match(dt, /^\d{4}-\d\d-\d\d$/);
  const call = (procedure: string, value: string) =>
    gamepipe(
      ['query', `CALL hive.system.${procedure}('${schema}', 'events_buy', ARRAY['dt'], ARRAY['${value}'])`, ...flags],
      { cwd: run.cwd },
    );
  assert.equal(call('unregister_partition', dt).status, 0);
  const storage = await lake.open();
  try {
    await storage.mkdirs('events_buy/dt=2020-01-01');
    assert.equal(call('register_partition', '2020-01-01').status, 0);
    await storage.delete('events_buy/dt=2020-01-01', { recursive: true });
  } finally {
    await storage.close();
  }

  const { status, report } = verify(run);
  assert.equal(status, 3);
  const found = findingsOf(report, 'catalog');
  assert.equal(found.length, 2, JSON.stringify(report.findings));
  assert.ok(found.every((f) => f.where === `hive.${schema}.events_buy`));
  assert.match(
    found[0]!.what,
    new RegExp(
      `^partition ${dt} is not registered: queries do not see its \\d+ files? \\(gamepipe tables create all\\)$`,
    ),
  );
  assert.equal(found[1]!.what, 'partition 2020-01-01 is registered but its directory is not in the lake');
});
