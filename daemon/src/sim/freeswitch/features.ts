// What happens on a live channel: applications (park, conference, eavesdrop,
// playback), recording, DTMF, bridge, hold, broadcast, transfer, dump.
import { isAbsolute, join } from 'node:path';
import type { CallEngine } from './call-engine.js';
import type { Channel, EavesdropMode } from './channel.js';
import type { Conferences } from './conference.js';
import type { Phone } from './phone.js';
import { nowUs } from './events.js';
import { writeSilenceWav } from './wav.js';

/** eavesdrop_whisper_aleg / _bleg (FreeSWITCH variables); three_way or eavesdrop_three_way=true is a barge. */
function eavesdropMode(c: Channel, app: string): EavesdropMode {
  if (app === 'three_way' || c.vars.get('eavesdrop_three_way') === 'true') return 'barge';
  const a = c.vars.get('eavesdrop_whisper_aleg') === 'true';
  const b = c.vars.get('eavesdrop_whisper_bleg') === 'true';
  return a && b ? 'whisper-both' : a ? 'whisper-aleg' : b ? 'whisper-bleg' : 'listen';
}

export class Features {
  constructor(
    private readonly e: CallEngine,
    private readonly conferences: Conferences,
    private readonly phones: Map<string, Phone>,
    private readonly recordingsDir?: string,
  ) {}

  runApp(c: Channel, app: string, data: string): void {
    const e = this.e;
    if (c.application) e.leaveApp(c);
    if (c.runState !== 'CS_EXECUTE') e.setState(c, 'CS_EXECUTE');
    switch (app) {
      case 'park':
        e.park(c);
        return;
      case 'conference':
        e.execute(c, 'conference', data);
        this.conferences.join(c, data);
        return;
      case 'eavesdrop':
      case 'three_way': {
        const target = e.channels.get(data);
        e.execute(c, app, data);
        if (!target) {
          e.executeComplete(c);
          e.hangup(c, 'NORMAL_CLEARING');
          return;
        }
        c.eavesdrop = { target: data, mode: eavesdropMode(c, app) };
        c.vars.set('eavesdrop_target', data);
        e.ev('MEDIA_BUG_START', target, { 'Media-Bug-Function': 'eavesdrop', 'Media-Bug-Target': c.uuid });
        return;
      }
      case 'hangup':
        e.hangup(c, data || 'NORMAL_CLEARING');
        return;
      case 'answer':
        if (c.onAnswer) c.onAnswer();
        else e.markAnswered(c);
        return;
      case 'playback':
        this.broadcast(c, data);
        return;
      default:
        e.execute(c, app, data);
        e.executeComplete(c);
    }
  }

  onHangup(c: Channel): void {
    this.conferences.leave(c);
  }

  beforeHangup(c: Channel): void {
    if (c.recording) this.record(c, 'stop', c.recording.path);
    // Whoever eavesdrops on this channel loses it.
    for (const o of this.e.channels.values()) {
      if (o.eavesdrop?.target === c.uuid && o !== c) {
        this.e.ev('MEDIA_BUG_STOP', c, { 'Media-Bug-Function': 'eavesdrop', 'Media-Bug-Target': o.uuid });
        o.eavesdrop = undefined;
        setImmediate(() => { if (this.e.channels.has(o.uuid)) this.e.hangup(o, 'NORMAL_CLEARING'); });
      }
    }
  }

  /** uuid_record <uuid> start|stop <path>. On stop a WAV of silence as long as the recording is written. */
  record(c: Channel, action: string, pathArg: string): string {
    const path = isAbsolute(pathArg) || !this.recordingsDir ? pathArg : join(this.recordingsDir, pathArg);
    if (action === 'start') {
      if (!pathArg) return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
      c.recording = { path, startUs: nowUs() };
      c.vars.set('record_stereo', 'true');
      this.e.ev('RECORD_START', c, { 'Record-File-Path': path });
      this.e.ev('MEDIA_BUG_START', c, { 'Media-Bug-Function': 'session_record', 'Media-Bug-Target': path });
      return '+OK Success\n';
    }
    if (action === 'stop') {
      const rec = c.recording;
      if (!rec || (pathArg && pathArg !== 'all' && rec.path !== path)) return '-ERR Cannot stop record session!\n';
      c.recording = undefined;
      const ms = Math.min(60_000, Math.max(500, Math.round((nowUs() - rec.startUs) / 1000)));
      let bytes = 0;
      let samples = 0;
      try {
        ({ bytes, samples } = writeSilenceWav(rec.path, ms));
      } catch {
        // An unwritable path: FreeSWITCH would have failed at start; keep the events going.
      }
      c.vars.set('record_file_size', String(bytes));
      c.vars.set('record_samples', String(samples));
      c.vars.set('record_seconds', String(Math.floor(samples / 8000)));
      c.vars.set('record_ms', String(Math.floor(samples / 8)));
      c.vars.set('record_completion_cause', 'success');
      this.e.ev('RECORD_STOP', c, { 'Record-File-Path': rec.path, 'Record-Completion-Cause': 'success' });
      this.e.ev('MEDIA_BUG_STOP', c, { 'Media-Bug-Function': 'session_record', 'Media-Bug-Target': rec.path });
      return '+OK Success\n';
    }
    return '-ERR Unknown action\n';
  }

