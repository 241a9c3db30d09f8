// Technicians' tests of the GSM modems: a test SMS and a USSD code (e.g. the
// prepaid balance). The SMS's progress then shows in the log (`sms` events).
import { useState } from 'preact/hooks';
import * as api from '../api';
import { t } from '../i18n';
import { PHONE_NUMBER_RE, type ModemView } from '../types';
import { FeedbackView, type Feedback } from './Feedback';


const USSD = /^[0-9*#]{2,20}$/; // as the daemon checks it

function ModemSelect(props: { id: string; modems: ModemView[]; value: string; onChange(v: string): void }) {
  if (props.modems.length < 2) return null;
  return (
    <div class="field">
      <label for={props.id}>{t('lines.modemField')}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.modems.map((m) => (
          <option key={m.id} value={m.id}>
            {m.operator ? `${m.id} (${m.operator})` : m.id}
          </option>
        ))}
      </select>
    </div>
  );
}

export function LineTests({ modems }: { modems: ModemView[] }) {
  const first = modems[0]?.id ?? '';
  const [smsModem, setSmsModem] = useState(first);
  const [to, setTo] = useState('');
  const [text, setText] = useState(() => t('lines.smsDefaultText'));
  const [smsBusy, setSmsBusy] = useState(false);
  const [smsFb, setSmsFb] = useState<Feedback | null>(null);

  const [ussdModem, setUssdModem] = useState(first);
  const [code, setCode] = useState('');
  const [ussdBusy, setUssdBusy] = useState(false);
  const [ussdFb, setUssdFb] = useState<Feedback | null>(null);
  const [ussdText, setUssdText] = useState<string | null>(null);

  // The chosen modem may have gone from the configuration meanwhile.
  const pick = (id: string) => (modems.some((m) => m.id === id) ? id : first);

  async function sendSms(e: Event) {
    e.preventDefault();
    if (smsBusy) return;
    const number = to.replace(/[\s-]/g, '');
    if (!PHONE_NUMBER_RE.test(number)) return setSmsFb({ kind: 'error', key: 'lines.smsBadNumber' });
    if (!text.trim()) return setSmsFb({ kind: 'error', key: 'lines.smsNoText' });
    setSmsBusy(true);
    setSmsFb(null);
    const modem = pick(smsModem);
    const r = await api.sendTestSms(modem, number, text);
    setSmsBusy(false);
    setSmsFb(r.ok ? { kind: 'ok', key: 'lines.smsQueued', vars: { to: number, modem } } : { kind: 'error', err: r });
  }

  async function sendUssd(e: Event) {
    e.preventDefault();
    if (ussdBusy) return;
    const c = code.trim();
    if (!USSD.test(c)) return setUssdFb({ kind: 'error', key: 'lines.ussdBadCode' });
    setUssdBusy(true);
    setUssdFb({ kind: 'info', key: 'lines.ussdWaiting' });
    setUssdText(null);
    const r = await api.sendUssd(pick(ussdModem), c);
    setUssdBusy(false);
    if (!r.ok) return setUssdFb({ kind: 'error', err: r });
    setUssdFb(null);
    setUssdText(typeof r.data?.text === 'string' ? r.data.text : '');
  }

  return (
    <div class="cards line-tests">
      <section class="panel" aria-labelledby="sms-test-title">
        <h2 id="sms-test-title">{t('lines.smsTest')}</h2>
        <form class="inline-form" onSubmit={sendSms} noValidate data-testid="sms-form">
          <ModemSelect id="sms-modem" modems={modems} value={smsModem} onChange={setSmsModem} />
          <label for="sms-to">{t('lines.smsTo')}</label>
          <input
            id="sms-to"
            type="tel"
            data-testid="sms-to"
            autocomplete="off"
            placeholder="+8613800000000"
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
          <label for="sms-text">{t('lines.smsText')}</label>
          <input id="sms-text" data-testid="sms-text" maxLength={1000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" data-testid="sms-send" disabled={smsBusy}>
              {smsBusy ? t('common.working') : t('lines.smsSend')}
            </button>
          </div>
        </form>
        <FeedbackView feedback={smsFb} testid="sms-feedback" />
      </section>

      <section class="panel" aria-labelledby="ussd-title">
        <h2 id="ussd-title">{t('lines.ussd')}</h2>
        <form class="inline-form" onSubmit={sendUssd} noValidate data-testid="ussd-form">
          <ModemSelect id="ussd-modem" modems={modems} value={ussdModem} onChange={setUssdModem} />
          <label for="ussd-code">{t('lines.ussdCode')}</label>
          <input
            id="ussd-code"
            data-testid="ussd-code"
            autocomplete="off"
            inputMode="tel"
            placeholder="*100#"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <p class="muted">{t('lines.ussdHint')}</p>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" data-testid="ussd-send" disabled={ussdBusy}>
              {ussdBusy ? t('common.working') : t('lines.ussdSend')}
            </button>
          </div>
        </form>
        <FeedbackView feedback={ussdFb} testid="ussd-feedback" />
        {ussdText !== null && (
          <output class="ussd-result" data-testid="ussd-result" for="ussd-code">
            {ussdText || t('lines.ussdEmpty')}
          </output>
        )}
      </section>
    </div>
  );
}
