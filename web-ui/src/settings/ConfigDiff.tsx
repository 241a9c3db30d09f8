// What a change does, per field, as the daemon computed it (secrets show only
// as set or not): before applying, in a stale save's refusal, in a version's
// history. And what an apply did: what took effect now, what waits for what.
import { SECRET_MASK, type ConfigApplied, type ConfigDiffEntry, type ConfigPending } from '../types';
import { tc, type ConfigMessageKey } from './i18n';

function shown(v: unknown): string {
  if (v === undefined) return '—';
  if (v === SECRET_MASK) return tc('secret.stateSet');
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

export function ConfigDiff({ diff, testid = 'config-diff' }: { diff: ConfigDiffEntry[]; testid?: string }) {
  if (!diff.length) return <p class="muted" data-testid={`${testid}-empty`}>{tc('diff.none')}</p>;
  return (
    <div class="table-wrap">
      <table class="table cfg-diff" data-testid={testid}>
        <thead>
          <tr>
            <th scope="col">{tc('diff.key')}</th>
            <th scope="col">{tc('diff.change')}</th>
            <th scope="col">{tc('diff.before')}</th>
            <th scope="col">{tc('diff.after')}</th>
          </tr>
        </thead>
        <tbody>
          {diff.map((d) => (
            <tr key={`${d.op} ${d.path}`} data-testid="diff-row" data-op={d.op} data-path={d.path}>
              <td class="mono">{d.path}</td>
              <td>{tc(`diff.op.${d.op}` as ConfigMessageKey)}</td>
              <td class="mono">{d.secret && d.before !== undefined ? tc('secret.stateSet') : shown(d.before)}</td>
              <td class="mono">{d.secret && d.after !== undefined ? tc('secret.changed') : shown(d.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PendingList({ pending }: { pending: ConfigPending[] }) {
  if (!pending.length) return null;
  return (
    <ul class="cfg-pending" data-testid="config-pending">
      {pending.map((p) => (
        <li key={p.path} data-testid="pending-row" data-waits={p.waitsFor} data-path={p.path}>
          <strong class="mono">{p.path}</strong> — {tc(`pending.${p.waitsFor}` as ConfigMessageKey, { alarm: p.alarmId ?? '' })}
          <span class="muted"> ({p.detail})</span>
        </li>
      ))}
    </ul>
  );
}

export function ApplyReport({ version, applied, pending }: { version: number; applied: ConfigApplied[]; pending: ConfigPending[] }) {
  return (
    <div class="msg msg-ok cfg-result" role="status" data-testid="config-result" data-version={version}>
      <p>{tc('apply.done', { version })}</p>
      {applied.length > 0 && (
        <ul data-testid="config-applied">
          {applied.map((a) => (
            <li key={`${a.how} ${a.path}`} data-how={a.how}>
              <strong class="mono">{a.path}</strong> — {tc(`applied.${a.how}` as ConfigMessageKey)} <span class="muted">({a.detail})</span>
            </li>
          ))}
        </ul>
      )}
      <PendingList pending={pending} />
    </div>
  );
}
