import { count, money } from './format-figures.js';
import type { FigureChange, Restatement } from './restatement.js';
import { fitLine, textTable } from './text-table.js';

const signed = (n: number, format: (n: number) => string) => (n > 0 ? `+${format(n)}` : `-${format(-n)}`);

/** `415 (+3)`: the figure now and what late events changed it by, or the figure alone when they did not. */
function changeText(c: FigureChange | null, format: (n: number) => string = count): string {
  if (c === null) return '-';
  if (c.before === c.now) return format(c.now);
  return `${format(c.now)} (${signed(c.now - c.before, format)})`;
}

/** `2026-12-05T18:03:07.120Z` as `12-05 18:03`: the year is the day's. */
const shortTime = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
const span = (first: string, last: string) =>
  shortTime(first) === shortTime(last) ? shortTime(first) : `${shortTime(first)} – ${shortTime(last)}`;

/** `report --changes-since` for a terminal `width` columns wide: what arrived late, then what it changed. */
export function renderRestatementText(r: Restatement, width: number): string {
  const at = `${r.changesSince.slice(0, 16).replace('T', ' ')} UTC`;
  if (r.days.length === 0) {
    return `${fitLine(`No late events since ${at}: no day before it changed (report from ${r.since}, ${r.engine}).`, width)}\n`;
  }
  const dayCount = `${r.days.length} day${r.days.length === 1 ? '' : 's'}`;
  const lines = [
    fitLine(
      `${count(r.lateEvents)} late event${r.lateEvents === 1 ? '' : 's'} since ${at}, for ${dayCount} before it (${r.engine})`,
      width,
    ),
    '',
    'What arrived (UTC)',
    ...textTable(
      [{ header: 'day', align: 'left' }, { header: 'late events' }, { header: 'happened' }, { header: 'arrived' }],
      r.days.map((d) => [
        d.day,
        count(d.lateEvents),
        span(d.happened.first, d.happened.last),
        span(d.arrived.first, d.arrived.last),
      ]),
      width,
    ),
    '',
    'What changed: each figure now (by how much since)',
    ...textTable(
      [
        { header: 'day', align: 'left' },
        { header: 'DAU' },
        { header: 'new players' },
        { header: 'purchases' },
        { header: 'revenue' },
      ],
      r.days.map((d) => [
        d.day,
        changeText(d.dau),
        changeText(d.newPlayers),
        changeText(d.purchases),
        changeText(d.revenue, money),
      ]),
      width,
    ),
  ];
  if (r.cohorts.length > 0) {
    lines.push(
      '',
      'Retention by sign-up cohort, now (by how much since; -: day N not over)',
      ...textTable(
        [
          { header: 'cohort', align: 'left' },
          { header: 'players' },
          { header: 'D1' },
          { header: 'D7' },
          { header: 'D30' },
        ],
        r.cohorts.map((c) => [c.cohort, changeText(c.players), changeText(c.d1), changeText(c.d7), changeText(c.d30)]),
        width,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
