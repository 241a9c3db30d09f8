// One CSV cell (RFC 4180 quoting) for the exports people open in a
// spreadsheet: call records, black/white lists.

/** RFC 4180 quoting; a cell that a spreadsheet would run as a formula is defused with a leading quote. */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
