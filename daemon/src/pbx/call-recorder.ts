// Call records. One row per call, built from CHANNEL_HANGUP_COMPLETE, written
// in the same transaction as its `call` outbox message for central.
//
// Records are group-committed: every hangup that arrives while a commit is
// being synced joins the next one, so 200 calls ending together cost a few
// fsyncs, not 200 (synchronous=FULL makes each commit durable). A failed
// commit (disk full, I/O error) keeps the batch and retries: nothing is
// dropped while the daemon runs.
//
// What FreeSWITCH does not tell us: it does not replay events missed while
// the event socket was down. A call that was up when we lost the socket and
// is gone when we come back is closed on resync from what we knew, marked
// recovered=1: if FreeSWITCH restarted meanwhile (a new Core-UUID), the call
// died with it, so it ends when the socket dropped, cause CRASH; otherwise it
// ended unseen some time before we noticed, cause NORMAL_UNSPECIFIED. A call
// that began and ended entirely inside the gap is not seen at all; only
// FreeSWITCH's own CDR (mod_json_cdr / mod_cdr_csv) could tell it.
import type { Logger } from '../log/logger.js';
import type { CallRecord, FailoverStep, LiveChannel } from '../contracts/calls.js';
import type { Store } from '../store/store.js';
import { isCallLeg, partiesOf, trunkOf, usToIso } from './channel-event.js';

export function recordFromHangup(h: Record<string, string>, recording: string | null): CallRecord | null {
  const uuid = h['Unique-ID'];
  if (!uuid || !isCallLeg(h)) return null;
  const ended = usToIso(h['Caller-Channel-Hangup-Time']) ?? new Date().toISOString();
  const created = usToIso(h['Caller-Channel-Created-Time']) ?? ended;
  const answered = usToIso(h['Caller-Channel-Answered-Time']);
  const int = (v: string | undefined, fallback: number) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : fallback);
  const durationS = int(h.variable_duration, Math.max(0, Math.round((Date.parse(ended) - Date.parse(created)) / 1000)));
  const billsecS = int(h.variable_billsec, answered ? Math.max(0, Math.round((Date.parse(ended) - Date.parse(answered)) / 1000)) : 0);
  return {
    uuid,
    direction: h['Call-Direction'] === 'outbound' ? 'outbound' : 'inbound',
    ...partiesOf(h),
    zone: h.variable_callpoint_zone ?? null,
    trunk: trunkOf(h),
    createdAt: created,
    answeredAt: answered,
    endedAt: ended,
    durationS,
    billsecS,
    hangupCause: h['Hangup-Cause'] ?? h.variable_hangup_cause ?? null,
    recordingPath: recording ?? h.variable_callpoint_recording ?? null,
    alarmId: h.variable_callpoint_alarm_id ?? null,
    recovered: false,
    ...routeOf(h),
  };
}

/**
 * What routing wrote on the channel (provisioning/src/route-extension.ts):
 * the rule, the trunk last tried (or the trunk a call came in on), the trunks
 * skipped at the decision ("id reason; id reason") and the attempts that
 * failed ("id:CAUSE;" each). The last trunk tried was used unless its attempt
 * failed too.
 */
export function routeOf(h: Record<string, string>): Pick<CallRecord, 'route' | 'trunkId' | 'failover'> {
  const rule = h.variable_callpoint_route;
  const route = rule && rule !== 'none' ? rule : null;
  const trunkId = h.variable_callpoint_trunk_id ?? h.variable_callpoint_trunk_leg ?? null;
  const steps: FailoverStep[] = [];
  for (const part of (h.variable_callpoint_skipped ?? '').split('; ')) {
    const m = /^(\S+) (.+)$/.exec(part.trim());
    if (m) steps.push({ trunk: m[1]!, outcome: 'skipped', reason: m[2]! });
  }
  const attempts = (h.variable_callpoint_attempts ?? '').split(';').filter(Boolean);
  for (const a of attempts) {
    const i = a.indexOf(':');
    if (i > 0) steps.push({ trunk: a.slice(0, i), outcome: 'failed', reason: a.slice(i + 1) || 'failed' });
  }
  const lastFailed = attempts.length ? attempts[attempts.length - 1]!.split(':')[0] : null;
  if (h.variable_callpoint_trunk_id && lastFailed !== h.variable_callpoint_trunk_id) steps.push({ trunk: h.variable_callpoint_trunk_id, outcome: 'used', reason: 'the call went out here' });
  return { route, trunkId, failover: steps.length > 1 || steps.some((s) => s.outcome !== 'used') ? steps : null };
}

