// #/desk: the dispatch desk's wallboard. Per queue, the callers waiting in
// the order they will be served, how long each has waited (ticking here,
// from arrivedAt) and why each stands where it does (the queue decision's own
// reasons); the agents serving it, their state and since when. GET /api/desk
// once per stream connection, then the `desk` events (one per changed queue,
// coalesced by the daemon). An agent logs in, out, pauses with a reason and
// resumes from here; the buttons are shown to the agent's own user and to
// technicians, and the API decides. #/desk?big=1 (or the button) is the big
// screen: large type, no header or buttons, for a wall in the control room.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDuration, formatTime } from '../format';
import { useTick, useTitle } from '../hooks';
import { roleAtLeast } from '../../../daemon/src/contracts/values.js';
import type { AgentView, DeskEvent, DeskView, QueueView, SessionUser, Subscribe, WaitingCallView } from '../types';
import { agentAct, getDesk, type AgentAction } from './api';
import { tr } from './i18n';

const BIG_CLASS = 'wallboard-big';

/** ?big=1 after the route. */
function useBig(): boolean {
  const read = () => new URLSearchParams(location.hash.split('?')[1] ?? '').get('big') === '1';
  const [big, setBig] = useState(read);
  useEffect(() => {
    const update = () => setBig(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle(BIG_CLASS, big);
    return () => document.documentElement.classList.remove(BIG_CLASS);
  }, [big]);
  return big;
}

/** A `desk` event into the view: its queue replaced, its agents' rows replaced. */
export function applyDeskEvent(view: DeskView, ev: DeskEvent): DeskView {
  const known = view.queues.some((q) => q.id === ev.queue.id);
  const queues = known ? view.queues.map((q) => (q.id === ev.queue.id ? ev.queue : q)) : [...view.queues, ev.queue];
  const fresh = new Map(ev.agents.map((a) => [a.extension, a]));
  const agents = view.agents.map((a) => fresh.get(a.extension) ?? a);
  for (const a of ev.agents) if (!view.agents.some((x) => x.extension === a.extension)) agents.push(a);
  return { queues, agents };
}

const seconds = (iso: string | null) => (iso ? Math.max(0, (Date.now() - Date.parse(iso)) / 1000) : null);

/** The decision's reasons in the page's language; an unknown one as the daemon wrote it (English). */
function reasonText(reason: string, call: WaitingCallView): { text: string; english: boolean } {
  let m: RegExpExecArray | null;
  if (reason === 'emergency: ahead of all') return { text: tr('why.emergency'), english: false };
  if (reason === 'VIP') return { text: tr('why.vip'), english: false };
  // The wait ticks here rather than at the daemon's last event.
  if (/^waiting \d+ s$/.test(reason)) return { text: tr('why.waiting', { seconds: Math.floor(seconds(call.arrivedAt) ?? 0) }), english: false };
  if ((m = /^zone (\S+): agent (.+) covers it$/.exec(reason))) return { text: tr('why.zoneCovered', { zone: m[1], agents: m[2] }), english: false };
  if ((m = /^zone (\S+): no free agent covers it$/.exec(reason))) return { text: tr('why.zoneUncovered', { zone: m[1] }), english: false };
  if (reason === 'no free agent') return { text: tr('why.noAgent'), english: false };
  if ((m = /^waiting for an agent with skill (\S+)$/.exec(reason))) return { text: tr('why.skill', { skill: m[1] }), english: false };
  return { text: reason, english: true };
}

function Reason({ reason, call }: { reason: string; call: WaitingCallView }) {
  const r = reasonText(reason, call);
  return (
    <li data-testid="desk-reason" lang={r.english ? 'en' : undefined} title={r.english ? tr('englishNote') : undefined}>
      {r.text}
    </li>
  );
}

export function Wallboard({ me, subscribe, streamEpoch }: { me: SessionUser; subscribe: Subscribe; streamEpoch: number }) {
  useTitle(tr('title'));
  useTick(1000);
  const big = useBig();
  const [view, setView] = useState<DeskView | null>(null);
  const [error, setError] = useState<{ text: string; status: number } | null>(null);

  const reload = useCallback(async () => {
    const r = await getDesk();
    if (!r.ok) return setError({ text: describeError(r), status: r.status });
    setError(null);
    setView(r.data);
  }, []);
  useEffect(() => void reload(), [reload, streamEpoch]);
  useEffect(() => subscribe('desk', (ev) => setView((v) => (v ? applyDeskEvent(v, ev) : v))), [subscribe]);

  const bigHref = big ? '#/desk' : '#/desk?big=1';
  return (
    <section aria-labelledby="page-title" class="wallboard" data-testid="wallboard" data-big={big ? 'yes' : 'no'}>
      <div class="wallboard-head">
        <h1 id="page-title">{tr('title')}</h1>
        <a class="btn" href={bigHref} data-testid="desk-big">
          {tr(big ? 'bigOff' : 'bigOn')}
        </a>
      </div>
      {error ? (
        <p class="msg msg-error" role="alert" data-testid="desk-error">
          {error.status === 503 ? tr('notRunning') : error.text}
        </p>
      ) : !view ? (
        <p class="muted" role="status">
          {tr('loading')}
        </p>
      ) : (
        <>
          {view.queues.map((q) => (
            <Queue key={q.id} queue={q} agents={view.agents.filter((a) => a.queues.includes(q.id))} me={me} big={big} onChanged={(a) => setView((v) => (v ? { ...v, agents: v.agents.map((x) => (x.extension === a.extension ? a : x)) } : v))} />
          ))}
          {!big && <p class="muted">{tr('noFigures')}</p>}
        </>
      )}
    </section>
  );
}

function Queue({ queue, agents, me, big, onChanged }: { queue: QueueView; agents: AgentView[]; me: SessionUser; big: boolean; onChanged: (a: AgentView) => void }) {
  return (
    <section class="panel wallboard-queue" data-testid="desk-queue" data-queue={queue.id} aria-labelledby={`queue-${queue.id}`}>
      <h2 id={`queue-${queue.id}`}>
        {queue.name ? `${queue.name} (${queue.id})` : queue.id}{' '}
        <span class={`badge ${queue.waiting.length ? 'badge-degraded' : 'badge-ok'}`} data-testid="desk-waiting-count" data-count={queue.waiting.length}>
          {tr('queue.waiting', { count: queue.waiting.length })}
        </span>
      </h2>
      {queue.waiting.length === 0 ? (
        <p class="muted">{tr('queue.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="desk-calls">
            <thead>
              <tr>
                <th scope="col">{tr('col.position')}</th>
                <th scope="col">{tr('col.caller')}</th>
                <th scope="col">{tr('col.zone')}</th>
                <th scope="col">{tr('col.waited')}</th>
                <th scope="col">{tr('col.why')}</th>
                <th scope="col">{tr('col.now')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.waiting.map((w, i) => (
                <tr key={w.uuid} data-testid="desk-call" data-uuid={w.uuid} data-caller={w.caller ?? ''} data-urgency={w.urgency} class={w.urgency === 'emergency' ? 'row-alarm' : undefined}>
                  <td>{i + 1}</td>
                  <td>
                    {w.caller ?? tr('unknownCaller')}
                    {w.urgency === 'emergency' && <span class="badge badge-alarm">{tr('emergency')}</span>}
                    {w.vip && <span class="badge badge-info">{tr('vip')}</span>}
                  </td>
                  <td>{w.zone ?? ''}</td>
                  <td data-testid="desk-waited">{formatDuration(seconds(w.arrivedAt))}</td>
                  <td>
                    <ul class="plain">
                      {w.reasons.map((r) => (
                        <Reason key={r} reason={r} call={w} />
                      ))}
                    </ul>
                  </td>
                  <td data-testid="desk-call-now">{w.offeredTo.length ? tr('ringing', { phones: w.offeredTo.join(', ') }) : w.waitingFor ? reasonText(w.waitingFor, w).text : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{tr('queue.agents')}</h3>
      {agents.length === 0 ? (
        <p class="muted">{tr('queue.noAgents')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="desk-agents">
            <thead>
              <tr>
                <th scope="col">{tr('col.agent')}</th>
                <th scope="col">{tr('col.state')}</th>
                <th scope="col">{tr('col.since')}</th>
                {!big && <th scope="col">{tr('col.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <AgentRow key={a.extension} agent={a} me={me} big={big} onChanged={onChanged} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STATE_BADGE: Record<AgentView['state'], string> = { available: 'badge-ok', paused: 'badge-degraded', 'wrap-up': 'badge-info', busy: 'badge-alarm', 'logged-out': 'badge-offline' };

function AgentRow({ agent: a, me, big, onChanged }: { agent: AgentView; me: SessionUser; big: boolean; onChanged: (a: AgentView) => void }) {
  // Shown to the agent's own user and to technicians; the API has the last word.
  const mine = a.user !== null && a.user.toLowerCase() === me.username.toLowerCase();
  const canAct = mine || roleAtLeast(me.role, 'technician');
  const since = a.state === 'wrap-up' && a.wrapUpUntil ? tr('wrapUpUntil', { time: formatTime(Date.parse(a.wrapUpUntil)) }) : a.since ? `${formatTime(Date.parse(a.since))} (${formatDuration(seconds(a.since))})` : '';
  return (
    <tr data-testid="desk-agent" data-extension={a.extension} data-state={a.state} data-mine={mine ? 'yes' : 'no'}>
      <td>
        {a.extension}
        {a.user && <span class="muted"> {a.user}</span>}
      </td>
      <td>
        <span class={`badge ${STATE_BADGE[a.state]}`} data-testid="desk-agent-state">
          {a.state === 'paused' && a.reason ? tr('pausedFor', { reason: a.reason }) : tr(`state.${a.state}`)}
        </span>
        {a.state === 'busy' && a.call && <span class="muted"> {tr('onCall')}</span>}
      </td>
      <td data-testid="desk-agent-since">{since}</td>
      {!big && <td>{canAct && <AgentActions agent={a} onChanged={onChanged} />}</td>}
    </tr>
  );
}

function AgentActions({ agent: a, onChanged }: { agent: AgentView; onChanged: (a: AgentView) => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function act(action: AgentAction) {
    if (action === 'pause' && !reason.trim()) return setMessage({ ok: false, text: tr('act.reasonMissing') });
    setBusy(true);
    setMessage(null);
    const r = await agentAct(a.extension, action, reason.trim());
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: describeError(r) });
    setReason('');
    onChanged(r.data);
    setMessage({ ok: true, text: tr('act.done', { extension: a.extension, state: tr(`state.${r.data.state}`) }) });
  }

  const button = (action: AgentAction) => (
    <button type="button" class="btn" data-testid={`agent-${action}`} disabled={busy} onClick={() => void act(action)}>
      {tr(`act.${action}`)}
    </button>
  );
  return (
    <div class="btn-row" data-testid="desk-agent-actions">
      {a.state === 'logged-out' ? button('login') : button('logout')}
      {a.state === 'paused' && button('resume')}
      {a.state !== 'paused' && a.state !== 'logged-out' && (
        <>
          <input type="text" maxLength={120} value={reason} aria-label={tr('act.reason')} placeholder={tr('act.reason')} data-testid="agent-pause-reason" onInput={(e) => setReason(e.currentTarget.value)} />
          {button('pause')}
        </>
      )}
      {message && (
        <span class={`msg ${message.ok ? 'msg-ok' : 'msg-error'}`} role={message.ok ? 'status' : 'alert'} data-testid="agent-message">
          {message.text}
        </span>
      )}
    </div>
  );
}
