// The admin's SIM PIN form on a modem card, shown while the SIM waits for a
// PIN: the one the daemon had was refused (and is never entered again, since
// a SIM locks after three wrong ones) or there was none. The PIN goes to the
// daemon, which enters it once at once; it is not kept in the page.
import { useState } from 'preact/hooks';
import * as api from '../api';
import { t } from '../i18n';
import type { ModemView } from '../types';
import { FeedbackView, type Feedback } from './Feedback';

const PIN = /^\d{4,8}$/; // as the daemon checks it

export function SimPinForm({ modem }: { modem: ModemView }) {
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [fb, setFb] = useState<Feedback | null>(null);
  const id = `sim-pin-${modem.id}`;

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!PIN.test(pin)) return setFb({ kind: 'error', key: 'lines.pinBad' });
    setBusy(true);
    setFb({ kind: 'info', key: 'lines.pinChecking' });
    const r = await api.enterSimPin(modem.id, pin);
    setPin('');
    setBusy(false);
    if (!r.ok) return setFb({ kind: 'error', err: r });
    if (r.data.checked === false) return setFb({ kind: 'info', key: 'lines.pinStored' });
    if (r.data.sim === 'ready') return setFb({ kind: 'ok', key: 'lines.pinTaken' });
    const refused = r.data.faults?.some((f) => f.code === 'wrong-pin' || f.code === 'sim-puk');
    setFb(refused ? { kind: 'error', key: 'lines.pinRefused' } : { kind: 'info', key: 'lines.pinStored' });
  }

  return (
    <form class="inline-form sim-pin" onSubmit={submit} noValidate data-testid="sim-pin-form">
      <label for={id}>{t('lines.pinLabel')}</label>
      <input
        id={id}
        data-testid="sim-pin"
        type="password"
        inputMode="numeric"
        autocomplete="off"
        maxLength={8}
        aria-describedby={`${id}-hint`}
        value={pin}
        onInput={(e) => setPin(e.currentTarget.value.trim())}
      />
      <p class="muted" id={`${id}-hint`}>
        {t('lines.pinHint')}
      </p>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" data-testid="sim-pin-send" disabled={busy}>
          {busy ? t('common.working') : t('lines.pinSend')}
        </button>
      </div>
      <FeedbackView feedback={fb} testid="sim-pin-feedback" />
    </form>
  );
}
