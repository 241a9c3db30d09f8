// The log viewer (#/logs, technicians and admins): the daemon's recent lines
// and new ones as they are logged, newest at the bottom as in a terminal.
// Errors and warnings stand out (colour, and a count above the list); the
// level and the part of the daemon (namespace) are filtered by the API, the
// text by the page. Scrolling up pauses the view — new lines are held and
// counted — and scrolling back to the bottom (or the button) follows again.
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime, formatUtc } from '../format';
import { useTitle } from '../hooks';
import type { LogLine } from '../types';
import type { LogFilters } from './api';
import { to } from './i18n';
import { useLogFeed } from './log-feed';

/** The levels offered, lowest first; each shows that level and above. */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Within this many pixels of the bottom counts as at the bottom. */
const BOTTOM_SLACK_PX = 24;

/** Levels the daemon's logger writes (pino's); any other is shown as sent. */
const LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const levelName = (level: string) => (LEVEL_NAMES as readonly string[]).includes(level) ? to(`logs.levelName.${level as (typeof LEVEL_NAMES)[number]}`) : level;

const severity = (level: string) => (level === 'error' || level === 'fatal' ? 'error' : level === 'warn' ? 'warn' : 'plain');
const LEVEL_CLASS = { error: 'badge-down', warn: 'badge-degraded', plain: 'badge-unknown' } as const;

function lineTime(iso: string): string {
  const ms = new Date(iso).getMilliseconds();
  return Number.isNaN(ms) ? iso : `${formatDateTime(iso)}.${String(ms).padStart(3, '0')}`;
}

function matchesText(l: LogLine, words: string[]): boolean {
  if (!words.length) return true;
  const hay = `${l.msg} ${l.ns ?? ''} ${l.extra}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

export function Logs() {
  useTitle(to('logs.title'));
  const [filters, setFilters] = useState<LogFilters>({ level: 'info', ns: '' });
  const [text, setText] = useState('');
  /** Why the view is not following: the reader scrolled up, or pressed Pause. */
  const [pausedBy, setPausedBy] = useState<null | 'scroll' | 'button'>(null);
  const feed = useLogFeed(filters, pausedBy !== null);
  const box = useRef<HTMLDivElement>(null);

  const words = useMemo(() => text.toLowerCase().split(/\s+/).filter(Boolean), [text]);
  const shown = useMemo(() => feed.lines.filter((l) => matchesText(l, words)), [feed.lines, words]);
  const errors = shown.filter((l) => severity(l.level) === 'error').length;
  const warnings = shown.filter((l) => severity(l.level) === 'warn').length;

  // Following: keep the newest line in view.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pausedBy === null) el.scrollTop = el.scrollHeight;
  }, [shown, pausedBy]);

  function onScroll() {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    if (!atBottom && pausedBy === null) setPausedBy('scroll');
    else if (atBottom && pausedBy === 'scroll') follow();
  }

  function follow() {
    feed.flush();
    setPausedBy(null);
  }

  const set = (k: keyof LogFilters) => (e: Event) => {
    const value = (e.currentTarget as HTMLSelectElement).value;
    setFilters((f) => ({ ...f, [k]: value }));
  };

  const state = pausedBy !== null ? 'paused' : feed.status;
  return (
    <section aria-labelledby="page-title" class="logs">
      <h1 id="page-title">{to('logs.title')}</h1>
      <form class="panel form-grid" role="search" aria-label={to('logs.filters')} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="logs-level">{to('logs.level')}</label>
          <select id="logs-level" data-testid="logs-level" value={filters.level} onChange={set('level')}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {to(`logs.levelAtLeast.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="logs-ns">{to('logs.ns')}</label>
          <select id="logs-ns" data-testid="logs-ns" value={filters.ns} onChange={set('ns')}>
            <option value="">{to('logs.nsAll')}</option>
            {feed.namespaces.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="logs-text">{to('logs.text')}</label>
          <input id="logs-text" data-testid="logs-text" type="search" autoComplete="off" title={to('logs.textHint')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
      </form>
      {feed.error && (
        <p class="msg msg-error" role="alert" data-testid="logs-error">
          {describeError(feed.error)}
        </p>
      )}
      <div class="log-bar">
        <span class={`badge ${state === 'live' ? 'badge-ok' : state === 'paused' ? 'badge-degraded' : 'badge-unknown'}`} data-testid="logs-state" data-state={state} role="status">
          {to(`logs.state.${state}`)}
        </span>
        <span data-testid="logs-summary">
          {words.length ? to('logs.matching', { shown: shown.length, total: feed.lines.length }) : to('logs.count', { count: shown.length })}
          {errors > 0 && (
            <strong class="log-count-error" data-testid="logs-errors">
              {' · '}
              {to(errors === 1 ? 'logs.errorsOne' : 'logs.errors', { count: errors })}
            </strong>
          )}
          {warnings > 0 && (
            <span class="log-count-warn" data-testid="logs-warnings">
              {' · '}
              {to(warnings === 1 ? 'logs.warningsOne' : 'logs.warnings', { count: warnings })}
            </span>
          )}
        </span>
        <span class="spacer" />
        {pausedBy === null ? (
          <button type="button" class="btn btn-small" data-testid="logs-pause" onClick={() => setPausedBy('button')}>
            {to('logs.pause')}
          </button>
        ) : (
          <button type="button" class="btn btn-small btn-primary" data-testid="logs-follow" onClick={follow}>
            {feed.held > 0 ? to(feed.held === 1 ? 'logs.followHeldOne' : 'logs.followHeld', { count: feed.held }) : to('logs.follow')}
          </button>
        )}
      </div>
      <div class="log-view" ref={box} onScroll={onScroll} tabIndex={0} aria-label={to('logs.lines')} data-testid="logs-view">
        {feed.status !== 'loading' && shown.length === 0 && <p class="muted">{words.length ? to('logs.noneMatching') : to('logs.none')}</p>}
        <ol class="log-lines">
          {shown.map((l) => {
            const sev = severity(l.level);
            return (
              <li key={l.seq} class={`log-line log-${sev}`} data-testid="log-line" data-level={l.level} data-seq={String(l.seq)}>
                <time class="mono log-time" dateTime={l.time} title={formatUtc(l.time)}>
                  {lineTime(l.time)}
                </time>{' '}
                <span class={`badge ${LEVEL_CLASS[sev]} log-level`}>{levelName(l.level)}</span>{' '}
                {l.ns && <span class="mono log-ns">{l.ns}</span>} <span class="log-msg">{l.msg}</span>
                {l.extra && <span class="mono log-extra">{l.extra}</span>}
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}
