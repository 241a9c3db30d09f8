// GET /api/events: the server-sent events the UI listens to, name → data.
// The event bus carries the same map (plus nothing else), so what a page
// receives is what a service emitted.
import type { AuditEntry } from './accounts.js';
import type { Alarm } from './alarms.js';
import type { BoardSnapshot } from './board.js';
import type { CallRecord, ChannelChange } from './calls.js';
import type { ConfigEvent } from './config.js';
import type { DeskEvent } from './desk.js';
import type { Fault } from './faults.js';
import type { Health } from './health.js';
import type { LinesView, Sms } from './lines.js';
import type { WalkTestEvent } from './walk-test.js';
import type { RoutingView } from './routing.js';

export interface StreamEvents {
  health: Health;
  /** Technicians and admins only. */
  audit: AuditEntry;
  /** A live channel changed; `channel` is null when it is gone. */
  channel: ChannelChange;
  /** A call record was committed. */
  call: CallRecord;
  /** An alarm changed state. */
  alarm: Alarm;
  /** A supervision fault was raised or cleared (`clearedAt` set). */
  fault: Fault;
  /** The board's inputs/outputs changed (a press, a lamp). */
  board: BoardSnapshot;
  /** An SMS was stored or changed state (technicians and admins only). */
  sms: Sms;
  /** A modem or line card changed state (SIM identities only for technicians and admins). */
  lines: LinesView;
  /** A new version of the configuration was applied, or what waited took effect. */
  config: ConfigEvent;
  /** The walk test started, ended, or a point was tested. */
  'walk-test': WalkTestEvent;
  /** Trunks, night mode or a list changed (technicians and admins only). */
  routing: RoutingView;
  /** An ACD queue's waiting calls or its agents changed (coalesced: at most one per queue every 100 ms). */
  desk: DeskEvent;
  /** Keep-alive, every 25 s. */
  ping: { ts: string };
}
export type StreamEventName = keyof StreamEvents;
