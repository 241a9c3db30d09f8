// A routing decision in words, in the page's language: where the call goes,
// or why it is refused (the step that refused it: a zone's permission for the
// class of the call, a list, the number, no rule, no trunk), what the caller
// hears. Built from the decision's fields; each step's own `why` is the
// daemon's English sentence, shown beside these as it came.
import type { RouteDecision, RouteDestination, TraceStep, Treatment } from '../types';
import { tr, type RoutingMessageKey } from './i18n';

export const className = (cls: string | null) => (cls ? tr(`class.${cls}` as RoutingMessageKey) : '');

export function destinationText(x: RouteDestination): string {
  switch (x.kind) {
    case 'extension':
      return tr('dest.extension', { number: x.number });
    case 'ring-group':
      return tr('dest.ring-group', { extensions: x.extensions.join(', '), strategy: tr(`strategy.${x.strategy}`) });
    case 'trunk':
      return x.callerId
        ? tr('dest.trunkCallerId', { trunk: x.trunk, kind: x.trunkKind.toUpperCase(), number: x.number, callerId: x.callerId })
        : tr('dest.trunk', { trunk: x.trunk, kind: x.trunkKind.toUpperCase(), number: x.number });
    case 'conference':
      return tr('dest.conference', { name: x.name });
    case 'ivr':
      return tr('dest.ivr', { id: x.id });
    case 'queue':
      return tr('dest.queue', { id: x.id });
    case 'announcement':
      return tr('dest.announcement', { name: x.name });
  }
}

export function treatmentText(x: Treatment): string {
  switch (x.kind) {
    case 'tone':
      return tr(`hears.tone.${x.tone}`);
    case 'reject':
      return tr('hears.reject');
    case 'busy':
      return tr('hears.busy');
    case 'announcement':
      return tr('hears.announcement', { name: x.name });
  }
}

/** Why a refused call is refused: from the last step that refused it. `listKind` tells a block list from an allow list. */
export function refusalText(d: RouteDecision, listKind: (id: string) => string | undefined): string {
  const s: TraceStep | undefined = [...d.trace].reverse().find((x) => x.result === 'refused');
  const rule = d.rule ?? '—';
  switch (s?.step) {
    case 'permission':
      return s.subject ? tr('why.permission', { zone: s.subject, class: className(d.class) }) : tr('why.permissionNoZone', { class: className(d.class) });
    case 'list':
      // A block list holds the number; allowlist mode refuses what is missing from an allow list.
      return listKind(s.subject ?? '') === 'allow' ? tr('why.allowlist', { list: s.subject ?? '' }) : tr('why.list', { list: s.subject ?? '' });
    case 'number':
      return tr('why.number');
    case 'rule':
      return d.rule ? tr('why.rule', { rule }) : tr('why.noRule');
    case 'destination':
      return tr('why.rule', { rule });
    default:
      return d.skipped.length ? tr('why.trunks') : tr('why.other', { rule });
  }
}
