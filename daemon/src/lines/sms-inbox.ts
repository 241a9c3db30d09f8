// Inbound SMS: every message is stored first (then the modem may delete its
// copy), then, when it comes from a number on the allow-list, obeyed as a
// command (STATUS, ACK <alarm id>) and answered by SMS. Each command is
// audited under the user "sms:<number>"; a message from anyone else is kept,
// logged and ignored — never answered, so the appliance cannot be made to
// send SMS to strangers. The answer is in the language of the plan the
// sender is on call for, else in the sender's own (sms-commands.ts).
import type { AlarmService } from '../alarms/alarm-service.js';
import type { FaultBook } from '../alarms/faults.js';
import type { ConfigReader } from '../config/holder.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { HealthRegistry } from '../health/health.js';
import type { Logger } from '../log/logger.js';
import type { Sms } from '../contracts/lines.js';
import type { Store } from '../store/store.js';
import type { SmsQueue } from './alarm-sms.js';
import { parseSmsCommand, replyLanguage, sameNumber, type SmsCommand } from './sms-commands.js';
import { commandReply, type CommandReply, type SmsLanguage } from './sms-text.js';
import { english, phrase, type Phrase } from '../contracts/phrases/index.js';

export interface InboundSms {
  from: string;
  text: string;
  sentAt: string;
  parts: number;
}

export interface SmsInboxContext {
  /** Read per message: the allow-list and on-call numbers as configured now. */
  config: ConfigReader<Pick<Config, 'site' | 'node' | 'lines' | 'points'>>;
  store: Store;
  bus: EventBus;
  alarms: AlarmService | undefined;
  faults: FaultBook | undefined;
  health: HealthRegistry;
  replies: SmsQueue;
  log: Logger;
  notify: () => void;
}

export class SmsInbox {
  private readonly configReader: ConfigReader<Pick<Config, 'site' | 'node' | 'lines' | 'points'>>;
  private readonly store: Store;
  private readonly bus: EventBus;
  private readonly alarms: AlarmService | undefined;
  private readonly faults: FaultBook | undefined;
  private readonly health: HealthRegistry;
  private readonly replies: SmsQueue;
  private readonly log: Logger;
  private readonly notify: () => void;

  constructor(ctx: SmsInboxContext) {
    ({ config: this.configReader, store: this.store, bus: this.bus, alarms: this.alarms, faults: this.faults, health: this.health, replies: this.replies, log: this.log, notify: this.notify } = ctx);
  }

  private get config(): Pick<Config, 'site' | 'node' | 'lines' | 'points'> {
    return this.configReader.current;
  }

  /** Who may command by SMS: the allow-list, and every on-call number a plan texts (they are told to reply ACK). */
  private allowed(): string[] {
    const oncall = this.config.points.flatMap((p) => p.escalation.sms?.to ?? []);
    return [...this.config.lines.smsCommands.allowFrom, ...oncall];
  }

  /** Resolves once the message is durable (the modem may then delete its copy); the command runs after. */
  async receive(modem: string, m: InboundSms): Promise<{ row: Sms; handled: Promise<void> }> {
    const allowed = this.allowed().some((n) => sameNumber(n, m.from));
    // At least once from the modem: a message offered again (the daemon stopped before the modem deleted it) is not obeyed twice.
    const seen = await this.store.sms.sameInbound(m.from, m.sentAt || null, m.text);
    if (seen) {
      this.log.info({ sms: seen.id, from: m.from }, 'an SMS already stored was offered again by the modem: not handled twice');
      // Stored but never obeyed (the daemon stopped in between): obey it now. ACK and STATUS are safe to repeat.
      if (seen.status === 'received') return { row: seen, handled: this.obey(modem, seen).catch((err: unknown) => this.log.error({ err, sms: seen.id }, 'SMS command failed')) };
      return { row: seen, handled: Promise.resolve() };
    }
    const row = await this.store.tx(async (r) => {
      const ignored = phrase('sms.ignored');
      const s = await r.sms.insert({ direction: 'in', modem, peer: m.from, text: m.text, sentAt: m.sentAt || null, status: allowed ? 'received' : 'ignored', detail: allowed ? null : english(ignored), phrase: allowed ? null : ignored });
      await r.outbox.enqueue('event', { kind: 'sms', direction: 'in', modem, from: m.from, text: m.text, sentAt: m.sentAt, parts: m.parts, status: s.status }, null);
      return s;
    });
    this.bus.emit('sms', row);
    this.notify();
    if (!allowed) {
      this.log.warn({ from: m.from, modem, sms: row.id }, `SMS from ${m.from}, a number not on the allow-list: stored and ignored`);
      return { row, handled: Promise.resolve() };
    }
    return { row, handled: this.obey(modem, row).catch((err: unknown) => this.log.error({ err, sms: row.id }, 'SMS command failed')) };
  }

