// A GSM modem card and a line card with its ports, for the Lines page.
import type { ComponentChildren } from 'preact';
import { formatDateTime, labelOf } from '../format';
import { t } from '../i18n';
import type { LineCardView, LineFault, LinePortView, ModemView } from '../types';
import { Said } from './Said';
import { SimPinForm } from './SimPin';

/** Badge colour of a modem's or line card's state. */
const STATE_CLASS: Record<string, string> = {
  ready: 'badge-ok',
  ok: 'badge-ok',
  fault: 'badge-down',
  starting: 'badge-degraded',
  degraded: 'badge-degraded',
};

const SIM_CLASS: Record<string, string> = { ready: 'badge-ok', pin: 'badge-down', puk: 'badge-down', absent: 'badge-down' };
const REG_CLASS: Record<string, string> = { home: 'badge-ok', roaming: 'badge-ok', searching: 'badge-degraded', denied: 'badge-down', 'not-registered': 'badge-down' };
const PORT_CLASS: Record<string, string> = { 'off-hook': 'badge-info', ringing: 'badge-degraded', 'in-use': 'badge-info', 'no-line': 'badge-down' };

const none = () => <span class="muted">{t('common.none')}</span>;
function orNone(v: string | null | undefined, mono = false) {
  if (!v) return none();
  return mono ? <span class="mono">{v}</span> : v;
}

function Fact(props: { label: string; children: ComponentChildren; testid?: string }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.children}</dd>
    </div>
  );
}

/** Signal strength as 0–5 bars, with the level in dBm (never the bars alone). */
export function SignalBars({ bars, dbm }: { bars: number; dbm: number | null }) {
  const n = Math.max(0, Math.min(5, Math.round(bars || 0)));
  return (
    <span class="signal" data-testid="modem-signal" data-bars={n}>
      <span class="bars" role="img" aria-label={t('lines.bars', { bars: n })}>
        {[1, 2, 3, 4, 5].map((i) => (
          <span key={i} class={`bar bar-${i}${i <= n ? ' bar-on' : ''}`} />
        ))}
      </span>
      <span class="num">{dbm == null ? t('lines.noSignal') : t('lines.dbm', { dbm })}</span>
    </span>
  );
}

