// Restart the daemon (admins): what a restart interrupts, asked for with a
// reason that goes into the audit log, then a wait that ends by saying the
// appliance is back (or that it is late, and what to check).
import { useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatTime } from '../format';
import { useTick } from '../hooks';
import { to } from './i18n';
import type { RestartState } from './restart';

interface Props {
  state: RestartState;
  restart: (reason: string) => Promise<void>;
  /** Open alarms (not tests): a restart interrupts their handling. */
  openAlarms: number;
  /** A backup waits to be restored: the restart applies it. */
  restoring: boolean;
  supervised: boolean;
}

export function RestartPanel({ state, restart, openAlarms, restoring, supervised }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  useTick(state.kind === 'waiting' ? 1000 : 0);
  const busy = state.kind === 'asking' || state.kind === 'waiting';

  return (
    <section class="panel ops-panel" aria-labelledby="restart-title" data-testid="restart-panel">
      <h2 id="restart-title">{to('restart.title')}</h2>
      <p>{to(supervised ? 'restart.introSupervised' : 'restart.introByHand')}</p>
      {!confirming && !busy && (
        <button type="button" class="btn btn-danger" data-testid="restart-open" onClick={() => setConfirming(true)}>
          {to(restoring ? 'restart.buttonRestore' : 'restart.button')}
        </button>
      )}
      {confirming && !busy && (
        <form
          class="ops-confirm"
          aria-labelledby="restart-confirm-title"
          data-testid="restart-confirm"
          onSubmit={(e) => {
            e.preventDefault();
            setConfirming(false);
            void restart(reason.trim());
          }}
        >
          <p id="restart-confirm-title">
            <strong>{to('restart.confirmTitle')}</strong>
          </p>
          <ul>
            <li>{to('restart.effectPoints')}</li>
            <li>{to('restart.effectCalls')}</li>
            <li>{to('restart.effectPage')}</li>
            {restoring && <li data-testid="restart-restores">{to('restart.effectRestore')}</li>}
          </ul>
          {openAlarms > 0 && (
            <p class="msg msg-error" role="alert" data-testid="restart-open-alarms">
              {to(openAlarms === 1 ? 'restart.openAlarmsOne' : 'restart.openAlarms', { count: openAlarms })}
            </p>
          )}
          <div class="field">
            <label for="restart-reason">{to('restart.reason')}</label>
            <input id="restart-reason" data-testid="restart-reason" maxLength={200} autoComplete="off" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="btn-row">
            <button type="submit" class="btn btn-danger" data-testid="restart-confirm-yes">
              {to('restart.confirm')}
            </button>
            <button type="button" class="btn" data-testid="restart-confirm-no" onClick={() => setConfirming(false)}>
              {to('common.cancel')}
            </button>
          </div>
        </form>
      )}
      <RestartStatus state={state} />
    </section>
  );
}

function RestartStatus({ state }: { state: RestartState }) {
  switch (state.kind) {
    case 'idle':
      return null;
    case 'asking':
      return (
        <p class="msg msg-info" role="status" data-testid="restart-state" data-state="asking">
          {to('common.working')}
        </p>
      );
    case 'refused':
      return (
        <p class="msg msg-error" role="alert" data-testid="restart-state" data-state="refused">
          {describeError(state.err)}
        </p>
      );
    case 'waiting': {
      const seconds = Math.round((Date.now() - state.since) / 1000);
      return (
        <p class={`msg ${state.late ? 'msg-error' : 'msg-warn'}`} role={state.late ? 'alert' : 'status'} data-testid="restart-state" data-state={state.late ? 'late' : 'waiting'}>
          {to(state.late ? 'restart.late' : 'restart.waiting', { seconds })}
        </p>
      );
    }
    case 'back':
      return (
        <p class={`msg ${state.health === 'ok' ? 'msg-ok' : 'msg-warn'}`} role="status" data-testid="restart-state" data-state="back" data-health={state.health}>
          {to(state.health === 'ok' ? 'restart.back' : 'restart.backNotOk', { time: formatTime(state.at), seconds: Math.max(1, Math.round((state.at - state.since) / 1000)) })}
        </p>
      );
  }
}
