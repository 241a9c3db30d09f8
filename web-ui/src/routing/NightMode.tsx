// Night mode: whether the schedules decide or a person forced night (every
// schedule closed) or day (every schedule open), who did and when; each
// schedule now, and when it next opens or closes by itself. Technicians force
// it on or off or hand it back to the schedules (the API audits each).
import { useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime } from '../format';
import type { RoutingView } from '../types';
import type { NightMode as Mode } from '../../../daemon/src/contracts/values.js';
import { setNightMode } from './api';
import { tr } from './i18n';

const STATE = { auto: 'night.auto', night: 'night.forcedNight', day: 'night.forcedDay' } as const;
const BUTTONS: Array<[Mode, 'night.on' | 'night.off' | 'night.back', string]> = [
  ['night', 'night.on', 'btn-danger'],
  ['day', 'night.off', ''],
  ['auto', 'night.back', 'btn-primary'],
];

export function NightMode({ view, canChange, onChanged }: { view: RoutingView; canChange: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const night = view.night;

  async function set(mode: Mode) {
    setBusy(true);
    setMessage(null);
    const r = await setNightMode(mode);
    setBusy(false);
    if (!r.ok) return setMessage({ ok: false, text: describeError(r) });
    setMessage({ ok: true, text: tr(`night.done.${mode}`) });
    onChanged();
  }

  return (
    <section aria-labelledby="night-title">
      <h2 id="night-title">{tr('nav.night')}</h2>
      <p class="muted">{tr('night.intro')}</p>
      <div class={`panel msg ${night.mode === 'auto' ? 'msg-info' : 'msg-warn'}`} role="status" data-testid="night-state" data-mode={night.mode}>
        <p>
          <strong>{tr(STATE[night.mode])}</strong>
        </p>
        {night.by && night.at && <p>{tr('night.setBy', { by: night.by, at: formatDateTime(night.at) })}</p>}
        {canChange ? (
          <div class="btn-row">
            {BUTTONS.map(([mode, label, cls]) => (
              <button key={mode} type="button" class={`btn ${cls}`} data-testid={`night-${mode}`} disabled={busy || night.mode === mode} onClick={() => void set(mode)}>
                {tr(label)}
              </button>
            ))}
          </div>
        ) : (
          <p class="muted">{tr('night.viewerNote')}</p>
        )}
      </div>
      {message && (
        <p class={`msg ${message.ok ? 'msg-ok' : 'msg-error'}`} role={message.ok ? 'status' : 'alert'} data-testid="night-message">
          {message.text}
        </p>
      )}
      <h3>{tr('night.schedules')}</h3>
      {view.schedules.length === 0 ? (
        <p class="muted">{tr('night.noSchedules')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="night-schedules">
            <thead>
              <tr>
                <th scope="col">{tr('night.col.schedule')}</th>
                <th scope="col">{tr('night.col.now')}</th>
                <th scope="col">{tr('night.col.next')}</th>
                <th scope="col">{tr('night.col.why')}</th>
              </tr>
            </thead>
            <tbody>
              {view.schedules.map((s) => (
                <tr key={s.id} data-testid={`schedule-${s.id}`} data-open={s.open ? 'yes' : 'no'}>
                  <td>{s.name ? `${s.name} (${s.id})` : s.id}</td>
                  <td>
                    <span class={`badge ${s.open ? 'badge-ok' : 'badge-offline'}`}>{tr(s.open ? 'night.open' : 'night.closed')}</span>
                  </td>
                  <td data-testid="schedule-next">
                    {/* The schedule by itself: night mode holds until set back, whatever this says. */}
                    {nextText(s.next, s.open, night.mode)}
                  </td>
                  <td lang="en" title={tr('englishNote')}>
                    {s.why}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function nextText(next: string | null, openNow: boolean, mode: Mode): string {
  if (!next) return tr('night.nextNone');
  // Under an override `open` is night mode's, not the schedule's: the next change flips the schedule's own state,
  // which the daemon worked out without the override; say only when, and that night mode holds meanwhile.
  const at = formatDateTime(next);
  if (mode !== 'auto') return `${at} (${tr('night.overridden')})`;
  return tr(openNow ? 'night.nextCloses' : 'night.nextOpens', { at });
}
