// Week schedules with holidays: open (day) or closed (night) at a moment, and
// why. A holiday of the schedule's calendar is closed all day; a make-up
// working day (调休, a Saturday or Sunday worked) has the hours of the weekday
// named by workdayAs. Night mode, set by a person or central, overrides every
// schedule until it is set back to auto.
import type { CalendarConfig, ScheduleConfig } from '../config/schema.js';
import type { NightMode } from '../contracts/values.js';

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** mon … sun */
  weekday: string;
  /** Minutes since local midnight. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The date, weekday and minute of a moment in a time zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(at)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: (p.weekday ?? '').toLowerCase().slice(0, 3), minute: Number(p.hour) * 60 + Number(p.minute) };
}

const toMinute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Every date from..to inclusive (YYYY-MM-DD), at most a year. */
function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  for (let i = 0; d <= end && i < 366; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

export interface ScheduleState {
  open: boolean;
  why: string;
}

export class CompiledSchedule {
  readonly id: string;
  readonly timeZone: string;
  private readonly holidays = new Map<string, string>();
  private readonly workdays = new Map<string, string>();
  private readonly week: Record<string, Array<[number, number, string]>> = {};

  constructor(
    private readonly s: ScheduleConfig,
    calendar: CalendarConfig | undefined,
    defaultZone: string,
  ) {
    this.id = s.id;
    this.timeZone = s.timezone ?? defaultZone;
    for (const h of calendar?.holidays ?? []) for (const d of datesBetween(h.date, h.to ?? h.date)) this.holidays.set(d, h.name ?? 'holiday');
    for (const w of calendar?.workdays ?? []) this.workdays.set(w.date, w.name ?? 'make-up working day');
    for (const [day, ranges] of Object.entries(s.week)) this.week[day] = ranges.map((r) => [toMinute(r.slice(0, 5)), toMinute(r.slice(6)), r]);
  }

  /** The day's open ranges ([from, to) in minutes) and what kind of day it is. */
  private dayOf(t: LocalTime): { holiday?: string; made?: string; day: string; ranges: Array<[number, number, string]> } {
    const holiday = this.holidays.get(t.date);
    if (holiday) return { holiday, day: t.weekday, ranges: [] };
    const made = this.workdays.get(t.date);
    const day = made ? this.s.workdayAs : t.weekday;
    return { made, day, ranges: this.week[day] ?? [] };
  }

  /** Open or closed at `at`, before any override. */
  stateAt(at: Date): ScheduleState {
    const t = localTime(at, this.timeZone);
    const { holiday, made, day, ranges } = this.dayOf(t);
    if (holiday) return { open: false, why: `${this.id}: ${t.date} is a holiday (${holiday})` };
    const hhmm = `${String(Math.floor(t.minute / 60)).padStart(2, '0')}:${String(t.minute % 60).padStart(2, '0')}`;
    const on = made ? ` (${made}, hours of ${day})` : ` (${day})`;
    const r = ranges.find(([from, to]) => t.minute >= from && t.minute < to);
    if (r) return { open: true, why: `${this.id}: open at ${hhmm}, within ${r[2]}${on}` };
    if (!ranges.length) return { open: false, why: `${this.id}: closed all day${on}` };
    return { open: false, why: `${this.id}: closed at ${hhmm}, outside ${ranges.map((x) => x[2]).join(', ')}${on}` };
  }

  /**
   * The next moment after `at` the schedule opens or closes (before any
   * override), looking `days` ahead; null when it does not change in that
   * time. It jumps from one boundary of a day (a range's start or end,
   * midnight) to the next: a few dozen steps for a week, not one per minute.
   * Across a daylight-saving change a jump can land an hour off (China has none).
   */
  nextChange(at: Date, days = 8): Date | null {
    const open = this.stateAt(at).open;
    const end = at.getTime() + days * 86_400_000;
    let t = Math.floor(at.getTime() / 60_000) * 60_000;
    while (t < end) {
      const l = localTime(new Date(t), this.timeZone);
      let next = 24 * 60;
      for (const [from, to] of this.dayOf(l).ranges) {
        if (from > l.minute) next = Math.min(next, from);
        if (to > l.minute) next = Math.min(next, to);
      }
      t += (next - l.minute) * 60_000;
      if (this.stateAt(new Date(t)).open !== open) return new Date(t);
    }
    return null;
  }

  /** With night mode applied: `night` closes and `day` opens every schedule. */
  state(at: Date, override: NightMode): ScheduleState {
    if (override === 'night') return { open: false, why: `${this.id}: night mode is on` };
    if (override === 'day') return { open: true, why: `${this.id}: day mode is on` };
    return this.stateAt(at);
  }
}
