// Supervision faults: what is broken now (cards) and the history (table).
// Source and code are translated; the detail is shown in the reader's
// language from the phrase the daemon sends with it.
import { When } from '../components/AlarmParts';
import { FeedbackView } from '../components/Feedback';
import { Said } from '../components/Said';
import type { FaultStore } from '../faults';
import { formatUptime, labelOf } from '../format';
import { useTick, useTitle } from '../hooks';
import { t } from '../i18n';
import type { Fault } from '../types';

export function Faults({ store }: { store: FaultStore }) {
  useTitle(t('faults.title'));
  useTick(store.open.length > 0 ? 15_000 : 0); // the "open for" durations
  const now = Date.now();

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('faults.title')}</h1>
      <p class="muted">{t('faults.intro')}</p>
      <FeedbackView feedback={store.error && { kind: 'error', err: store.error }} testid="faults-error" />

      <h2>{t('faults.open', { count: store.open.length })}</h2>
      {store.settled && !store.error && store.open.length === 0 && (
        <p class="msg msg-ok" role="status" data-testid="faults-none-open">
          {t('faults.noneOpen')}
        </p>
      )}
      <div class="cards fault-cards">
        {store.open.map((f) => (
          <FaultCard key={f.id} fault={f} now={now} />
        ))}
      </div>

      <h2>{t('faults.history')}</h2>
      <div class="table-wrap">
        <table class="table faults">
          <thead>
            <tr>
              <th scope="col">{t('faults.raised')}</th>
              <th scope="col">{t('faults.cleared')}</th>
              <th scope="col">{t('faults.source')}</th>
              <th scope="col">{t('faults.fault')}</th>
              <th scope="col">{t('faults.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {store.settled && store.recent.length === 0 && (
              <tr>
                <td colSpan={5} class="muted" data-testid="faults-empty">
                  {t('faults.historyEmpty')}
                </td>
              </tr>
            )}
            {store.recent.map((f) => (
              <FaultRow key={f.id} fault={f} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** "Stuck button · in1" — the translated code and what it concerns. */
function FaultName({ fault }: { fault: Fault }) {
  return (
    <>
      <span class="fault-code" data-code={fault.code}>
        {labelOf('faultCode', fault.code)}
      </span>
      {fault.subject && <span class="mono fault-subject">{fault.subject}</span>}
    </>
  );
}

function FaultCard({ fault, now }: { fault: Fault; now: number }) {
  return (
    <article class="card card-degraded fault-card" data-testid="fault-card" data-source={fault.source} data-code={fault.code}>
      <div class="card-head">
        <h3>
          <FaultName fault={fault} />
        </h3>
        <span class="badge badge-degraded">{labelOf('faultSource', fault.source)}</span>
      </div>
      <p class="detail">
        <Said phrase={fault.phrase} detail={fault.detail} />
      </p>
      <p class="fault-since">
        {t('faults.since')} <When iso={fault.raisedAt} />{' '}
        <span class="muted">({formatUptime((now - Date.parse(fault.raisedAt)) / 1000)})</span>
      </p>
    </article>
  );
}

function FaultRow({ fault }: { fault: Fault }) {
  const open = !fault.clearedAt;
  return (
    <tr data-testid="fault-row" data-id={fault.id} data-state={open ? 'open' : 'cleared'} data-code={fault.code}>
      <td class="nowrap num">
        <When iso={fault.raisedAt} />
      </td>
      <td class="nowrap num">
        {open ? <span class="badge badge-degraded">{t('faults.stillOpen')}</span> : <When iso={fault.clearedAt} />}
      </td>
      <td class="nowrap">{labelOf('faultSource', fault.source)}</td>
      <td>
        <span class="badges">
          <FaultName fault={fault} />
        </span>
      </td>
      <td class="detail">
        <Said phrase={fault.phrase} detail={fault.detail} />
      </td>
    </tr>
  );
}
