// The configuration pages (#/settings/<section>): one page per section of the
// schema — the site, the admin server, FreeSWITCH, the uplink, zones,
// escalation plans, call points, lines, phones, logging, and any section the
// schema grows — plus the history. Each page's form comes from the schema;
// what waits (a point with an open alarm, a restart) is said at the top.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { useTitle } from '../hooks';
import { roleAtLeast } from '../../../daemon/src/contracts/values.js';
import type { ConfigView, Role, Subscribe } from '../types';
import { getConfig, getSchema } from './api';
import { PendingList } from './ConfigDiff';
import { History } from './History';
import { schemaText, tc } from './i18n';
import { InputPicker, useBoard } from './InputPicker';
import { ListPage } from './ListPage';
import { isMap, sectionsOf, type SchemaNode, type Section } from './schema';
import { SectionPage } from './SectionPage';
import { LineTestNow, UplinkTest } from './Tools';

export const SETTINGS_HREF = '#/settings';

function useSubsection(): string | undefined {
  const read = () => location.hash.split('?')[0].split('/')[2] || undefined;
  const [sub, setSub] = useState(read);
  useEffect(() => {
    const update = () => setSub(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return sub;
}

export function Settings(p: { role: Role; subscribe: Subscribe; streamEpoch: number }) {
  useTitle(tc('title'));
  const [schema, setSchema] = useState<SchemaNode | null>(null);
  const [view, setView] = useState<ConfigView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const sub = useSubsection();
  const board = useBoard(p.subscribe, p.streamEpoch);

  const reload = useCallback(async () => {
    const r = await getConfig();
    if (!r.ok) {
      setError(describeError(r));
      return undefined;
    }
    setError(null);
    setView(r.data);
    return r.data;
  }, []);
  useEffect(() => {
    void getSchema().then((r) => (r.ok ? setSchema(r.data) : setError(describeError(r))));
  }, []);
  useEffect(() => void reload(), [reload, p.streamEpoch]);
  // Another person's apply, or something that waited taking effect.
  useEffect(() => p.subscribe('config', () => void reload()), [p.subscribe, reload]);

  const sections = useMemo(() => (schema ? sectionsOf(schema) : []), [schema]);
  const refs = useMemo(() => {
    const out: Record<string, string[]> = {};
    for (const s of sections) {
      if (s.kind !== 'list') continue;
      const list = view?.config[s.key];
      out[s.key] = Array.isArray(list) ? list.filter(isMap).map((e) => String(e[s.idKey])) : [];
    }
    return out;
  }, [sections, view]);
  const current: Section | 'history' | undefined = sub === 'history' ? 'history' : (sections.find((s) => s.key === sub) ?? sections.find((s) => s.key === 'points') ?? sections[0]);
  const title = (s: Section) => (s.kind === 'general' ? tc('section.general') : schemaText(s.key, s.node, s.key).title);

  const usedBy = useMemo(() => {
    const m = new Map<string, string>();
    const points = view?.config.points;
    if (Array.isArray(points)) for (const pt of points) if (isMap(pt) && typeof pt.input === 'string') m.set(pt.input, String(pt.id));
    return m;
  }, [view]);

  return (
    <section aria-labelledby="page-title" class="settings">
      <h1 id="page-title">{tc('title')}</h1>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="settings-error">
          {error}
        </p>
      )}
      {view && (
        <p class="muted cfg-meta" data-testid="config-version" data-version={view.version}>
          {tc('meta', { version: view.version, file: view.file })}
          {view.fromEnv.length > 0 && ` ${tc('meta.env', { keys: view.fromEnv.join(', ') })}`}
        </p>
      )}
      {view && view.pending.length > 0 && (
        <div class="msg msg-warn" role="status">
          <p>{tc('pending.title')}</p>
          <PendingList pending={view.pending} />
        </div>
      )}
      <div class="settings-layout">
        <nav class="settings-nav" aria-label={tc('nav.label')}>
          <ul>
            {sections.map((s) => (
              <li key={s.key}>
                <a href={`${SETTINGS_HREF}/${s.key}`} data-testid={`settings-nav-${s.key}`} aria-current={current !== 'history' && current?.key === s.key ? 'page' : undefined}>
                  {title(s)}
                </a>
              </li>
            ))}
            <li>
              <a href={`${SETTINGS_HREF}/history`} data-testid="settings-nav-history" aria-current={current === 'history' ? 'page' : undefined}>
                {tc('history.title')}
              </a>
            </li>
          </ul>
        </nav>
        <div class="settings-page">
          {(!schema || !view) && !error && <p class="muted">{tc('loading')}</p>}
          {schema && view && current === 'history' && <History view={view} reload={reload} role={p.role} />}
          {schema && view && current && current !== 'history' && (
            <>
              <h2>{title(current)}</h2>
              {current.kind === 'list' ? (
                <ListPage
                  key={current.key}
                  section={current}
                  root={schema}
                  view={view}
                  reload={reload}
                  role={p.role}
                  refs={refs}
                  pickers={{ 'board-input': (x) => <InputPicker {...x} board={board} usedBy={usedBy} self={undefined} /> }}
                />
              ) : (
                <SectionPage
                  key={current.key}
                  section={current}
                  root={schema}
                  view={view}
                  reload={reload}
                  role={p.role}
                  refs={refs}
                  entryActions={{
                    'lines.modems': (e) => (roleAtLeast(p.role, 'technician') ? <LineTestNow kind="modems" id={String(e.id)} /> : null),
                    'lines.lineCards': (e) => (roleAtLeast(p.role, 'technician') ? <LineTestNow kind="line-cards" id={String(e.id)} /> : null),
                  }}
                  tools={current.key === 'uplink' && roleAtLeast(p.role, 'admin') ? (draft) => <UplinkTest draft={draft} /> : undefined}
                />
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
