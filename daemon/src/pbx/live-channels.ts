// The live channel table: what FreeSWITCH has up right now, kept from events
// and rebuilt from `show channels as json` after every (re)connection.
import { partiesOf, trunkOf, usToIso } from './channel-event.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { CallPriority } from '../contracts/values.js';

/** One row of `show channels as json`. */
export interface ShowChannelsRow {
  uuid: string;
  direction: string;
  created_epoch: string;
  name: string;
  state: string;
  cid_name: string;
  cid_num: string;
  dest: string;
  callstate: string;
  callee_num?: string;
  initial_cid_num?: string;
  initial_cid_name?: string;
  call_uuid?: string;
}

/** What Callpoint knows about a channel that FreeSWITCH's events may not say (alarm, zone). */
export interface ChannelTags {
  alarmId?: string | null;
  zone?: string | null;
}

export class LiveChannels {
  private readonly table = new Map<string, LiveChannel>();
  /** When each channel last had an event (ms, monotonic): a resync must not drop what it could not know of. */
  private readonly touched = new Map<string, number>();
  /**
   * Tags of channels we created or took over, by uuid, set before FreeSWITCH
   * reports them: CHANNEL_OUTGOING and CHANNEL_STATE carry no variables, and
   * `show channels` none at all, so an originated leg's alarm and zone come
   * from our own originate until an event with variables repeats them.
   */
  private readonly tags = new Map<string, ChannelTags>();
  /**
   * Channels destroyed lately: FreeSWITCH sends CHANNEL_STATE CS_DESTROY after
   * CHANNEL_DESTROY (sip-calls-plain.raw), and a late event must not bring a
   * dead channel back into the table.
   */
  private readonly destroyed = new Set<string>();

  constructor(private readonly onChange: (uuid: string, ch: LiveChannel | null) => void = () => undefined) {}

  get size(): number {
    return this.table.size;
  }

  /** How many entries each internal map holds: all must stay bounded however many calls come and go (soak, tests). */
  footprint(): { channels: number; touched: number; tags: number; destroyed: number } {
    return { channels: this.table.size, touched: this.touched.size, tags: this.tags.size, destroyed: this.destroyed.size };
  }

  get(uuid: string): LiveChannel | undefined {
    return this.table.get(uuid);
  }

  list(): LiveChannel[] {
    return [...this.table.values()];
  }

  /** Tag a channel (now, or when it appears). */
  tag(uuid: string, t: ChannelTags): void {
    this.tags.set(uuid, { ...this.tags.get(uuid), ...t });
    const ch = this.table.get(uuid);
    if (ch && this.applyTags(ch)) this.onChange(uuid, ch);
  }

  /** Forget the tags of a channel that will not come (an originate that failed before creating it). */
  untag(uuid: string): void {
    this.tags.delete(uuid);
  }

  /** The other leg of a bridge follows the leg FreeSWITCH reported: joined to it, or parted from it (`other` undefined). */
  private mirrorBridge(uuid: string, other: string | undefined): void {
    if (other !== undefined) {
      const o = this.table.get(other);
      if (!o || o.bridgedTo === uuid) return;
      o.bridgedTo = uuid;
      this.onChange(other, o);
      return;
    }
    for (const [id, o] of this.table) {
      if (o.bridgedTo !== uuid) continue;
      o.bridgedTo = null;
      this.onChange(id, o);
    }
  }

  private applyTags(ch: LiveChannel): boolean {
    const t = this.tags.get(ch.uuid);
    if (!t) return false;
    const before = `${ch.alarmId}|${ch.zone}`;
    if (t.alarmId) ch.alarmId = t.alarmId;
    if (t.zone) ch.zone = t.zone;
    return before !== `${ch.alarmId}|${ch.zone}`;
  }

