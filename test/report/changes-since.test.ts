import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { generateRestatement } from '../../src/report/generate-report.js';
import type { DailyTally } from '../../src/simulate/simulation-tally.js';
import { gamepipe } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createTables, simulate, streamOnce, testConfig } from './simulated-lake.js';

const byDay = (daily: DailyTally[]) => new Map(daily.map((d) => [d.day, d]));
const cents = (n: number) => Math.round(n * 100);

describe('gamepipe report --changes-since: late events restated', () => {
  it('names each day late events changed, by exactly what they added, and when they happened and arrived', async () => {
    const dataDir = tempDir();
    // Three days of play, landed and reported; then other players' events of the same days arrive late.
    const onTime = await simulate(dataDir, 3, 120, 11);
    await streamOnce(dataDir);
    await createTables(testConfig(dataDir));
    await sleep(5);
    const reportedAt = Date.now();
    await sleep(5);
    const late = await simulate(dataDir, 3, 40, 12);
    await streamOnce(dataDir);

    const r = await generateRestatement(testConfig(dataDir), onTime.firstDay, reportedAt);
    const before = byDay(onTime.summary.daily);
    const added = byDay(late.summary.daily);
    const lateDays = late.summary.daily.filter((d) => d.events > 0).map((d) => d.day);
    assert.deepEqual(
      r.days.map((d) => d.day),
      lateDays,
      'every day with late events, and no other',
    );
    assert.equal(r.lateEvents, late.summary.events, 'every late event counted once');
    for (const d of r.days) {
      const b = before.get(d.day);
      const a = added.get(d.day)!;
      assert.equal(d.lateEvents, a.events, `${d.day}: late events`);
      assert.deepEqual(d.dau, { before: b?.dau ?? 0, now: (b?.dau ?? 0) + a.dau }, `${d.day}: DAU`);
      assert.deepEqual(d.newPlayers, { before: b?.signups ?? 0, now: (b?.signups ?? 0) + a.signups }, `${d.day}: new`);
      assert.deepEqual(d.purchases, { before: b?.purchases ?? 0, now: (b?.purchases ?? 0) + a.purchases });
      assert.equal(cents(d.revenue.before), cents(b?.revenue ?? 0), `${d.day}: revenue before`);
      assert.equal(cents(d.revenue.now), cents((b?.revenue ?? 0) + a.revenue), `${d.day}: revenue now`);
      assert.ok(d.arrived.first >= new Date(reportedAt).toISOString(), `${d.day}: arrived after the report`);
      assert.ok(d.happened.first.startsWith(d.day) && d.happened.last.startsWith(d.day), `${d.day}: happened that day`);
    }

    const onTimeCohorts = new Map(onTime.summary.cohorts.map((c) => [c.cohort, c]));
    const lateCohorts = late.summary.cohorts.filter((c) => c.players > 0);
    assert.deepEqual(
      r.cohorts.map((c) => c.cohort),
      lateCohorts.map((c) => c.cohort),
      'the cohorts late sign-ups joined',
    );
    for (const c of r.cohorts) {
      const b = onTimeCohorts.get(c.cohort);
      const a = lateCohorts.find((l) => l.cohort === c.cohort)!;
      assert.deepEqual(c.players, { before: b?.players ?? 0, now: (b?.players ?? 0) + a.players });
      if (a.d1 === null) assert.equal(c.d1, null, `${c.cohort}: day 1 had not ended when reported`);
      else assert.deepEqual(c.d1, { before: b?.d1 ?? 0, now: (b?.d1 ?? 0) + a.d1 }, `${c.cohort}: D1`);
    }

    const nothingSince = await generateRestatement(testConfig(dataDir), onTime.firstDay, Date.now());
    assert.deepEqual(nothingSince.days, [], 'nothing arrived since now');

    const cli = gamepipe(['report', '--data-dir', dataDir, '--changes-since', '1h', '--format', 'json'], {
      timeoutMs: 60_000,
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(
      JSON.parse(cli.stdout).lateEvents,
      late.summary.events + onTime.summary.events,
      'all arrived within the hour',
    );
    const text = gamepipe(['report', '--data-dir', dataDir, '--changes-since', new Date(reportedAt).toISOString()]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^${late.summary.events.toLocaleString('en-US')} late events since`));
    assert.ok(
      text.stdout.split('\n').every((line) => line.length <= 80),
      'fits 80 columns',
    );
  });

  it('refuses a time it cannot read or one in the future in one line, exit 2', () => {
    const dataDir = tempDir();
    for (const bad of ['tomorrow', '2099-01-01', '2026-12-05T18:00:00', '-3d']) {
      const r = gamepipe(['report', '--data-dir', dataDir, '--changes-since', bad]);
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${bad}: one line: ${r.stderr}`);
      assert.match(r.stderr, /--changes-since/);
    }
  });
});
