import assert from 'node:assert/strict';
import { it } from 'node:test';
import { KAFKA_BROKERS, requireKafka } from '../helpers/services.js';
import { uniqueName } from '../helpers/temp-dir.js';
import { gamepipe } from '../helpers/cli.js';
import { landedRun, trace, verify } from './landed-run.js';

it('on a Kafka log with several partitions, verify equals the load run and trace gives the partition and offset of a landed event', async (t) => {
  if (!(await requireKafka(t))) return;
  const flags = [
    '--kafka-brokers',
    KAFKA_BROKERS.join(','),
    '--topic',
    uniqueName('verify').replace(/[^A-Za-z0-9._-]/g, '-'),
  ];
  const run = await landedRun(flags, 400, ['topic', 'create', '--partitions', '3', ...flags]);
  const { status, report } = verify(run);
  assert.equal(status, 0, JSON.stringify(report.findings));
  assert.deepEqual(Object.keys(report.positions.buy!).sort(), ['0', '1', '2']);
  for (const [type, count] of Object.entries(run.summary.accepted.events)) {
    const tally = report.tallies.find((x) => x.eventType === type)!;
    assert.deepEqual([tally.log, tally.lake], [count, type === 'default' ? 0 : count], type);
  }
  const query = gamepipe(
    [
      'query',
      'select event_id, log_partition, log_offset from events_buy order by log_partition desc, log_offset limit 1',
      '--format',
      'csv',
      ...flags,
    ],
    { cwd: run.cwd },
  );
  assert.equal(query.status, 0, query.stderr);
  const [eventId, partition, offset] = query.stdout.trim().split('\n')[1]!.split(',');
  const traced = trace(run, eventId!);
  assert.equal(traced.status, 0);
  assert.deepEqual(
    [traced.trace.stage, traced.trace.log!.partition, traced.trace.log!.offset],
    ['lake', Number(partition), Number(offset)],
  );
});