export function LineFaults({ faults, testid }: { faults: LineFault[]; testid: string }) {
  if (!faults?.length) return null;
  return (
    <ul class="line-faults" data-testid={testid}>
      {faults.map((f, i) => (
        <li key={`${f.code}-${i}`} data-code={f.code}>
          <strong>{labelOf('faultCode', f.code)}</strong>
          {f.detail && (
            <span class="muted">
              {' — '}
              <Said phrase={f.phrase} detail={f.detail} />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function pinSource(m: ModemView) {
  const p = m.pin;
  if (!p) return none();
  if (p.entered) return t('lines.pinEntered', { by: p.entered.by, at: formatDateTime(p.entered.at) });
  return p.configured ? t('lines.pinConfigured') : t('lines.pinNone');
}

/** `canEnterPin`: an admin, who gets the SIM PIN form while the SIM waits for a PIN. */
export function ModemCard({ modem: m, canEnterPin = false }: { modem: ModemView; canEnterPin?: boolean }) {
  const trunk = m.trunk ?? { available: false, call: 'idle', number: null };
  return (
    <article class={`card line-card card-${m.state === 'ready' ? 'ok' : m.state === 'fault' ? 'down' : 'degraded'}`} data-testid="modem-card" data-id={m.id} data-state={m.state}>
      <div class="card-head">
        <h3>{t('lines.modem', { id: m.id })}</h3>
        <span class={`badge ${STATE_CLASS[m.state] ?? ''}`}>{labelOf('modemState', m.state)}</span>
      </div>
      <dl class="facts line-facts">
        <Fact label={t('lines.sim')}>
          <span class={`badge ${SIM_CLASS[m.sim] ?? ''}`}>{labelOf('simState', m.sim)}</span>
        </Fact>
        <Fact label={t('lines.registration')}>
          <span class={`badge ${REG_CLASS[m.registration] ?? ''}`}>{labelOf('registration', m.registration)}</span>
        </Fact>
        <Fact label={t('lines.operator')}>{orNone(m.operator)}</Fact>
        <Fact label={t('lines.signal')}>
          <SignalBars bars={m.bars} dbm={m.dbm} />
        </Fact>
        <Fact label={t('lines.trunk')} testid="modem-trunk">
          <span class="badges">
            <span class={`badge ${trunk.available ? 'badge-ok' : 'badge-down'}`}>
              {t(trunk.available ? 'lines.trunkAvailable' : 'lines.trunkUnavailable')}
            </span>
            <span class={`badge ${trunk.call === 'idle' ? '' : 'badge-info'}`}>{labelOf('callStateGsm', trunk.call)}</span>
            {trunk.number && <span class="mono">{trunk.number}</span>}
          </span>
        </Fact>
        <Fact label={t('lines.since')}>{m.since > 0 ? formatDateTime(new Date(m.since).toISOString()) : t('common.none')}</Fact>
        <Fact label={t('lines.pin')} testid="modem-pin">
          {pinSource(m)}
        </Fact>
      </dl>
      <dl class="ids">
        <dt>{t('lines.port')}</dt>
        <dd class="mono">{m.port}</dd>
        <dt>IMEI</dt>
        <dd>{orNone(m.imei, true)}</dd>
        <dt>ICCID</dt>
        <dd>{orNone(m.iccid, true)}</dd>
        <dt>IMSI</dt>
        <dd>{orNone(m.imsi, true)}</dd>
      </dl>
      <LineFaults faults={m.faults} testid="modem-faults" />
      {canEnterPin && m.sim === 'pin' && <SimPinForm modem={m} />}
    </article>
  );
}

function PortRow({ port: p }: { port: LinePortView }) {
  let power;
  if (p.kind === 'fxs') power = p.battery == null ? none() : t(p.battery ? 'lines.batteryOk' : 'lines.batteryMissing');
  else power = p.voltage == null ? none() : t('lines.volts', { v: p.voltage.toFixed(1) });
  return (
    <tr data-testid="linecard-port" data-n={p.n} data-state={p.state}>
      <th scope="row" class="num">
        {p.n}
      </th>
      <td>{labelOf('trunk', p.kind)}</td>
      <td>
        <span class={`badge ${PORT_CLASS[p.state] ?? ''}`}>{labelOf('portState', p.state)}</span>
      </td>
      <td class={p.kind === 'fxs' && p.battery === false ? 'bad' : undefined}>{power}</td>
      <td>{p.faults?.length ? <LineFaults faults={p.faults} testid="port-faults" /> : none()}</td>
    </tr>
  );
}

/** The card as a whole: answering but with a port at fault (a cut line, no battery) is degraded, not OK. */
export function cardStatus(c: LineCardView): LineCardView['status'] | 'degraded' {
  return c.status === 'ok' && c.ports.some((p) => p.faults?.length) ? 'degraded' : c.status;
}

export function LineCardPanel({ card: c }: { card: LineCardView }) {
  const status = cardStatus(c);
  return (
    <article class={`card line-card card-${status === 'ok' ? 'ok' : status === 'fault' ? 'down' : 'degraded'}`} data-testid="linecard-card" data-id={c.id} data-status={status}>
      <div class="card-head">
        <h3>{t('lines.lineCard', { id: c.id })}</h3>
        <span class={`badge ${STATE_CLASS[status] ?? ''}`} data-testid="linecard-status">
          {labelOf('lineCardStatus', status)}
        </span>
      </div>
      {c.detail && (
        <p class="detail">
          <Said phrase={c.phrase} detail={c.detail} />
        </p>
      )}
      <dl class="ids">
        <dt>{t('lines.model')}</dt>
        <dd>{orNone(c.model)}</dd>
        <dt>{t('lines.firmware')}</dt>
        <dd>{orNone(c.firmware, true)}</dd>
        <dt>{t('lines.port')}</dt>
        <dd class="mono">{c.port}</dd>
      </dl>
      <div class="table-wrap">
        <table class="table ports">
          <thead>
            <tr>
              <th scope="col">{t('lines.portN')}</th>
              <th scope="col">{t('lines.portKind')}</th>
              <th scope="col">{t('lines.portState')}</th>
              <th scope="col">{t('lines.power')}</th>
              <th scope="col">{t('lines.faults')}</th>
            </tr>
          </thead>
          <tbody>
            {(c.ports ?? []).length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  {t('lines.noPorts')}
                </td>
              </tr>
            )}
            {(c.ports ?? []).map((p) => (
              <PortRow key={p.n} port={p} />
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
