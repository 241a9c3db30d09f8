// Messages shown to the user. Kept as data (key or API error), not text,
// so they re-render in the new language after a language switch.
import type { ApiErr } from '../api';
import { t, type MessageKey, type Vars } from '../i18n';

export type Feedback =
  | { kind: 'ok' | 'info' | 'error'; key: MessageKey; vars?: Vars }
  | { kind: 'error'; err: ApiErr };

/** Human text for a failed call: network problem, server's own message, or status. */
export function describeError(err: ApiErr): string {
  if (err.status === 0) return t(err.error === 'timeout' ? 'error.timeout' : 'error.network');
  if (err.error) return err.error;
  if (err.status === 403) return t('error.forbidden');
  return t('error.http', { status: err.status });
}

export function feedbackText(fb: Feedback): string {
  return 'err' in fb ? describeError(fb.err) : t(fb.key, fb.vars);
}

/** Errors use role=alert (announced at once); other messages role=status. */
export function FeedbackView(props: { feedback: Feedback | null; testid?: string }) {
  const fb = props.feedback;
  if (!fb) return null;
  return (
    <p class={`msg msg-${fb.kind}`} role={fb.kind === 'error' ? 'alert' : 'status'} data-testid={props.testid}>
      {feedbackText(fb)}
    </p>
  );
}