  /** Apply one channel event. */
  apply(name: string, h: Record<string, string>): void {
    const uuid = h['Unique-ID'];
    if (!uuid) return;
    // A late event of a channel already destroyed (CHANNEL_STATE CS_DESTROY) must leave no trace here.
    if (this.destroyed.has(uuid)) return;
    let ch = this.table.get(uuid);
    switch (name) {
      case 'CHANNEL_STATE':
      case 'CHANNEL_PARK':
      case 'CHANNEL_UNPARK':
      case 'CHANNEL_CREATE':
      case 'CHANNEL_OUTGOING':
      case 'CHANNEL_ORIGINATE':
      case 'CHANNEL_PROGRESS':
      case 'CHANNEL_PROGRESS_MEDIA':
      case 'CHANNEL_ANSWER':
      case 'CHANNEL_CALLSTATE':
      case 'CHANNEL_BRIDGE':
      case 'CHANNEL_UNBRIDGE':
      case 'CHANNEL_HOLD':
      case 'CHANNEL_UNHOLD':
      case 'RECORD_START':
      case 'RECORD_STOP': {
        if (!ch) {
          if (h['Channel-State'] === 'CS_DESTROY') return;
          ch = fromEvent(h);
          this.table.set(uuid, ch);
        }
        this.touched.set(uuid, performance.now());
        // Variables come with some events only (not CHANNEL_OUTGOING, CHANNEL_STATE, CHANNEL_CALLSTATE):
        // keep what any of them said, and what we tagged ourselves.
        ch.alarmId ??= h.variable_callpoint_alarm_id ?? null;
        ch.zone ??= h.variable_callpoint_zone ?? h.variable_callpoint_point_zone ?? null;
        this.applyTags(ch);
        ch.state = h['Channel-State'] ?? ch.state;
        ch.callState = h['Channel-Call-State'] ?? ch.callState;
        ch.answeredAt ??= usToIso(h['Caller-Channel-Answered-Time']);
        const parties = partiesOf(h);
        ch.callerNumber = parties.callerNumber ?? ch.callerNumber;
        ch.callerName = parties.callerName ?? ch.callerName;
        if (name === 'CHANNEL_BRIDGE') ch.bridgedTo = h['Other-Leg-Unique-ID'] ?? ch.bridgedTo;
        if (name === 'CHANNEL_UNBRIDGE') ch.bridgedTo = null;
        if (name === 'CHANNEL_HOLD') ch.held = true;
        if (name === 'CHANNEL_UNHOLD') ch.held = false;
        if (name === 'RECORD_START') ch.recording = h['Record-File-Path'] ?? ch.recording;
        // Routing writes its decision on the channel (events with variables carry it).
        ch.route = routeVar(h) ?? ch.route;
        ch.trunkId = h.variable_callpoint_trunk_leg ?? ch.trunkId;
        ch.priority = priorityOf(h) ?? ch.priority;
        ch.alarmId ??= h.variable_callpoint_alarm_id ?? null;
        if (ch.alarmId) ch.priority = 'emergency';
        this.onChange(uuid, ch);
        // FreeSWITCH sends CHANNEL_BRIDGE and CHANNEL_UNBRIDGE for the leg that bridged only: the
        // other leg is joined (and parted) as well.
        if (name === 'CHANNEL_BRIDGE' || name === 'CHANNEL_UNBRIDGE') this.mirrorBridge(uuid, name === 'CHANNEL_BRIDGE' ? h['Other-Leg-Unique-ID'] : undefined);
        return;
      }
      case 'CHANNEL_HANGUP':
        if (ch) {
          this.touched.set(uuid, performance.now());
          ch.state = 'CS_HANGUP';
          ch.callState = 'HANGUP';
          this.onChange(uuid, ch);
        }
        return;
      case 'CHANNEL_DESTROY':
        this.touched.delete(uuid);
        this.tags.delete(uuid);
        this.destroyed.add(uuid);
        // Bounded: only the latest matter (events of one channel arrive together).
        if (this.destroyed.size > 2000) for (const u of [...this.destroyed].slice(0, 1000)) this.destroyed.delete(u);
        if (this.table.delete(uuid)) this.onChange(uuid, null);
        return;
      default:
        return;
    }
  }

