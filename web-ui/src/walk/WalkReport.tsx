// The printable commissioning report of one walk test
// (#/walk-test/report/<id>): site and node, who ran it and when, every call
// point with its result and the time of its test — in the language of the
// page (switch it, print again for the other). Printing hides the menus.
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime } from '../format';
import { useTitle } from '../hooks';
import { LangSwitch } from '../components/LangSwitch';
import { walkTestReport } from '../settings/api';
import { tc, type ConfigMessageKey } from '../settings/i18n';
import type { WalkTestReport } from '../types';
import { WALK_HREF } from './WalkTest';

export function WalkReport({ id }: { id: number }) {
  useTitle(tc('report.title'));
  const [report, setReport] = useState<WalkTestReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void walkTestReport(id).then((r) => (r.ok ? setReport(r.data) : setError(describeError(r))));
  }, [id]);
  if (error)
    return (
      <p class="msg msg-error" role="alert">
        {error}
      </p>
    );
  if (!report) return <p class="muted">{tc('loading')}</p>;
  const s = report.session;
  const passed = report.points.filter((x) => x.result === 'passed').length;
  const inTest = report.points.filter((x) => x.result !== 'not-in-test').length;
  return (
    <article class="report" data-testid="walk-report" aria-labelledby="report-title">
      <div class="no-print btn-row">
        <a class="btn" href={WALK_HREF}>
          {tc('report.back')}
        </a>
        <button type="button" class="btn btn-primary" data-testid="report-print" onClick={() => window.print()}>
          {tc('report.print')}
        </button>
        <LangSwitch />
      </div>
      <h1 id="report-title">{tc('report.title')}</h1>
      <dl class="facts report-facts">
        <dt>{tc('report.site')}</dt>
        <dd data-testid="report-site">{report.site}</dd>
        <dt>{tc('report.node')}</dt>
        <dd data-testid="report-node">{report.node}</dd>
        <dt>{tc('report.walkTest')}</dt>
        <dd>#{s.id}</dd>
        <dt>{tc('report.ranBy')}</dt>
        <dd data-testid="report-by">{s.startedBy}</dd>
        <dt>{tc('report.started')}</dt>
        <dd>{formatDateTime(s.startedAt)}</dd>
        <dt>{tc('report.ended')}</dt>
        <dd>{s.endedAt ? `${formatDateTime(s.endedAt)} (${tc(`report.end.${s.endReason ?? 'stopped'}` as ConfigMessageKey)}${s.endedBy ? `, ${s.endedBy}` : ''})` : tc('walk.running')}</dd>
        <dt>{tc('report.zones')}</dt>
        <dd>{s.zones?.join(', ') ?? tc('walk.allZones')}</dd>
        <dt>{tc('report.summary')}</dt>
        <dd data-testid="report-summary">{tc('report.passedOf', { passed, total: inTest })}</dd>
      </dl>
      <table class="table report-table" data-testid="report-points">
        <thead>
          <tr>
            <th scope="col">{tc('walk.point')}</th>
            <th scope="col">{tc('walk.location')}</th>
            <th scope="col">{tc('walk.zone')}</th>
            <th scope="col">{tc('walk.input')}</th>
            <th scope="col">{tc('report.result')}</th>
            <th scope="col">{tc('report.time')}</th>
          </tr>
        </thead>
        <tbody>
          {report.points.map((x) => (
            <tr key={x.id} data-testid={`report-point-${x.id}`} data-result={x.result}>
              <td>
                {x.label} <span class="mono muted">{x.id}</span>
              </td>
              <td>{x.location}</td>
              <td>{x.zone}</td>
              <td class="mono">{x.input}</td>
              <td class={x.result === 'passed' ? 'ok' : x.result === 'not-tested' ? 'bad' : 'muted'}>{tc(`report.result.${x.result}` as ConfigMessageKey)}</td>
              <td>{x.at ? formatDateTime(x.at) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted report-footer">{tc('report.generated', { at: formatDateTime(report.generatedAt) })}</p>
      <div class="report-sign">
        <span>{tc('report.signature')}</span>
      </div>
    </article>
  );
}
