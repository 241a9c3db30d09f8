import { t } from '../i18n';
import type { ComponentStatus } from '../types';

const KNOWN = ['ok', 'degraded', 'down', 'disabled'];

/** Coloured status pill that always carries a text label (never colour alone). */
export function StatusBadge(props: { status: ComponentStatus | undefined; testid?: string; large?: boolean }) {
  const status = props.status && KNOWN.includes(props.status) ? props.status : 'unknown';
  return (
    <span
      class={`badge badge-${status}${props.large ? ' badge-large' : ''}`}
      data-testid={props.testid}
      data-status={status}
    >
      {t(`status.${status}` as const)}
    </span>
  );
}
