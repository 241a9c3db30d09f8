// A holiday calendar from a file, for `callpoint route holidays FILE`: the
// public holidays and the make-up working days (调休) as the configuration's
// calendars[] entry. Two forms:
//   CSV: date,to,kind,name — kind holiday (or 休) / workday (or 班); `#` lines
//        are comments (provisioning/holidays/cn-2026.csv);
//   iCalendar (.ics, RFC 5545): all-day VEVENTs (DTSTART;VALUE=DATE, DTEND
//        exclusive); an event whose SUMMARY says 班, 补班, 调休上班 or
//        "working day" is a make-up working day, every other a holiday.
import type { CalendarConfig } from '../config/schema.js';
import { parseCsv } from './list-csv.js';

export interface HolidayFile {
  holidays: CalendarConfig['holidays'];
  workdays: CalendarConfig['workdays'];
  problems: string[];
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const WORKDAY = /(补班|调休上班|上班|^班|\(班\)|（班）|working ?day|make-?up)/i;

function isoOf(compact: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : DATE.test(compact) ? compact : null;
}

function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function fromCsv(text: string): HolidayFile {
  const out: HolidayFile = { holidays: [], workdays: [], problems: [] };
  const lines = text.split(/\r?\n/);
  const body = lines.filter((l) => !l.trimStart().startsWith('#')).join('\n');
  const rows = parseCsv(body);
  const start = rows[0]?.[0]?.trim().toLowerCase() === 'date' ? 1 : 0;
  rows.slice(start).forEach((r, i) => {
    const [date = '', to = '', kind = '', name = ''] = r.map((f) => f.trim());
    const where = `row ${start + i + 1}`;
    if (!DATE.test(date) || (to && !DATE.test(to))) return void out.problems.push(`${where}: a date is YYYY-MM-DD (got ${JSON.stringify(date)}${to ? `, ${JSON.stringify(to)}` : ''})`);
    if (to && to < date) return void out.problems.push(`${where}: ${to} is before ${date}`);
    if (/^(holiday|休)$/i.test(kind)) out.holidays.push({ date, ...(to && to !== date ? { to } : {}), ...(name ? { name } : {}) });
    else if (/^(workday|班)$/i.test(kind)) {
      if (to && to !== date) return void out.problems.push(`${where}: a make-up working day is one date`);
      out.workdays.push({ date, ...(name ? { name } : {}) });
    } else out.problems.push(`${where}: kind must be holiday or workday (休/班), got ${JSON.stringify(kind)}`);
  });
  return out;
}

/** Unfold RFC 5545 content lines and read the all-day events. */
function fromIcs(text: string): HolidayFile {
  const out: HolidayFile = { holidays: [], workdays: [], problems: [] };
  const lines = text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  let ev: Record<string, string> | null = null;
  let n = 0;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') ev = {};
    else if (line === 'END:VEVENT' && ev) {
      n++;
      const start = isoOf(ev.DTSTART ?? '');
      const endExcl = ev.DTEND ? isoOf(ev.DTEND) : null;
      const name = (ev.SUMMARY ?? '').replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ').trim();
      if (!start) out.problems.push(`event ${n} (${name || 'no summary'}): not an all-day event (DTSTART;VALUE=DATE)`);
      else {
        const last = endExcl && endExcl > start ? dayBefore(endExcl) : start;
        if (WORKDAY.test(name)) out.workdays.push({ date: start, ...(name ? { name } : {}) });
        else out.holidays.push({ date: start, ...(last !== start ? { to: last } : {}), ...(name ? { name } : {}) });
      }
      ev = null;
    } else if (ev) {
      const m = /^([A-Z-]+)(;[^:]*)?:(.*)$/.exec(line);
      if (m) ev[m[1]!] = m[3]!;
    }
  }
  if (!n) out.problems.push('no VEVENT in the file');
  return out;
}

export function parseHolidayFile(text: string): HolidayFile {
  const f = /BEGIN:VCALENDAR/.test(text) ? fromIcs(text) : fromCsv(text);
  f.holidays.sort((a, b) => a.date.localeCompare(b.date));
  f.workdays.sort((a, b) => a.date.localeCompare(b.date));
  return f;
}
