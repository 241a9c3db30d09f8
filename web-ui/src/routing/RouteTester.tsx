// The route tester: a caller (an extension, or an outside number arriving on
// a trunk), the number dialled and an optional time → the decision the router
// would take now, in words, and every step it took to get there (the same
// explanation as `callpoint route test`). Asking changes nothing.
import { useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import type { RouteDecision, RoutingView } from '../types';
import { testRoute } from './api';
import { className, destinationText, refusalText, treatmentText } from './explain';
import { tr, type RoutingMessageKey } from './i18n';

export function RouteTester({ view }: { view: RoutingView | null }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [trunk, setTrunk] = useState('');
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<RouteDecision | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!to.trim()) return setError(tr('tester.missingTo'));
    setBusy(true);
    setError(null);
    // datetime-local is this computer's wall clock: sent as the instant it names.
    const when = at ? new Date(at) : null;
    const r = await testRoute({ from: from.trim(), to: to.trim(), ...(trunk ? { trunk } : {}), ...(when && !Number.isNaN(when.getTime()) ? { at: when.toISOString() } : {}) });
    setBusy(false);
    if (!r.ok) {
      setAnswer(null);
      return setError(describeError(r));
    }
    setAnswer(r.data);
  }

  const listKind = (id: string) => view?.lists.find((l) => l.id === id)?.kind;
  return (
    <section aria-labelledby="tester-title">
      <h2 id="tester-title">{tr('nav.tester')}</h2>
      <p class="muted">{tr('tester.intro')}</p>
      <form class="panel form-grid routing-form" onSubmit={submit} noValidate data-testid="route-test-form">
        <div class="field">
          <label for="rt-from">{tr('tester.from')}</label>
          <input id="rt-from" data-testid="route-test-from" inputMode="tel" autocomplete="off" value={from} aria-describedby="rt-from-hint" onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rt-to">{tr('tester.to')}</label>
          <input id="rt-to" data-testid="route-test-to" inputMode="tel" autocomplete="off" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="rt-trunk">{tr('tester.trunk')}</label>
          <select id="rt-trunk" data-testid="route-test-trunk" value={trunk} onChange={(e) => setTrunk(e.currentTarget.value)}>
            <option value="">{tr('tester.trunkNone')}</option>
            {view?.trunks.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name ? `${x.name} (${x.id})` : x.id}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="rt-at">{tr('tester.at')}</label>
          <input id="rt-at" data-testid="route-test-at" type="datetime-local" value={at} aria-describedby="rt-at-hint" onInput={(e) => setAt(e.currentTarget.value)} />
        </div>
        <div class="btn-row">
          <button type="submit" class="btn btn-primary" data-testid="route-test-submit" disabled={busy}>
            {tr('tester.submit')}
          </button>
        </div>
        <p class="policy" id="rt-from-hint">
          {tr('tester.fromHint')}
        </p>
        <p class="policy" id="rt-at-hint">
          {tr('tester.atHint')}
        </p>
      </form>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="route-test-error">
          {error}
        </p>
      )}
      {answer && <Decision d={answer} listKind={listKind} />}
    </section>
  );
}

function Decision({ d, listKind }: { d: RouteDecision; listKind: (id: string) => string | undefined }) {
  const routed = d.decision === 'route';
  return (
    <div class="panel" data-testid="route-test-result" data-decision={d.decision} data-rule={d.rule ?? ''} data-class={d.class ?? ''} aria-live="polite">
      <p class={`msg ${routed ? 'msg-ok' : 'msg-error'}`} data-testid="route-test-verdict">
        <strong>{routed ? tr('tester.routed', { rule: d.rule ?? '—' }) : tr('tester.refused', { why: refusalText(d, listKind) })}</strong>
      </p>
      <ul class="route-facts">
        {d.class && <li>{tr('tester.class', { class: className(d.class) })}</li>}
        {routed && <li>{tr('tester.priority', { priority: tr(`priority.${d.priority}`) })}</li>}
        {routed && d.record && <li>{tr('tester.recorded')}</li>}
        {d.treatment && <li data-testid="route-test-hears">{tr('tester.hears', { what: treatmentText(d.treatment) })}</li>}
      </ul>
      {d.reason && (
        <p class="muted" lang="en" title={tr('englishNote')} data-testid="route-test-reason">
          {d.reason}
        </p>
      )}
      {routed && (
        <>
          <h3>{tr('tester.destinations')}</h3>
          <ol data-testid="route-test-destinations">
            {d.destinations.map((x, i) => (
              <li key={i} data-kind={x.kind}>
                {destinationText(x)}
              </li>
            ))}
          </ol>
          {d.preempt && <p class="msg msg-warn">{tr('tester.preempt', { priority: tr(`priority.${d.preempt.priority}`), uuid: d.preempt.uuid, trunk: d.preempt.trunk })}</p>}
        </>
      )}
      <h3>{tr('tester.trace')}</h3>
      <div class="table-wrap">
        <table class="table" data-testid="route-test-trace">
          <thead>
            <tr>
              <th scope="col">{tr('tester.col.step')}</th>
              <th scope="col">{tr('tester.col.subject')}</th>
              <th scope="col">{tr('tester.col.result')}</th>
              <th scope="col">{tr('tester.col.why')}</th>
            </tr>
          </thead>
          <tbody>
            {d.trace.map((s, i) => (
              <tr key={i} data-testid="route-test-step" data-step={s.step} data-result={s.result}>
                <td>{tr(`step.${s.step}` as RoutingMessageKey)}</td>
                <td>{s.subject ?? ''}</td>
                <td>{s.step === 'rule' && s.result === 'passed' ? tr('result.passedOver') : tr(`result.${s.result}` as RoutingMessageKey)}</td>
                <td lang="en" title={tr('englishNote')}>
                  {s.why}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
