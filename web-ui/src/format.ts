// Display formatting (numbers, durations, times) in the current language,
// and the daemon's own texts (phrases) in it.
import { renderWith, type Phrase } from '../../daemon/src/contracts/phrases/render.js';
import { getLang, hasMessage, phrasebook, t } from './i18n';

export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return t('dashboard.uptimeDays', { d, h, m });
  if (h > 0) return t('dashboard.uptimeHours', { h, m });
  return t('dashboard.uptimeMinutes', { m });
}

/** Percent given as 0–100. */
export function formatPercent(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return t('dashboard.notAvailable');
  return new Intl.NumberFormat(getLang(), { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

/** A size in bytes, in decimal gigabytes (as disks and boards are sold). */
export function formatGigabytes(bytes: number): string {
  return new Intl.NumberFormat(getLang(), { style: 'unit', unit: 'gigabyte', maximumFractionDigits: 1 }).format(bytes / 1e9);
}

export function formatTemp(value: number): string {
  return `${new Intl.NumberFormat(getLang(), { maximumFractionDigits: 1 }).format(value)} °C`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Local date and time as "2025-03-01 14:05:09": unambiguous in both
 * languages (no US month/day order), sortable, fixed width in tables.
 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** A datetime-local field's value (local wall time) as ISO UTC; anything unparsable goes as typed, for the server to say why. */
export function localToIso(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** An ISO time as a datetime-local field's value (local wall time, to the minute); '' for none or unparsable. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Call length as mm:ss (minutes keep counting past 59: 75:03). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return t('common.none');
  const s = Math.max(0, Math.floor(seconds));
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

/** The message `prefix.value` if there is one (a known API value), else the value as sent. */
export function labelOf(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return hasMessage(key) ? t(key) : value;
}

/** The same instant in UTC, "2025-03-01 13:05:09 UTC" (for hover titles next to local times). */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/**
 * A text the daemon made, in the current language: its phrase when it sent
 * one (times in it shown in local time), else its English as sent.
 */
export function say(phrase: Phrase | null | undefined, english: string): string {
  if (!phrase) return english;
  return renderWith(phrase, phrasebook(), getLang(), (_name, v) => (typeof v === 'string' && ISO_UTC.test(v) ? formatDateTime(v) : undefined));
}
