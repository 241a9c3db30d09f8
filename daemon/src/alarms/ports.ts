// What the alarm service needs from the rest of the appliance, kept narrow so
// the same service runs on the board, in simulation and in tests.
import type { OriginateOptions, ToneName } from '../pbx/commands/builders.js';
import type { CommandOutcome, ParkedCall, PbxLink } from '../pbx/gateway.js';
import type { LiveChannel } from '../contracts/calls.js';
import type { ChannelTags } from '../pbx/live-channels.js';

export interface AlarmPbx {
  originate(o: OriginateOptions): Promise<CommandOutcome<{ uuid: string }>>;
  forceRelease(uuid: string): Promise<CommandOutcome<void>>;
  bridge(a: string, b: string): Promise<CommandOutcome<void>>;
  hangup(uuid: string): Promise<CommandOutcome<void>>;
  /** Answer an inbound leg that waits unanswered (the SOS hotline). */
  answer(uuid: string): Promise<CommandOutcome<void>>;
  playTone(uuid: string, tone: ToneName, leg?: 'aleg' | 'bleg' | 'both'): Promise<CommandOutcome<void>>;
  /** Mark a live channel as the alarm's (the hotline call we took over). */
  tag(uuid: string, tags: ChannelTags): void;
  onDtmf(fn: (uuid: string, digit: string) => void): () => void;
  /** FreeSWITCH lost, frozen or back: the escalation reacts at once. */
  onLink(fn: (link: PbxLink) => void): () => void;
  readonly link: PbxLink;
  /** Calls our dialplan parked for the daemon (the SOS phone's hotline: kind `alarm`). */
  onParked(fn: (p: ParkedCall) => void): () => void;
  /** True once connected and the live channel table is current; false after `ms`. */
  whenReady(ms: number): Promise<boolean>;
  readonly channels: { list(): LiveChannel[]; get(uuid: string): LiveChannel | undefined };
}

/** EN 81-28 style indications at a point, and the site's beacons (strobes, sirens). `test`: a walk-test press (the lamps flash). */
export interface AlarmOutputs {
  point(pointId: string, indication: 'idle' | 'alarm-sent' | 'voice-connected' | 'test'): void;
  beacons(on: boolean): void;
}
