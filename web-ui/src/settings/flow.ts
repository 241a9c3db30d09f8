// Saving a change to the configuration, as every settings page does it:
//   review  — the daemon checks the whole configuration with the change and
//             says what would change, per field (or each problem, on its field);
//   apply   — written with the version it was made on; what took effect and
//             what waits is shown;
//   a stale save (someone saved first) shows what they changed; the change
//   stays in the form and can be reviewed again on the latest version, so
//   nothing of either person is lost.
import { useState } from 'preact/hooks';
import type { ApiResult } from '../api';
import type { Feedback } from '../components/Feedback';
import type { ConfigApplyResult, ConfigConflict, ConfigDiffEntry, ConfigView, ErrorBody } from '../types';
import { previewConfig } from './api';
import { under, type Written } from './schema';

export type Phase =
  | { kind: 'edit' }
  | { kind: 'review'; diff: ConfigDiffEntry[]; version: number }
  | { kind: 'done'; result: ConfigApplyResult }
  | { kind: 'conflict'; conflict: ConfigConflict };

export interface FlowOptions {
  /** The configuration as it is now. */
  view: ConfigView;
  /** Reload it (after a save, or to review again on the latest version). */
  reload: () => Promise<ConfigView | undefined>;
  /** The whole configuration with this page's change in it. */
  build: (base: Written) => Written;
  /** Where this page's value is in the whole configuration (`points[3]`, `uplink`, '' for top-level keys): errors under it go on its fields. */
  prefix: (base: Written) => string;
  /** The write itself, on the given version. */
  submit: (version: number) => Promise<ApiResult<ConfigApplyResult>>;
  onApplied?: (r: ConfigApplyResult) => void;
}

export function useApplyFlow(o: FlowOptions) {
  const [phase, setPhase] = useState<Phase>({ kind: 'edit' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  const place = (base: Written, list: Array<{ path: string; message: string }>) => {
    const prefix = o.prefix(base);
    const byField: Record<string, string> = {};
    const rest: string[] = [];
    for (const e of list) {
      const rel = under(e.path, prefix);
      if (rel !== undefined && !(rel in byField)) byField[rel] = e.message;
      else rest.push(`${e.path}: ${e.message}`);
    }
    setErrors(byField);
    setGeneral(rest);
  };

  async function review(view = o.view): Promise<void> {
    setBusy(true);
    setFeedback(null);
    const r = await previewConfig(o.build(view.config));
    setBusy(false);
    if (!r.ok) return setFeedback({ kind: 'error', err: r });
    place(view.config, r.data.errors);
    setPhase(r.data.errors.length ? { kind: 'edit' } : { kind: 'review', diff: r.data.diff, version: view.version });
  }

  async function apply(): Promise<void> {
    if (phase.kind !== 'review') return;
    setBusy(true);
    const r = await o.submit(phase.version);
    setBusy(false);
    if (r.ok) {
      setPhase({ kind: 'done', result: r.data });
      setErrors({});
      setGeneral([]);
      o.onApplied?.(r.data);
      await o.reload();
      return;
    }
    const body = r.body as Partial<ErrorBody & ConfigConflict>;
    if (r.status === 409 && Array.isArray(body.diff)) return setPhase({ kind: 'conflict', conflict: body as ConfigConflict });
    if ((r.status === 400 || r.status === 403) && Array.isArray(body.errors)) {
      place(o.view.config, body.errors);
      setPhase({ kind: 'edit' });
      return setFeedback({ kind: 'error', err: r });
    }
    setFeedback({ kind: 'error', err: r });
  }

  /** After a 409: the latest version, with this change in it, reviewed again. */
  async function retryOnLatest(): Promise<void> {
    const latest = await o.reload();
    if (latest) await review(latest);
  }

  const back = () => setPhase({ kind: 'edit' });
  return { phase, errors, general, busy, feedback, review: () => review(), apply, retryOnLatest, back, setPhase };
}
