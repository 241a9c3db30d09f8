// The last self-test: a test alarm that goes to central the way a real one
// does, without calling anyone. Passed when central's broker took it.
import { useEffect } from 'preact/hooks';
import { labelOf } from '../format';
import { t } from '../i18n';
import type { CallPoint, SelfTestResult } from '../types';
import { When } from './AlarmParts';
import { Said } from './Said';

/** The daemon gives central's broker 10 minutes; after that a result without an outcome was interrupted. */
const WAIT_MAX_MS = 15 * 60_000;

export type SelfTestOutcome = 'passed' | 'failed' | 'waiting' | 'unknown';

export function outcomeOf(st: SelfTestResult, now = Date.now()): SelfTestOutcome {
  if (st.ok === true) return 'passed';
  if (st.ok === false) return 'failed';
  return now - Date.parse(st.startedAt) < WAIT_MAX_MS ? 'waiting' : 'unknown';
}

const OUTCOME_CLASS: Record<SelfTestOutcome, string> = {
  passed: 'badge-ok',
  failed: 'badge-down',
  waiting: 'badge-info',
  unknown: '',
};

/** Ask for the result every 2 s while the last test waits for central. */
export function useSelfTestPoll(st: SelfTestResult | null, reload: () => void): void {
  const waiting = !!st && outcomeOf(st) === 'waiting';
  useEffect(() => {
    if (!waiting) return;
    const id = setInterval(reload, 2000);
    return () => clearInterval(id);
  }, [waiting, reload]);
}

/** Who ran it, by name and the role they had (a person), or the schedule or central. */
function runBy(st: SelfTestResult): string {
  if (st.source !== 'technician' || !st.by) return labelOf('selfTestSource', st.source);
  return st.role ? t('selfTest.runByRole', { user: st.by, role: t(`role.${st.role}`) }) : t('selfTest.runByUser', { user: st.by });
}

export function SelfTestPanel({ result: st, points }: { result: SelfTestResult | null; points: CallPoint[] }) {
  const outcome = st ? outcomeOf(st) : null;
  const point = st && points.find((p) => p.id === st.pointId);
  return (
    <div class="panel self-test" data-testid="self-test">
      <h3>{t('selfTest.last')}</h3>
      {!st || !outcome ? (
        <p class="muted" data-testid="self-test-none">
          {t('selfTest.none')}
        </p>
      ) : (
        <div class="self-test-result" data-testid="self-test-result" data-outcome={outcome} data-alarm={st.alarmId}>
          <span class="badges">
            <span class={`badge ${OUTCOME_CLASS[outcome]}`} data-testid="self-test-outcome">
              {t(`selfTest.${outcome}`)}
            </span>
            <strong>{point?.label || st.pointId}</strong>
            <span class="muted" data-testid="self-test-by">
              {runBy(st)}
            </span>
            <When iso={st.startedAt} />
            <span class="mono muted">{st.alarmId}</span>
          </span>
          {st.detail && (
            <p class="detail">
              <Said phrase={st.phrase} detail={st.detail} />
            </p>
          )}
        </div>
      )}
      <p class="muted self-test-note">{t('selfTest.intro')}</p>
    </div>
  );
}
