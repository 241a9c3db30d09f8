// Black/white list entries as CSV (RFC 4180), for export and import. An
// export can be imported again: the first four columns are what an import
// reads, the rest (source, hits, last hit) are for people.
//
//   type,value,reason,expires,source,hits,last_hit_at
//   number,13700000001,hoax calls,2026-12-31,runtime,3,2026-11-23T08:00:00.000Z
//   prefix,0095,scam calls,,config,0,
//
// Each row of an import is checked alone; a bad row is reported by its line
// number and the others are taken.
import type { ListEntryView } from '../contracts/routing.js';
import { LIST_NUMBER_RE } from '../contracts/values.js';
import { csvCell } from '../lifecycle/csv.js';

export const CSV_HEADER = ['type', 'value', 'reason', 'expires', 'source', 'hits', 'last_hit_at'];

export function entriesToCsv(entries: readonly ListEntryView[]): string {
  const rows = entries.map((e) => [e.number !== null ? 'number' : 'prefix', e.number ?? e.prefix, e.reason, e.expires, e.source, e.hits, e.lastHitAt].map(csvCell).join(','));
  return `${[CSV_HEADER.join(','), ...rows].join('\r\n')}\r\n`;
}

/** RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\ufeff/, '');
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

export interface ImportedEntry {
  number: string | null;
  prefix: string | null;
  reason: string | null;
  expires: string | null;
}

/** The rows of an import, each checked; problems name the line. */
export function entriesFromCsv(text: string): { entries: ImportedEntry[]; problems: string[] } {
  const entries: ImportedEntry[] = [];
  const problems: string[] = [];
  const rows = parseCsv(text);
  const start = rows[0]?.[0]?.trim().toLowerCase() === 'type' ? 1 : 0;
  for (let r = start; r < rows.length; r++) {
    const line = r + 1;
    const [type = '', rawValue = '', reason = '', expires = ''] = rows[r]!.map((f) => f.trim());
    const value = rawValue.replace(/^'/, '').replace(/[\s-]/g, '');
    if (type !== 'number' && type !== 'prefix') {
      problems.push(`line ${line}: the type must be number or prefix, got ${JSON.stringify(type.slice(0, 20))}`);
      continue;
    }
    if (!LIST_NUMBER_RE.test(value)) {
      problems.push(`line ${line}: ${JSON.stringify(rawValue.slice(0, 30))} is not a number (an optional + and 1–24 digits)`);
      continue;
    }
    if (expires && !/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
      problems.push(`line ${line}: expires must be YYYY-MM-DD, got ${JSON.stringify(expires.slice(0, 20))}`);
      continue;
    }
    if (reason.length > 120) {
      problems.push(`line ${line}: the reason is longer than 120 characters`);
      continue;
    }
    entries.push({ number: type === 'number' ? value : null, prefix: type === 'prefix' ? value : null, reason: reason || null, expires: expires || null });
  }
  return { entries, problems };
}
