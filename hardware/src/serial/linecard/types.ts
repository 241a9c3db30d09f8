// The line-card driver's types: its context, the port snapshot, request
// results as values (STYLE.md 3), events and counters.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { DeviceStatus } from '../../status.js';
import type { LineCardFault } from './faults.js';
import type { PortReport } from './protocol.js';

export interface LineCardContext {
  /** The card's id in the configuration ("lc0"); names it in faults and logs. */
  id: string;
  log: Logger;
  clock?: Clock;
  /** PING interval; three without any answer is card-silent. Default 5000. */
  heartbeatMs?: number;
  /** Per request. Default 1000 (the card answers within milliseconds at 115200 baud). */
  requestTimeoutMs?: number;
  /** An FXS port off hook this long is a stuck-off-hook fault. Default 10 min. */
  stuckOffHookMs?: number;
  /** Re-read every port this often, in case an event was lost. Default 60000. */
  refreshMs?: number;
}

/** A port as last reported; `since` is when its hook (FXS) or line (FXO) state last changed. */
export type PortState = PortReport & { since: number };

/** How a request ended: the value, the card's ERR (or BADREPLY/BADPORT from the driver), timeout, or no link. */
export type LineCardResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'error'; code: string; text: string }
  | { kind: 'timeout' }
  | { kind: 'disconnected' };

export interface LineCardEvents {
  port: [state: PortState, previous: PortState | undefined];
  fault: [fault: LineCardFault];
  'fault-cleared': [fault: LineCardFault];
  status: [status: DeviceStatus, previous: DeviceStatus];
}

export interface LineCardCounters {
  /** Lines dropped because the checksum did not match. */
  badChecksum: number;
  /** Other lines that were not messages (framing, syntax, too long). */
  invalid: number;
  /** Well-formed messages this version does not know (ignored). */
  unknown: number;
  /** Replies whose tag matched no request on the wire (late or spurious). */
  unmatched: number;
  /** Our own requests read back (a looped or echoing line). */
  echoes: number;
  timeouts: number;
  /** Bytes skipped as line noise before a start character. */
  noiseBytes: number;
}
