// CSV exports (calls, audit): RFC 4180, UTF-8 with a byte-order mark (so
// spreadsheet programs read Chinese names), streamed page by page, times in
// the site's time zone with their offset, the file named with the site and
// its local time.
import type { Response } from 'express';
import { fileStamp, siteTime } from '../config/site-time.js';
import { csvCell } from '../lifecycle/csv.js';

export type CsvValue = string | number | boolean | null;
export type CsvColumns<T> = Array<[string, (row: T) => CsvValue]>;

// One cell: the same quoting as the routing lists' CSV (lifecycle/csv.ts).
export { csvCell };

/** A time of a record as the CSV shows it: local to the site, with the offset. */
export const csvTime = (iso: string | null, tz: string): string | null => (iso ? siteTime(iso, tz) : null);

/**
 * Answer with a CSV file named `<what>-<site>-<local time>.csv`, fetching the
 * rows a page at a time (`next` gets the last row of the page before, or
 * undefined for the first; a page shorter than `pageSize` is the last).
 */
export async function streamCsv<T>(res: Response, o: { what: string; site: string; tz: string; columns: CsvColumns<T>; pageSize: number; next: (after: T | undefined) => Promise<T[]> }): Promise<void> {
  res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${o.what}-${o.site}-${fileStamp(new Date(), o.tz)}.csv"` });
  res.write(`\uFEFF${o.columns.map(([h]) => h).join(',')}\r\n`);
  let closed = false;
  res.on('close', () => (closed = true));
  let last: T | undefined;
  let page: T[];
  do {
    page = await o.next(last);
    const text = page.map((row) => o.columns.map(([, get]) => csvCell(get(row))).join(',')).join('\r\n');
    if (text && !res.write(`${text}\r\n`)) await new Promise((r) => res.once('drain', r));
    last = page[page.length - 1];
  } while (page.length === o.pageSize && !closed);
  res.end();
}
