// The buttons and messages around a settings form: review, the per-field
// diff to apply, a stale save's "changed meanwhile", the result.
import type { ComponentChildren } from 'preact';
import { FeedbackView } from '../components/Feedback';
import { ApplyReport, ConfigDiff } from './ConfigDiff';
import type { useApplyFlow } from './flow';
import { tc } from './i18n';

export function FlowView(p: { flow: ReturnType<typeof useApplyFlow>; readOnly: boolean; children: ComponentChildren; extra?: ComponentChildren; onSubmit?: () => void }) {
  const { flow } = p;
  const { phase } = flow;
  return (
    <form
      class="cfg-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!p.readOnly && !flow.busy) void flow.review();
      }}
    >
      {flow.general.length > 0 && (
        <ul class="msg msg-error cfg-general-errors" role="alert" data-testid="form-errors">
          {flow.general.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      )}
      <fieldset class="cfg-body" disabled={phase.kind === 'review' || flow.busy}>
        {p.children}
      </fieldset>
      <FeedbackView feedback={flow.feedback} testid="config-feedback" />
      {phase.kind === 'conflict' && (
        <div class="msg msg-warn cfg-conflict" role="alert" data-testid="config-conflict" data-version={phase.conflict.version}>
          <p>{tc('conflict.text', { version: phase.conflict.version })}</p>
          <ConfigDiff diff={phase.conflict.diff} testid="conflict-diff" />
          <div class="btn-row">
            <button type="button" class="btn btn-primary" data-testid="config-retry" disabled={flow.busy} onClick={() => void flow.retryOnLatest()}>
              {tc('conflict.retry')}
            </button>
          </div>
        </div>
      )}
      {phase.kind === 'review' && (
        <div class="cfg-review" data-testid="config-review-panel">
          <h3>{tc('review.title')}</h3>
          <ConfigDiff diff={phase.diff} />
          <div class="btn-row">
            <button type="button" class="btn btn-primary" data-testid="config-apply" disabled={flow.busy || !phase.diff.length} onClick={() => void flow.apply()}>
              {flow.busy ? tc('busy') : tc('review.apply')}
            </button>
            <button type="button" class="btn" data-testid="config-back" onClick={flow.back}>
              {tc('review.back')}
            </button>
          </div>
        </div>
      )}
      {phase.kind === 'done' && <ApplyReport version={phase.result.version} applied={phase.result.applied} pending={phase.result.pending} />}
      {!p.readOnly && phase.kind !== 'review' && phase.kind !== 'conflict' && (
        <div class="btn-row">
          <button type="submit" class="btn btn-primary" data-testid="config-review" disabled={flow.busy}>
            {flow.busy ? tc('busy') : tc('review.button')}
          </button>
          {p.extra}
        </div>
      )}
    </form>
  );
}
