// The SIP registrations (#/phones, technicians and admins): each configured
// phone, registered with FreeSWITCH or not — a desk phone that is not cannot
// ring, so those come first, in red — from where, since when, until when;
// and registrations of users that are no configured phone. FreeSWITCH keeps
// no event for this here: asked again every few seconds while the page is open.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiErr } from '../api';
import { When } from '../components/AlarmParts';
import { describeError } from '../components/Feedback';
import { formatTime } from '../format';
import { useTick, useTitle } from '../hooks';
import type { RegistrationList, SipRegistration } from '../types';
import { getRegistrations } from './api';
import { to } from './i18n';

const REFRESH_MS = 15_000;

type Phone = RegistrationList['phones'][number];

function where(r: SipRegistration): string {
  return `${r.ip}${r.port != null ? `:${r.port}` : ''} ${r.transport.toUpperCase()}`;
}

/** "in 52 min", "expired": how long the registration holds unless the phone refreshes it. */
function Expiry({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span class="muted">{to('phones.noExpiry')}</span>;
  const min = Math.round((Date.parse(iso) - now) / 60_000);
  return (
    <>
      <When iso={iso} />{' '}
      {min < 0 ? <span class="badge badge-degraded">{to('phones.expired')}</span> : <span class="muted">{to('phones.expiresIn', { min })}</span>}
    </>
  );
}

/** The columns both tables have: where a registration comes from, since when, until when. */
const RegistrationHeads = () => (
  <>
    <th scope="col">{to('phones.from')}</th>
    <th scope="col">{to('phones.since')}</th>
    <th scope="col">{to('phones.expires')}</th>
  </>
);

/** Each registration of a phone on a line of its own (a phone may register from two places). */
const each = (regs: SipRegistration[], cell: (r: SipRegistration) => ComponentChildren) =>
  regs.length === 0 ? <span class="muted">{to('phones.none')}</span> : regs.map((r) => <div key={`${r.contact}|${r.ip}|${r.port ?? ''}`}>{cell(r)}</div>);

export function Phones({ streamEpoch }: { streamEpoch: number }) {
  useTitle(to('phones.title'));
  useTick(30_000);
  const [data, setData] = useState<RegistrationList | null>(null);
  const [checkedAt, setCheckedAt] = useState<number | null>(null);
  const [error, setError] = useState<ApiErr | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    const r = await getRegistrations();
    setBusy(false);
    if (!r.ok) return setError(r);
    setError(null);
    setData(r.data);
    setCheckedAt(Date.now());
  }, []);

  useEffect(() => {
    void load();
    const id = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(id);
  }, [load, streamEpoch]);

  const now = Date.now();
  const connected = data?.connected ?? false;
  const phones: Phone[] = [...(data?.phones ?? [])].sort((a, b) => Number(a.registered) - Number(b.registered) || a.number.localeCompare(b.number));
  const missing = phones.filter((p) => !p.registered);
  const regsOf = (number: string) => (data?.registrations ?? []).filter((r) => r.user === number);
  const others = (data?.registrations ?? []).filter((r) => !phones.some((p) => p.number === r.user));
  const stateOf = (p: Phone) => (!connected ? 'unknown' : p.registered ? 'yes' : 'no');

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{to('phones.title')}</h1>
      <p class="muted">{to('phones.intro')}</p>
      <div class="btn-row">
        <button type="button" class="btn" data-testid="phones-refresh" disabled={busy} onClick={() => void load()}>
          {busy ? to('common.checking') : to('phones.refresh')}
        </button>
        {checkedAt !== null && <span class="muted" data-testid="phones-checked">{to('phones.checkedAt', { time: formatTime(checkedAt) })}</span>}
      </div>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="phones-error">
          {describeError(error)}
        </p>
      )}
      {data && !connected && (
        <p class="msg msg-error" role="alert" data-testid="phones-no-freeswitch">
          {to('phones.noFreeswitch')}
        </p>
      )}
      {data && connected && phones.length > 0 && (
        <p class={`msg ${missing.length ? 'msg-error' : 'msg-ok'}`} role={missing.length ? 'alert' : 'status'} data-testid="phones-summary" data-missing={missing.length}>
          {missing.length === 0
            ? to('phones.allRegistered', { count: phones.length })
            : to(missing.length === 1 ? 'phones.missingOne' : 'phones.missing', { count: missing.length, total: phones.length, numbers: missing.map((p) => p.number).join(', ') })}
        </p>
      )}
      <h2>{to('phones.configured')}</h2>
      <div class="table-wrap">
        <table class="table phones">
          <thead>
            <tr>
              <th scope="col">{to('phones.state')}</th>
              <th scope="col">{to('phones.number')}</th>
              <th scope="col">{to('phones.name')}</th>
              <th scope="col">{to('phones.zone')}</th>
              <RegistrationHeads />
            </tr>
          </thead>
          <tbody>
            {data && phones.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  {to('phones.noneConfigured')}
                </td>
              </tr>
            )}
            {phones.map((p) => {
              const state = stateOf(p);
              const regs = regsOf(p.number);
              return (
                <tr key={p.number} class={state === 'no' ? 'row-bad' : undefined} data-testid="phone-row" data-number={p.number} data-registered={state}>
                  <td>
                    <span class={`badge ${state === 'yes' ? 'badge-ok' : state === 'no' ? 'badge-down' : 'badge-unknown'}`} data-testid="phone-state">
                      {to(`phones.registered.${state}`)}
                    </span>
                  </td>
                  <td class="mono">{p.number}</td>
                  <td>{p.name}</td>
                  <td>{p.zone}</td>
                  <td class="mono" data-testid="phone-from">
                    {each(regs, (r) => <span title={r.contact}>{where(r)}</span>)}
                  </td>
                  <td>{each(regs, (r) => <When iso={r.seenSince} />)}</td>
                  <td>{each(regs, (r) => <Expiry iso={r.expiresAt} now={now} />)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {others.length > 0 && (
        <>
          <h2>{to('phones.others')}</h2>
          <p class="muted">{to('phones.othersIntro')}</p>
          <div class="table-wrap">
            <table class="table phones">
              <thead>
                <tr>
                  <th scope="col">{to('phones.user')}</th>
                  <th scope="col">{to('phones.contact')}</th>
                  <RegistrationHeads />
                </tr>
              </thead>
              <tbody>
                {others.map((r) => (
                  <tr key={`${r.user}|${r.contact}`} data-testid="other-registration" data-user={r.user}>
                    <td class="mono">{r.user}</td>
                    <td class="mono">{r.contact}</td>
                    <td class="mono">{where(r)}</td>
                    <td>
                      <When iso={r.seenSince} />
                    </td>
                    <td>
                      <Expiry iso={r.expiresAt} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
