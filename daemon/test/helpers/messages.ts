// Well-formed messages for tests of the outbox and the uplink: what a
// service would write, numbered so a test can tell them apart (the contract in
// daemon/src/contracts/mqtt.ts refuses made-up payloads at compile time).
import type { AlarmMessage, CallRecord, EventMessage, MqttPayloads, OutboxType } from '../../src/contracts/index.js';

const at = (n: number) => new Date(Date.UTC(2026, 10, 25, 8, 0, 0) + n * 1000).toISOString();

export function sampleAlarm(n: number): AlarmMessage {
  return {
    id: `A-20261125-${n + 1}`, pointId: 'sos-1', zone: 'tunnel-a', state: 'raised', test: false, raisedAt: at(n), updatedAt: at(n), presses: 1, attempts: n,
    target: null, callUuid: null, connectedAt: null, acknowledgedAt: null, acknowledgedBy: null, ackSource: null, clearedAt: null, clearedBy: null, clearSource: null,
    event: 'raised', point: { id: 'sos-1', label: 'SOS km 1.2', location: 'Tunnel A', zone: 'tunnel-a' },
  };
}

export function sampleCall(n: number): CallRecord {
  const uuid = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    uuid, direction: 'outbound', callerNumber: '8000', callerName: 'Dispatch', calleeNumber: '1001', calleeName: null, zone: 'tunnel-a', trunk: 'sip',
    createdAt: at(n), answeredAt: at(n), endedAt: at(n + 1), durationS: n, billsecS: n, hangupCause: 'NORMAL_CLEARING', recordingPath: null, alarmId: null, recovered: false,
    route: null, trunkId: null, failover: null,
  };
}

/** A line-state event whose port number is `n`. */
export function sampleEvent(n: number): EventMessage {
  return { kind: 'line-state', card: 'lc0', port: n, type: 'fxo', state: 'idle', battery: null, voltage: 48, at: at(n) };
}

export function sampleOf<K extends OutboxType>(type: K, n: number): MqttPayloads[K] {
  const byType: { [T in OutboxType]: (n: number) => MqttPayloads[T] } = {
    alarm: sampleAlarm,
    call: sampleCall,
    event: sampleEvent,
    'cmd-result': (i) => ({ id: `cmd-${i}`, name: 'get-status', ok: true }),
  };
  return byType[type](n);
}

/** The number a sample message carries. */
export function sampleNumber(data: unknown): number {
  const d = data as Partial<AlarmMessage & CallRecord & { port: number; id: string }>;
  if (typeof d.port === 'number') return d.port;
  if (typeof d.attempts === 'number') return d.attempts;
  if (typeof d.durationS === 'number') return d.durationS;
  return Number(String(d.id).replace(/\D/g, ''));
}
