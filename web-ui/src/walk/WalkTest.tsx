// The commissioning walk test (#/walk-test): start it for some zones (or
// all) for a while, walk the tunnel pressing every point — each press shows
// here at once, ticked, while its lamp flashes on site and nobody is called —
// then stop it and print the report. While one runs, a banner says which
// points call nobody.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime } from '../format';
import { useTitle } from '../hooks';
import { startWalkTest, stopWalkTest, getWalkTest } from '../settings/api';
import { tc } from '../settings/i18n';
import { canWalkTest, type Role, type Subscribe, type WalkTestView } from '../types';

export const WALK_HREF = '#/walk-test';

export function WalkTest(p: { role: Role; subscribe: Subscribe; streamEpoch: number }) {
  useTitle(tc('walk.title'));
  const [view, setView] = useState<WalkTestView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [zones, setZones] = useState<string[]>([]);
  const [minutes, setMinutes] = useState('60');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    const r = await getWalkTest();
    if (r.ok) setView(r.data);
    else setError(describeError(r));
  }, []);
  useEffect(() => void load(), [load, p.streamEpoch]);
  useEffect(() => p.subscribe('walk-test', () => void load()), [p.subscribe, load]);

  const allZones = [...new Set((view?.points ?? []).map((x) => x.zone))];
  const active = view?.active ?? null;
  const tested = (view?.points ?? []).filter((x) => x.testedAt).length;
  const inTest = (view?.points ?? []).filter((x) => x.inTest).length;

  async function start(e: Event) {
    e.preventDefault();
    setBusy(true);
    const r = await startWalkTest(zones.length ? zones : null, Number(minutes));
    setBusy(false);
    if (!r.ok) return setError(describeError(r));
    setError(null);
    await load();
  }
  async function stop() {
    setBusy(true);
    const r = await stopWalkTest();
    setBusy(false);
    if (!r.ok) return setError(describeError(r));
    await load();
    location.hash = `${WALK_HREF}/report/${r.data.id}`;
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{tc('walk.title')}</h1>
      <p class="muted">{tc('walk.intro')}</p>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="walk-error">
          {error}
        </p>
      )}
      {active ? (
        <div class="msg msg-warn walk-banner" role="status" data-testid="walk-active" data-id={active.id}>
          <p>
            <strong>{tc('walk.active', { zones: active.zones?.join(', ') ?? tc('walk.allZones'), until: formatDateTime(active.endsAt), by: active.startedBy })}</strong>
          </p>
          <p>{tc('walk.progress', { tested, total: inTest })}</p>
          {canWalkTest(p.role) && (
            <button type="button" class="btn btn-danger" data-testid="walk-stop" disabled={busy} onClick={() => void stop()}>
              {tc('walk.stop')}
            </button>
          )}
        </div>
      ) : (
        canWalkTest(p.role) &&
        view && (
          <form class="panel inline-form" onSubmit={start} data-testid="walk-start-form">
            <fieldset class="choices">
              <legend>{tc('walk.zones')}</legend>
              {allZones.map((z) => (
                <label key={z} class="choice">
                  <input type="checkbox" data-testid={`walk-zone-${z}`} checked={zones.includes(z)} onChange={(e) => setZones(e.currentTarget.checked ? [...zones, z] : zones.filter((x) => x !== z))} />
                  {z}
                </label>
              ))}
              <span class="muted">{tc('walk.zonesHint')}</span>
            </fieldset>
            <label for="walk-minutes">{tc('walk.minutes')}</label>
            <input id="walk-minutes" data-testid="walk-minutes" type="text" inputMode="numeric" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} />
            <div class="btn-row">
              <button type="submit" class="btn btn-primary" data-testid="walk-start" disabled={busy}>
                {tc('walk.start')}
              </button>
            </div>
          </form>
        )
      )}
      {view && (
        <div class="table-wrap">
          <table class="table" data-testid="walk-checklist">
            <thead>
              <tr>
                <th scope="col">{tc('walk.point')}</th>
                <th scope="col">{tc('walk.location')}</th>
                <th scope="col">{tc('walk.zone')}</th>
                <th scope="col">{tc('walk.input')}</th>
                <th scope="col">{tc('walk.now')}</th>
                <th scope="col">{tc('walk.last')}</th>
              </tr>
            </thead>
            <tbody>
              {view.points.map((x) => (
                <tr key={x.id} data-testid={`walk-point-${x.id}`} data-tested={x.testedAt ? 'yes' : 'no'} data-in-test={x.inTest}>
                  <td>
                    <strong>{x.label}</strong> <span class="muted mono">{x.id}</span>
                  </td>
                  <td>{x.location}</td>
                  <td>{x.zone}</td>
                  <td class="mono">{x.input}</td>
                  <td>{!active ? '—' : x.testedAt ? `✓ ${formatDateTime(x.testedAt)}` : x.inTest ? tc('walk.waiting') : tc('walk.notInTest')}</td>
                  <td>{x.lastTestAt ? formatDateTime(x.lastTestAt) : tc('walk.never')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view && view.sessions.length > 0 && (
        <>
          <h2>{tc('walk.sessions')}</h2>
          <ul class="walk-sessions">
            {view.sessions.map((s) => (
              <li key={s.id}>
                <a href={`${WALK_HREF}/report/${s.id}`} data-testid={`walk-report-${s.id}`}>
                  {tc('walk.sessionLine', { id: s.id, at: formatDateTime(s.startedAt), by: s.startedBy })}
                </a>
                {s.endedAt ? '' : ` — ${tc('walk.running')}`}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
