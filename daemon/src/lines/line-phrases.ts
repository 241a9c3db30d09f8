// The lines' faults and health as phrases (contracts/phrases): what a modem
// or line card reports, by its fault code, in any language. The drivers'
// own English stays in `detail` beside it.
import type { LineFault, ModemView } from '../contracts/lines.js';
import { phrase, type Phrase } from '../contracts/phrases/index.js';
import type { GsmFaultCode } from '../../../hardware/src/serial/gsm/index.js';
import type { LineCardFault } from '../../../hardware/src/serial/linecard/index.js';

const GSM_KEYS = {
  'no-sim': 'fault.gsm.no-sim',
  'pin-required': 'fault.gsm.pin-required',
  'wrong-pin': 'fault.gsm.wrong-pin',
  'sim-puk': 'fault.gsm.sim-puk',
  'not-registered': 'fault.gsm.not-registered',
  'no-signal': 'fault.gsm.no-signal',
  'modem-silent': 'fault.gsm.modem-silent',
  'power-down': 'fault.gsm.power-down',
} as const satisfies Record<GsmFaultCode, string>;

export const gsmFaultPhrase = (modem: string, code: GsmFaultCode): Phrase => phrase(GSM_KEYS[code], { modem });

export function cardFaultPhrase(f: Pick<LineCardFault, 'card' | 'port' | 'code'>): Phrase {
  switch (f.code) {
    case 'line-cut':
      return phrase('fault.line-card.line-cut', { card: f.card, port: f.port ?? '?' });
    case 'no-battery':
      return phrase('fault.line-card.no-battery', { card: f.card, port: f.port ?? '?' });
    case 'stuck-off-hook':
      return phrase('fault.line-card.stuck-off-hook', { card: f.card, port: f.port ?? '?' });
    case 'card-silent':
      return phrase('fault.line-card.card-silent', { card: f.card });
    case 'card-error':
      return phrase('fault.line-card.card-error', { card: f.card });
  }
}

export const gsmLineFault = (modem: string, f: { code: GsmFaultCode; detail: string }): LineFault => ({ code: f.code, detail: f.detail, phrase: gsmFaultPhrase(modem, f.code) });

/**
 * One modem's part of the `gsm` health component, as a phrase (its status
 * is decided in lines-service.ts: modemHealth).
 */
export function modemHealthPhrase(m: ModemView): Phrase {
  if (m.state === 'fault') return phrase('health.gsm.down', { modem: m.id, faults: m.faults.map((f) => f.phrase ?? f.code) });
  if (m.state === 'stopped') return phrase('health.gsm.stopped', { modem: m.id });
  if (m.state === 'starting') return phrase('health.gsm.starting', { modem: m.id });
  if (m.registration === 'searching') return phrase('health.gsm.searching', { modem: m.id });
  if (m.registration === 'denied') return phrase('health.gsm.denied', { modem: m.id });
  if (m.registration !== 'home' && m.registration !== 'roaming') return phrase('health.gsm.unregistered', { modem: m.id });
  if (m.bars === 0) return phrase('health.gsm.noSignal', { modem: m.id, dbm: m.dbm ?? '?' });
  return phrase(m.registration === 'roaming' ? 'health.gsm.roaming' : 'health.gsm.ok', { modem: m.id, operator: m.operator ?? '?', dbm: m.dbm ?? '?', bars: m.bars });
}