  /** The plan the sender is on call for — first that of the alarm they acknowledge — sets the language of the reply. */
  private async languageFor(row: Sms, cmd: SmsCommand): Promise<SmsLanguage> {
    const plans = this.config.points.flatMap((p) => (p.escalation.sms ? [p.escalation.sms] : []));
    if (cmd.kind === 'ack') {
      const a = await this.store.alarms.byId(cmd.alarmId);
      const plan = a && this.config.points.find((p) => p.id === a.pointId)?.escalation.sms;
      if (plan) plans.unshift(plan);
    }
    return replyLanguage(row.peer, row.text, plans);
  }

  private async obey(modem: string, row: Sms): Promise<void> {
    const cmd = parseSmsCommand(row.text);
    const actor = { username: `sms:${row.peer}`, role: null, ip: null };
    let reply: CommandReply;
    let detail: string;
    let said: Phrase;
    switch (cmd.kind) {
      case 'status': {
        const open = (await this.store.alarms.open()).filter((a) => !a.test);
        const faults = this.faults ? await this.faults.open() : [];
        const h = this.health.snapshot();
        reply = { kind: 'status', site: this.config.site, node: this.config.node, health: h.status, open, faults: faults.map((f) => f.key) };
        said = phrase('sms.handled.status');
        detail = english(said);
        const from = phrase('audit.sms.status', { from: row.peer });
        const entry = await this.store.audit.insert({ username: actor.username, role: null, ip: null, action: 'sms.status', target: modem, outcome: 'ok', detail: english(from), phrase: from });
        this.bus.emit('audit', entry);
        break;
      }
      case 'ack': {
        if (!this.alarms) {
          reply = { kind: 'no-points' };
          said = phrase('sms.handled.noAlarms');
          detail = 'ACK refused: no alarm service';
          break;
        }
        // AlarmService.acknowledge writes the audit entry (alarm.acknowledge, source sms).
        const r = await this.alarms.acknowledge(cmd.alarmId, actor, 'sms');
        if (r.ok) {
          reply = { kind: 'acknowledged', alarmId: cmd.alarmId, by: row.peer };
          said = phrase('sms.handled.ack', { alarm: cmd.alarmId });
        } else {
          const a = await this.store.alarms.byId(cmd.alarmId);
          reply = { kind: 'not-acknowledged', alarmId: cmd.alarmId, ...(a ? { state: a.state, by: a.acknowledgedBy } : {}) };
          const why = !a ? phrase('alarm.notFound', { alarm: cmd.alarmId }) : a.state === 'cleared' ? phrase('alarm.alreadyCleared', { alarm: cmd.alarmId }) : phrase('alarm.alreadyAcked', { alarm: cmd.alarmId, by: a.acknowledgedBy ?? '?' });
          said = phrase('sms.handled.ackRefused', { alarm: cmd.alarmId, why });
        }
        detail = r.ok ? `acknowledged ${cmd.alarmId}` : `ACK ${cmd.alarmId} refused: ${r.message}`;
        if (r.ok) await this.store.sms.update(row.id, { alarmId: cmd.alarmId });
        break;
      }
      case 'unknown': {
        reply = { kind: 'usage' };
        said = phrase('sms.handled.unknown', { text: cmd.text });
        detail = `not a command: "${cmd.text}"`;
        const notCommand = phrase('audit.sms.notCommand', { text: cmd.text });
        const entry = await this.store.audit.insert({ username: actor.username, role: null, ip: null, action: 'sms.command', target: modem, outcome: 'failed', detail, phrase: notCommand });
        this.bus.emit('audit', entry);
        break;
      }
    }
    this.log.info({ from: row.peer, sms: row.id, command: cmd.kind }, `SMS command from ${row.peer}: ${detail}`);
    await this.store.sms.update(row.id, { status: 'handled', detail, phrase: said });
    const updated = await this.store.sms.byId(row.id);
    if (updated) this.bus.emit('sms', updated);
    if (this.config.lines.smsCommands.reply) {
      const text = commandReply(reply, await this.languageFor(row, cmd));
      const r = await this.replies.queue(row.peer, text, { tag: `reply to ${row.id}` });
      if (!r.ok) this.log.error({ error: r.error }, 'cannot queue the SMS reply');
    }
  }
}