/**
 * A call that ended while the event socket was down. endedAt: our best bound
 * of its end (when FreeSWITCH died, if it restarted); cause: CRASH when it
 * died with FreeSWITCH, NORMAL_UNSPECIFIED when FreeSWITCH stayed up and the
 * call ended unseen (how, only its own CDR could tell).
 */
export function recordFromVanished(ch: LiveChannel, endedAt: Date, cause: string): CallRecord {
  const noticedAt = new Date(Math.max(endedAt.getTime(), Date.parse(ch.createdAt)));
  const ended = noticedAt.toISOString();
  return {
    uuid: ch.uuid,
    direction: ch.direction,
    callerNumber: ch.callerNumber,
    callerName: ch.callerName,
    calleeNumber: ch.calleeNumber,
    calleeName: null,
    zone: ch.zone,
    trunk: ch.trunk,
    createdAt: ch.createdAt,
    answeredAt: ch.answeredAt,
    endedAt: ended,
    durationS: Math.max(0, Math.round((noticedAt.getTime() - Date.parse(ch.createdAt)) / 1000)),
    billsecS: ch.answeredAt ? Math.max(0, Math.round((noticedAt.getTime() - Date.parse(ch.answeredAt)) / 1000)) : 0,
    hangupCause: cause,
    recordingPath: ch.recording,
    alarmId: ch.alarmId,
    recovered: true,
    route: ch.route,
    trunkId: ch.trunkId,
    failover: null,
  };
}

interface Pending {
  record: CallRecord;
  receivedAt: number;
}

export class CallRecorder {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private retryMs = 0;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** After commit: the new records and, for each, ms from hangup received to committed. */
    private readonly onCommitted: (records: CallRecord[], latenciesMs: number[]) => void = () => undefined,
  ) {}

  get backlog(): number {
    return this.queue.length;
  }

  add(record: CallRecord, receivedAt = performance.now()): void {
    this.queue.push({ record, receivedAt });
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue;
        this.queue = [];

        try {
          const fresh = await this.store.tx(async (r) => {
            // Duplicates (the same call reported twice across a resync) are dropped, not re-sent.
            const unique = [...new Map(batch.map((p) => [p.record.uuid, p])).values()];
            const inserted = await r.calls.insertMany(unique.map((p) => p.record));
            const out = unique.filter((p) => inserted.has(p.record.uuid));
            await r.outbox.enqueueMany(out.map((p) => ({ type: 'call', data: p.record, orderKey: p.record.alarmId })));
            return out;
          });
          this.retryMs = 0;
          const now = performance.now();
          if (fresh.length) this.onCommitted(fresh.map((p) => p.record), fresh.map((p) => now - p.receivedAt));
        } catch (err) {
          // Keep the batch, in order, ahead of anything that arrived meanwhile.
          this.queue = [...batch, ...this.queue];
          this.retryMs = Math.min(30_000, Math.max(500, this.retryMs * 2));
          this.log.error({ err, pending: this.queue.length, retryMs: this.retryMs }, 'cannot write call records; will retry');
          await new Promise((r) => setTimeout(r, this.retryMs));
        }
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Wait until everything queued is committed (or the store fails for good at stop). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
