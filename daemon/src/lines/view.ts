// What the UI, health and central see of the lines: GET /api/lines, the SSE
// event `lines`, and the `event` messages of kind `line-state`. The web UI
// mirrors these types by hand (web-ui/src/types.ts).
import type { PinView } from './sim-pins.js';

export interface LineFault {
  code: string;
  detail: string;
}

export interface ModemView {
  id: string;
  /** Serial device, e.g. /dev/ttyUSB2. */
  port: string;
  state: 'starting' | 'ready' | 'fault' | 'stopped';
  sim: 'ready' | 'pin' | 'puk' | 'absent' | 'unknown';
  registration: 'home' | 'roaming' | 'searching' | 'denied' | 'not-registered' | 'unknown';
  operator: string | null;
  /** 27.007 +CSQ rssi (0–31, 99 unknown). */
  rssi: number | null;
  dbm: number | null;
  /** 0–5. */
  bars: number;
  imei: string | null;
  iccid: string | null;
  imsi: string | null;
  /** The failover trunk: can a GSM call be placed now; the voice call state. */
  trunk: { available: boolean; call: 'idle' | 'ringing' | 'in-call'; number: string | null };
  faults: LineFault[];
  /** ms since epoch of the last state change. */
  since: number;
  /** Where the SIM PIN comes from (never the PIN itself). */
  pin: PinView;
}

export type PortKind = 'fxs' | 'fxo';
export type PortState = 'on-hook' | 'off-hook' | 'ringing' | 'idle' | 'in-use' | 'no-line' | 'unknown';

export interface LinePortView {
  n: number;
  kind: PortKind;
  state: PortState;
  /** FXS: loop battery present. */
  battery: boolean | null;
  /** FXO: tip-ring voltage. */
  voltage: number | null;
  faults: LineFault[];
}

export interface LineCardView {
  id: string;
  port: string;
  status: 'starting' | 'ok' | 'fault' | 'stopped';
  detail: string;
  model: string | null;
  firmware: string | null;
  ports: LinePortView[];
}

export interface LinesView {
  modems: ModemView[];
  lineCards: LineCardView[];
}
