// The board: every input with its call point and whether it is pressed, every
// output with its role and a lamp that shows its mode, every device (GPIO
// controller, I2C chip) with its status, and the temperature sensors. Loaded
// from GET /api/board; each `board` event is the whole snapshot again.
import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView } from '../components/Feedback';
import { formatDateTime, formatTemp, labelOf } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import type { BoardSnapshot, Subscribe } from '../types';

const DEVICE_CLASS: Record<string, string> = { ok: 'badge-ok', fault: 'badge-down', starting: 'badge-degraded' };


interface BoardProps {
  subscribe: Subscribe;
  /** 0 until the event stream first connects, then one more at each reconnect: fetched at each (changes may have been missed). */
  streamEpoch: number;
}

export function Board({ subscribe, streamEpoch }: BoardProps) {
  useTitle(t('board.title'));
  const [board, setBoard] = useState<BoardSnapshot | null>(null);
  const [error, setError] = useState<api.ApiErr | null>(null);

  const load = useCallback(async () => {
    const r = await api.getBoard();
    if (!r.ok) return setError(r);
    setError(null);
    setBoard(r.data);
  }, []);

  useEffect(() => {
    if (streamEpoch > 0) void load();
  }, [load, streamEpoch]);
  useEffect(() => subscribe('board', (b) => setBoard(b)), [subscribe]);

  const title = <h1 id="page-title">{t('board.title')}</h1>;
  if (error?.status === 404) {
    return (
      <section aria-labelledby="page-title">
        {title}
        <p class="msg msg-info" role="status" data-testid="board-unavailable">
          {t('board.unavailable')}
        </p>
      </section>
    );
  }
  const temps = Object.entries(board?.temperatures ?? {});
  return (
    <section aria-labelledby="page-title">
      {title}
      <FeedbackView feedback={error && { kind: 'error', err: error }} testid="board-error" />
      {!board && !error && (
        <p class="muted" role="status">
          {t('app.loading')}
        </p>
      )}
      {board && (
        <>
          <div class="panel summary">
            <dl class="facts">
              <div class="fact">
                <dt>{t('board.profile')}</dt>
                <dd class="mono" data-testid="board-name">
                  {board.name}
                </dd>
              </div>
              {temps.map(([id, c]) => (
                <div class="fact" key={id}>
                  <dt>{t('board.temperature', { id })}</dt>
                  <dd data-testid={`board-temp-${id}`}>{c == null ? t('board.noReading') : formatTemp(c)}</dd>
                </div>
              ))}
            </dl>
          </div>

          <h2>{t('board.inputs')}</h2>
          <div class="table-wrap">
            <table class="table board-inputs">
              <thead>
                <tr>
                  <th scope="col">{t('board.input')}</th>
                  <th scope="col">{t('alarms.point')}</th>
                  <th scope="col">{t('board.wiredTo')}</th>
                  <th scope="col">{t('board.inputState')}</th>
                </tr>
              </thead>
              <tbody>
                {board.inputs.length === 0 && (
                  <tr>
                    <td colSpan={4} class="muted">
                      {t('board.noInputs')}
                    </td>
                  </tr>
                )}
                {board.inputs.map((i) => (
                  <tr key={i.id} data-testid="board-input" data-id={i.id} data-pressed={String(i.pressed)}>
                    <th scope="row" class="mono">
                      {i.id}
                    </th>
                    <td class="point">
                      {i.point ? (
                        <>
                          {i.label || i.point} {i.label && <span class="mono muted">{i.point}</span>}
                        </>
                      ) : (
                        <span class="muted">{i.label ? `${i.label} · ${t('board.noPoint')}` : t('board.noPoint')}</span>
                      )}
                    </td>
                    <td class="mono source" title={i.source}>
                      {i.source}
                    </td>
                    <td>
                      {i.pressed ? (
                        <span class="badge badge-alarm">{t('board.pressed')}</span>
                      ) : (
                        <span class="badge">{t('board.released')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>{t('board.outputs')}</h2>
          <div class="table-wrap">
            <table class="table board-outputs">
              <thead>
                <tr>
                  <th scope="col">{t('board.lamp')}</th>
                  <th scope="col">{t('board.output')}</th>
                  <th scope="col">{t('board.role')}</th>
                  <th scope="col">{t('alarms.point')}</th>
                </tr>
              </thead>
              <tbody>
                {board.outputs.length === 0 && (
                  <tr>
                    <td colSpan={4} class="muted">
                      {t('board.noOutputs')}
                    </td>
                  </tr>
                )}
                {board.outputs.map((o) => (
                  <tr key={o.id} data-testid="board-output" data-id={o.id} data-role={o.role} data-mode={o.mode}>
                    <td class="nowrap">
                      <span class={`lamp lamp-${o.role} lamp-${o.mode}`} aria-hidden="true" />{' '}
                      {labelOf('outputMode', o.mode)}
                    </td>
                    <th scope="row" class="mono">
                      {o.id}
                    </th>
                    <td>{labelOf('outputRole', o.role)}</td>
                    <td class="mono">{o.point ?? <span class="muted">{t('common.none')}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>{t('board.devices')}</h2>
          <div class="cards">
            {board.devices.map((d) => (
              <article
                key={d.id}
                class={`card card-${d.status === 'ok' ? 'ok' : d.status === 'fault' ? 'down' : 'degraded'}`}
                data-testid="board-device"
                data-id={d.id}
                data-status={d.status}
              >
                <div class="card-head">
                  <h3 class="mono">{d.id}</h3>
                  <span class={`badge ${DEVICE_CLASS[d.status] ?? ''}`}>{labelOf('deviceStatus', d.status)}</span>
                </div>
                <p class="detail">{d.detail || t('common.none')}</p>
                {d.since > 0 && (
                  <p class="detail">
                    {t('board.since', { time: formatDateTime(new Date(d.since).toISOString()) })}
                  </p>
                )}
              </article>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
