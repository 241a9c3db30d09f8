// When a schedule next opens or closes (the night-mode page shows it): the
// end of today's hours, the next working morning after a weekend, after a
// holiday, on a make-up working day (调休), and never for a schedule open or
// closed all week. Times in Asia/Shanghai (UTC+8), the site's zone.
import t from 'tap';
import { configFrom } from '../src/config/load.js';
import { compileTables } from '../src/routing/tables.js';
import { ROUTING_SITE } from './helpers/routing-site.js';

const config = configFrom({
  site: 's',
  node: 'n',
  ...ROUTING_SITE,
  schedules: [
    ...ROUTING_SITE.schedules,
    { id: 'always', week: { mon: ['00:00-24:00'], tue: ['00:00-24:00'], wed: ['00:00-24:00'], thu: ['00:00-24:00'], fri: ['00:00-24:00'], sat: ['00:00-24:00'], sun: ['00:00-24:00'] } },
    { id: 'never', week: {} },
    { id: 'split', week: { mon: ['08:00-12:00', '13:30-17:00'] } },
  ],
});
const schedules = compileTables(config).schedules;
const next = (id: string, at: string) => schedules.get(id)!.nextChange(new Date(at))?.toISOString() ?? null;

t.test('the next change of a schedule', async (t) => {
  // Monday 2026-11-23 10:00 local: open until 18:00 local (10:00Z).
  t.equal(next('office-hours', '2026-11-23T02:00:00Z'), '2026-11-23T10:00:00.000Z', 'open on a Monday morning: closes at 18:00');
  // Monday 20:00 local: opens on Tuesday 08:00 local.
  t.equal(next('office-hours', '2026-11-23T12:00:00Z'), '2026-11-24T00:00:00.000Z', 'closed on a Monday evening: opens Tuesday 08:00');
  // Friday 2026-11-27 19:00 local: nothing at the weekend, Monday 08:00.
  t.equal(next('office-hours', '2026-11-27T11:00:00Z'), '2026-11-30T00:00:00.000Z', 'closed on a Friday evening: opens Monday 08:00');
  // Thursday 2026-09-24 20:00 local: 25–27 are 中秋节, the 28th (Monday) opens.
  t.equal(next('office-hours', '2026-09-24T12:00:00Z'), '2026-09-28T00:00:00.000Z', 'across the Mid-Autumn holiday');
  // Saturday 2026-10-10 is a make-up working day (国庆节调休) with Monday's hours.
  t.equal(next('office-hours', '2026-10-09T12:00:00Z'), '2026-10-10T00:00:00.000Z', 'a make-up Saturday opens at 08:00');
  t.equal(next('split', '2026-11-23T04:30:00Z'), '2026-11-23T05:30:00.000Z', 'closed over lunch: opens again at 13:30');
  t.equal(next('split', '2026-11-23T03:59:30Z'), '2026-11-23T04:00:00.000Z', 'from within a minute of the end');
  t.equal(next('always', '2026-11-23T02:00:00Z'), null, 'open all week: no change');
  t.equal(next('never', '2026-11-23T02:00:00Z'), null, 'closed all week: no change');
});
