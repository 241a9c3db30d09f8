// SMS as an alarm notification channel: when an alarm of a plan with `sms`
// changes in a way the plan names (raised by default), a text goes to each
// on-call number through the GSM line service. The text is queued in the
// store first, so a modem that is down, or a restart, delays it but never
// loses it. A power cut between the alarm's commit and the queueing is
// covered at start: an unanswered alarm whose "raised" text is not yet
// queued for a number gets it.
import type { Point } from '../alarms/alarm-message.js';
import { derived, type ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import { siteTimeZone } from '../config/site-time.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log/logger.js';
import type { Alarm, AlarmState } from '../contracts/alarms.js';
import type { Store } from '../store/store.js';
import { alarmSms, type AlarmSmsEvent } from './sms-text.js';

export interface SmsQueue {
  /** Store the message as queued and hand it to a modem when one is ready. */
  queue(to: string, text: string, opts: { alarmId?: string; tag?: string }): Promise<{ ok: true; id: number } | { ok: false; error: string }>;
}

/** Alarms that nobody has answered yet: their "raised" text is still worth sending after a restart. */
const STILL_CALLING = new Set<AlarmState>(['raised', 'calling', 'connected', 'failed']);

const EVENT_OF: Partial<Record<AlarmState, AlarmSmsEvent>> = { raised: 'raised', failed: 'failed', acknowledged: 'acknowledged', cleared: 'cleared' };

/** The tag stored in `sms.detail` while queued, to know what was already sent for an alarm. */
export const tagOf = (alarmId: string, event: AlarmSmsEvent) => `alarm ${alarmId} ${event}`;

export interface AlarmSmsContext {
  config: ConfigReader<Pick<Config, 'site' | 'points' | 'timeZone'>>;
  store: Store;
  bus: EventBus;
  sms: SmsQueue;
  log: Logger;
}

export class AlarmSms {
  private off: (() => void) | undefined;
  /** alarm id + event already queued in this run. */
  private readonly sent = new Set<string>();
  private readonly points: () => Map<string, Point>;
  private chain: Promise<unknown> = Promise.resolve();

  private readonly config: ConfigReader<Pick<Config, 'site' | 'points' | 'timeZone'>>;
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly sms: SmsQueue;
  private readonly log: Logger;

  constructor(ctx: AlarmSmsContext) {
    ({ config: this.config, store: this.store, bus: this.bus, sms: this.sms, log: this.log } = ctx);
    const config = this.config;
    this.points = derived(() => config.current.points, (list) => new Map(list.map((p) => [p.id, p])));
  }

  async start(): Promise<void> {
    this.off = this.bus.on('alarm', (a) => void this.onAlarm(a));
    // Alarms raised just before a power cut may not have their SMS queued yet (or only to some numbers).
    for (const a of await this.store.alarms.open()) {
      if (a.test || !STILL_CALLING.has(a.state) || !this.points().get(a.pointId)?.escalation.sms) continue;
      await this.notify(a, 'raised');
    }
  }

  async stop(): Promise<void> {
    this.off?.();
    await this.chain;
  }

  private onAlarm(a: Alarm): Promise<void> {
    const ev = EVENT_OF[a.state];
    if (a.test || !ev) return Promise.resolve();
    const next = this.chain.then(() => this.notify(a, ev)).catch((err: unknown) => this.log.error({ err, alarm: a.id }, 'cannot queue the alarm SMS'));
    this.chain = next;
    return next;
  }

  private async notify(a: Alarm, ev: AlarmSmsEvent): Promise<void> {
    const point = this.points().get(a.pointId);
    const plan = point?.escalation.sms;
    if (!plan || !plan.on.includes(ev)) return;
    const key = `${a.id}/${ev}`;
    if (this.sent.has(key)) return; // "failed" comes once per round: one SMS per alarm is enough
    this.sent.add(key);
    const text = alarmSms(a, point, ev, plan.language, this.config.current.site, siteTimeZone(this.config.current.timeZone));
    const tag = tagOf(a.id, ev);
    let queued = 0;
    for (const to of plan.to) {
      // Durable once-only per number: a restart, or a second "failed" round, does not text again.
      if (await this.store.sms.hasOut(a.id, to, tag)) continue;
      const r = await this.sms.queue(to, text, { alarmId: a.id, tag });
      if (r.ok) queued++;
      else this.log.error({ alarm: a.id, to, error: r.error }, 'alarm SMS refused');
    }
    if (queued) this.log.info({ alarm: a.id, event: ev, to: queued }, 'alarm SMS queued');
  }
}
