// Reading FreeSWITCH channel events: the fields Callpoint uses, from the
// headers real FreeSWITCH 1.10 sends (see ../shared/fixtures/freeswitch).
import type { EslEvent } from './esl/frame-parser.js';
import type { Trunk } from '../contracts/calls.js';

/** FreeSWITCH times are microseconds since the epoch; "0" means never. */
export function usToIso(us: string | undefined): string | null {
  if (!us || us === '0') return null;
  const n = Number(us);
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(Math.floor(n / 1000)).toISOString();
}

/** Which kind of line a channel is on, from its name (and our provisioning's variable when set). */
export function trunkOf(h: Record<string, string>): Trunk {
  const set = h.variable_callpoint_trunk;
  if (set === 'sip' || set === 'fxs' || set === 'fxo' || set === 'gsm') return set;
  const name = h['Channel-Name'] ?? '';
  if (name.startsWith('sofia/gateway/gsm/')) return 'gsm';
  if (name.startsWith('sofia/')) return 'sip';
  if (name.startsWith('loopback/')) return 'loopback';
  if (/^(freetdm|ftdm|dahdi)\//.test(name)) return h.variable_callpoint_port_kind === 'fxo' ? 'fxo' : 'fxs';
  return 'other';
}

/**
 * Caller and callee of a leg. For a leg FreeSWITCH originated (direction
 * outbound) the caller is the origination caller ID (Caller-Caller-ID-Number
 * becomes the answering phone's own number after answer, as the capture
 * shows); for a leg that came in, the caller is the one who dialled — its ANI,
 * because a call we bridged to another with uuid_bridge (the SOS hotline to
 * the desk) has Caller-Caller-ID-Number changed to the other party's by
 * FreeSWITCH (seen against FreeSWITCH 1.10.12 in make test-real).
 */
export function partiesOf(h: Record<string, string>): { callerNumber: string | null; callerName: string | null; calleeNumber: string | null; calleeName: string | null } {
  const outbound = h['Call-Direction'] === 'outbound';
  const callerNumber = outbound ? (h.variable_origination_caller_id_number ?? h['Caller-Orig-Caller-ID-Number'] ?? h['Caller-Caller-ID-Number']) : (h['Caller-ANI'] ?? h['Caller-Caller-ID-Number']);
  const callerName = outbound ? (h.variable_origination_caller_id_name ?? h['Caller-Orig-Caller-ID-Name'] ?? null) : (h['Caller-Orig-Caller-ID-Name'] ?? h['Caller-Caller-ID-Name'] ?? null);
  const calleeNumber = h['Caller-Destination-Number'] ?? h['Caller-Callee-ID-Number'] ?? null;
  const calleeName = outbound ? null : (h['Caller-Callee-ID-Name'] ?? null);
  return { callerNumber: callerNumber ?? null, callerName: callerName && callerName !== 'Outbound Call' ? callerName : null, calleeNumber, calleeName };
}

/**
 * The leg that stands for the call. A bridge's B-leg carries the A-leg's uuid
 * in variable_originator / variable_originating_leg_uuid; mod_loopback's
 * second leg is named …-b. Those are not separate calls.
 */
export function isCallLeg(h: Record<string, string>): boolean {
  if (h.variable_originator || h.variable_originating_leg_uuid) return false;
  const name = h['Channel-Name'] ?? '';
  return !(name.startsWith('loopback/') && name.endsWith('-b'));
}

export const eventName = (e: EslEvent) => (e.headers['Event-Name'] === 'CUSTOM' ? `CUSTOM ${e.headers['Event-Subclass'] ?? ''}` : (e.headers['Event-Name'] ?? ''));