  /**
   * Make the table equal FreeSWITCH's list: add what we missed, drop what is
   * gone. Returns the channels that vanished (their end was not seen).
   * `requestedAt` is when the list was asked for: a channel with an event
   * after that is newer than the list and stays.
   */
  resync(rows: ShowChannelsRow[], requestedAt: number): { added: number; vanished: LiveChannel[] } {
    const seen = new Set<string>();
    let added = 0;
    for (const r of rows) {
      seen.add(r.uuid);
      if (this.table.has(r.uuid)) {
        const ch = this.table.get(r.uuid)!;
        ch.state = r.state || ch.state;
        ch.callState = r.callstate || ch.callState;
        continue;
      }
      const outbound = r.direction === 'outbound';
      const ch: LiveChannel = {
        uuid: r.uuid,
        direction: outbound ? 'outbound' : 'inbound',
        name: r.name,
        state: r.state,
        callState: r.callstate,
        callerNumber: (outbound ? r.initial_cid_num : r.cid_num) || null,
        callerName: (outbound ? r.initial_cid_name : r.cid_name) || null,
        calleeNumber: r.dest || null,
        createdAt: new Date(Number(r.created_epoch) * 1000 || Date.now()).toISOString(),
        answeredAt: r.callstate === 'ACTIVE' || r.callstate === 'HELD' ? new Date().toISOString() : null,
        bridgedTo: r.call_uuid && r.call_uuid !== r.uuid ? r.call_uuid : null,
        held: r.callstate === 'HELD',
        recording: null,
        zone: null,
        alarmId: null,
        trunk: trunkOf({ 'Channel-Name': r.name }),
        route: null,
        trunkId: null,
        priority: null,
      };
      this.applyTags(ch);
      this.table.set(r.uuid, ch);
      this.onChange(r.uuid, ch);
      added++;
    }
    const vanished: LiveChannel[] = [];
    for (const [uuid, ch] of this.table) {
      if (!seen.has(uuid) && (this.touched.get(uuid) ?? 0) < requestedAt) {
        this.table.delete(uuid);
        this.touched.delete(uuid);
        this.tags.delete(uuid);
        vanished.push(ch);
        this.onChange(uuid, null);
      }
    }
    return { added, vanished };
  }
}

function fromEvent(h: Record<string, string>): LiveChannel {
  const p = partiesOf(h);
  return {
    uuid: h['Unique-ID']!,
    direction: h['Call-Direction'] === 'outbound' ? 'outbound' : 'inbound',
    name: h['Channel-Name'] ?? '',
    state: h['Channel-State'] ?? '',
    callState: h['Channel-Call-State'] ?? '',
    callerNumber: p.callerNumber,
    callerName: p.callerName,
    calleeNumber: p.calleeNumber,
    createdAt: usToIso(h['Caller-Channel-Created-Time']) ?? new Date().toISOString(),
    answeredAt: usToIso(h['Caller-Channel-Answered-Time']),
    bridgedTo: h['Other-Leg-Unique-ID'] ?? null,
    held: false,
    recording: null,
    zone: h.variable_callpoint_zone ?? null,
    alarmId: h.variable_callpoint_alarm_id ?? null,
    trunk: trunkOf(h),
    route: routeVar(h),
    trunkId: h.variable_callpoint_trunk_leg ?? null,
    priority: h.variable_callpoint_alarm_id ? 'emergency' : priorityOf(h),
  };
}

const routeVar = (h: Record<string, string>) => (h.variable_callpoint_route && h.variable_callpoint_route !== 'none' ? h.variable_callpoint_route : null);

function priorityOf(h: Record<string, string>): CallPriority | null {
  const p = h.variable_callpoint_priority;
  return p === 'low' || p === 'normal' || p === 'high' || p === 'emergency' ? p : null;
}
