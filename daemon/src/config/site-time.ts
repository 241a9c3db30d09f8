// The site's time zone (`timeZone` in the configuration, else the board's
// own) and times written in it: SMS texts, CSV exports and their file names,
// backups. A reader on site or on call reads local time; the offset beside it
// keeps each time exact for anyone else (and across a change of summer time).

/** Whether `tz` is an IANA time zone this runtime knows (Asia/Shanghai, UTC…). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The board's own time zone (its TZ or /etc/localtime, as the runtime reads it). */
export function boardTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function siteTimeZone(configured: string | undefined): string {
  return configured ?? boardTimeZone();
}

function parts(d: Date, tz: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZoneName: 'longOffset' });
  const out: Record<string, string> = {};
  for (const p of f.formatToParts(d)) out[p.type] = p.value;
  if (out.hour === '24') out.hour = '00';
  return out;
}

/** The zone's offset at that instant, "+08:00" ("+00:00" for UTC). */
export function offsetAt(d: Date, tz: string): string {
  const name = parts(d, tz).timeZoneName ?? 'GMT';
  const m = /GMT([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
  return m ? `${m[1]}${m[2]!.padStart(2, '0')}:${m[3] ?? '00'}` : '+00:00';
}

/** "2026-11-25 09:30:00+08:00": local time with its offset (ISO-8601 with a space). */
export function siteTime(iso: string | Date, tz: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = parts(d, tz);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}${offsetAt(d, tz)}`;
}

/** "2026-11-25_093000+0800": a time for a file name (no colons). */
export function fileStamp(d: Date, tz: string): string {
  const p = parts(d, tz);
  return `${p.year}-${p.month}-${p.day}_${p.hour}${p.minute}${p.second}${offsetAt(d, tz).replace(':', '')}`;
}
