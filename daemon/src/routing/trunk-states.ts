// What each trunk can take now: up or down with the reason, its capacity and
// the channels in use — from FreeSWITCH's gateway status (registration, ping),
// the live channels (every leg on a trunk carries callpoint_trunk_leg), and
// for FXO and GSM trunks the line card's ports (line voltage, in use) and the
// modems (registered, signal, in a call).
import type { TrunkConfig } from '../config/schema.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { LinesView } from '../contracts/lines.js';
import { gatewayUsable, type SofiaGateway } from '../pbx/sofia-status.js';
import type { TrunkState } from './router.js';

export interface TrunkSources {
  /** FreeSWITCH's event socket is up. */
  connected: boolean;
  /** The last gateway status by name (null: not read yet). */
  gateways: ReadonlyMap<string, SofiaGateway> | null;
  channels: readonly LiveChannel[];
  lines: LinesView | undefined;
}

const LINE_UP = new Set(['idle', 'in-use', 'ringing']);
const LINE_BUSY = new Set(['in-use', 'ringing']);

/** Channels in use per trunk: legs that sit on it. */
export function channelsInUse(channels: readonly LiveChannel[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const c of channels) if (c.trunkId && c.callState !== 'HANGUP') n.set(c.trunkId, (n.get(c.trunkId) ?? 0) + 1);
  return n;
}

function voicePath(t: TrunkConfig, s: TrunkSources): { up: boolean; detail: string } {
  if (!s.connected) return { up: false, detail: 'FreeSWITCH is not connected' };
  if (!s.gateways) return { up: false, detail: 'gateway state not read yet' };
  const g = s.gateways.get(t.id);
  if (!g) return { up: false, detail: `FreeSWITCH has no gateway ${t.id} (provision FreeSWITCH and restart it)` };
  return gatewayUsable(g);
}

function fxo(t: TrunkConfig, s: TrunkSources): { up: number; busy: number; detail: string } {
  const card = s.lines?.lineCards.find((c) => c.id === t.fxo?.card);
  if (!card) return { up: 0, busy: 0, detail: `line card ${t.fxo?.card ?? '?'} is not running` };
  if (card.status !== 'ok') return { up: 0, busy: 0, detail: `line card ${card.id}: ${card.detail}` };
  let up = 0;
  let busy = 0;
  const words: string[] = [];
  for (const n of t.fxo?.ports ?? []) {
    const p = card.ports.find((x) => x.n === n);
    if (!p || p.kind !== 'fxo') {
      words.push(`port ${n}: not an FXO port of ${card.id}`);
      continue;
    }
    if (LINE_UP.has(p.state)) up++;
    if (LINE_BUSY.has(p.state)) busy++;
    words.push(`port ${n}: ${p.state === 'no-line' ? 'no line voltage' : p.state}${p.voltage !== null ? ` (${Math.round(p.voltage)} V)` : ''}`);
  }
  return { up, busy, detail: words.join(', ') };
}

function gsm(t: TrunkConfig, s: TrunkSources): { up: number; busy: number; detail: string } {
  let up = 0;
  let busy = 0;
  const words: string[] = [];
  for (const id of t.gsm?.modems ?? []) {
    const m = s.lines?.modems.find((x) => x.id === id);
    if (!m) {
      words.push(`${id}: not running`);
      continue;
    }
    const registered = m.registration === 'home' || m.registration === 'roaming';
    const able = m.state === 'ready' && registered && m.bars > 0;
    if (able) up++;
    if (m.trunk.call !== 'idle') busy++;
    words.push(able ? `${id}: ${m.operator ?? 'registered'}, ${m.bars}/5 bars${m.trunk.call !== 'idle' ? `, ${m.trunk.call}` : ''}` : `${id}: ${m.faults[0]?.detail ?? `${m.state}, ${m.registration}${registered ? ', no signal' : ''}`}`);
  }
  return { up, busy, detail: words.join('; ') };
}

export function trunkStates(trunks: readonly TrunkConfig[], s: TrunkSources): Map<string, TrunkState> {
  const used = channelsInUse(s.channels);
  const out = new Map<string, TrunkState>();
  for (const t of trunks) {
    const path = voicePath(t, s);
    const legs = used.get(t.id) ?? 0;
    if (t.kind === 'sip') {
      out.set(t.id, { up: path.up, detail: path.detail, capacity: t.channels ?? 2, inUse: legs });
      continue;
    }
    const lines = t.kind === 'fxo' ? fxo(t, s) : gsm(t, s);
    const capacity = Math.min(t.channels ?? Infinity, lines.up);
    const up = path.up && lines.up > 0;
    const detail = !path.up ? `${path.detail}; ${lines.detail}` : lines.detail;
    out.set(t.id, { up, detail, capacity: Number.isFinite(capacity) ? capacity : 0, inUse: Math.max(legs, lines.busy) });
  }
  return out;
}