  /** DTMF arriving on a leg (DTMF event on that leg); an eavesdropper's digits switch the mode. */
  dtmfOn(c: Channel, digits: string, source: string): void {
    for (const d of digits) {
      if (!/[0-9*#A-Da-d]/.test(d)) continue;
      this.e.ev('DTMF', c, { 'DTMF-Digit': d, 'DTMF-Duration': '2000', 'DTMF-Source': source });
      if (c.eavesdrop) {
        const modes: Record<string, EavesdropMode> = { '0': 'listen', '1': 'whisper-bleg', '2': 'whisper-aleg', '3': 'barge' };
        const m = modes[d];
        if (m) c.eavesdrop.mode = m;
      }
    }
  }

  /** uuid_send_dtmf: the digits go out of the channel; the far leg (loopback peer, bridged leg) receives them. */
  sendDtmf(c: Channel, digits: string): string {
    const far = (c.peer && this.e.channels.get(c.peer)) || (c.bridgedTo && this.e.channels.get(c.bridgedTo)) || undefined;
    const clean = digits.split('@')[0] ?? '';
    if (far) this.dtmfOn(far, clean, 'APP');
    else if (c.phone) this.phones.get(c.phone)?.receivedDtmf.push(...clean);
    return '+OK Success\n';
  }

  bridge(a: Channel, b: Channel): string {
    for (const c of [a, b]) {
      if (c.bridgedTo) return `-ERR ${c.uuid} is already bridged\n`;
      if (c.application) this.e.leaveApp(c);
      if (!c.answeredUs && c.onAnswer) c.onAnswer();
      else if (!c.answeredUs) this.e.markAnswered(c);
    }
    const us = nowUs();
    a.bridgedTo = b.uuid;
    b.bridgedTo = a.uuid;
    a.bridgedUs = b.bridgedUs = us;
    a.vars.set('bridge_uuid', b.uuid);
    b.vars.set('bridge_uuid', a.uuid);
    this.e.setState(a, 'CS_EXCHANGE_MEDIA');
    this.e.setState(b, 'CS_EXCHANGE_MEDIA');
    this.e.ev('CHANNEL_BRIDGE', a, { 'Bridge-A-Unique-ID': a.uuid, 'Bridge-B-Unique-ID': b.uuid, 'Other-Type': 'originatee', 'Other-Leg-Unique-ID': b.uuid });
    return `+OK ${b.uuid}\n`;
  }

  unbridge(c: Channel): void {
    const o = c.bridgedTo ? this.e.channels.get(c.bridgedTo) : undefined;
    if (!c.bridgedTo) return;
    this.e.ev('CHANNEL_UNBRIDGE', c, { 'Bridge-A-Unique-ID': c.uuid, 'Bridge-B-Unique-ID': c.bridgedTo, 'Other-Type': 'originatee', 'Other-Leg-Unique-ID': c.bridgedTo });
    c.bridgedTo = undefined;
    if (o) o.bridgedTo = undefined;
  }

  hold(c: Channel, how: 'on' | 'off' | 'toggle'): string {
    const on = how === 'toggle' ? !c.held : how === 'on';
    if (on === c.held) return '+OK Success\n';
    const us = nowUs();
    if (on) c.lastHoldUs = us;
    else c.holdAccumUs += us - c.lastHoldUs;
    c.held = on;
    this.e.ev(on ? 'CHANNEL_HOLD' : 'CHANNEL_UNHOLD', c);
    this.e.setCallState(c, on ? 'HELD' : 'ACTIVE');
    return '+OK Success\n';
  }

  /** uuid_broadcast / playback: PLAYBACK_START now, PLAYBACK_STOP after a short while. */
  broadcast(c: Channel, path: string): string {
    this.e.ev('PLAYBACK_START', c, { 'Playback-File-Path': path });
    this.e.later(c, 200, () => this.e.ev('PLAYBACK_STOP', c, { 'Playback-File-Path': path, 'Playback-Status': 'done' }));
    return '+OK Message sent\n';
  }

  /** uuid_transfer: the leg (or the bridged one with -bleg, both with -both) goes to a new extension and parks there. */
  transfer(c: Channel, leg: string, dest: string): string {
    const targets: Channel[] = [];
    const other = c.bridgedTo ? this.e.channels.get(c.bridgedTo) : undefined;
    if (leg !== '-bleg') targets.push(c);
    if ((leg === '-bleg' || leg === '-both') && other) targets.push(other);
    if (!targets.length) return '-ERR No such channel!\n';
    // Transferring one side of a bridge hangs the other side up unless both go.
    const hangOther = leg !== '-both' && other;
    this.unbridge(c);
    for (const t of targets) {
      if (t.application) this.e.leaveApp(t);
      t.destination = dest;
      t.transferUs = nowUs();
      t.vars.set('transfer_history', `${Math.floor(t.transferUs / 1e6)}:${t.uuid}:uuid_br:${dest}`);
      this.e.ev('CHANNEL_TRANSFER', t);
      this.e.setState(t, 'CS_ROUTING');
      this.e.park(t);
    }
    if (hangOther) {
      const victim = targets.includes(c) ? other : c;
      if (victim && this.e.channels.has(victim.uuid)) this.e.hangup(victim, 'NORMAL_CLEARING');
    }
    return '+OK\n';
  }
}
