// The one configuration schema. Types, defaults, validation, the JSON Schema
// (`callpoint config schema`), the environment overrides and the reference in
// README.md are all derived from this file: change a key here and only here.
//
// Every key carries `title`, `description` and `restart` (does a change need
// its component restarted?) in its metadata, for the docs and the settings UI,
// which renders its forms from this schema: `edit` says who may change a key
// (inherited by what lies under it; admin where nothing says), `ref` that a
// value names an entry of another list (the UI offers a picker, deleting the
// entry is refused while it is named), `picker` a special chooser.
import { z } from 'zod';
import { extensionNumber, ident, phoneNumber } from '../contracts/patterns.js';
import { LOG_LEVELS } from '../log/logger.js';
import { parseCentralKey } from './central-key.js';
import { isTimeZone } from './site-time.js';
import { meta } from './meta.js';
import { calendar, list, numbering, routeRule, schedule, trunk, zoneRouting } from './routing-schema.js';
import { queue } from './desk-schema.js';

/** The version of the configuration file format this code writes and reads. */
export const CONFIG_VERSION = 3;

export type { KeyMeta } from './meta.js';

const logLevel = z.enum(LOG_LEVELS);
export type { LogLevel } from '../log/logger.js';

const port = z.number().int().min(1).max(65535);

const http = z
  .strictObject({
    host: z.string().min(1).default('0.0.0.0').meta(meta({ title: 'Listen address', description: 'Address the admin UI and API listen on. 0.0.0.0 for every interface, 127.0.0.1 for the board only.', restart: true })),
    port: port.default(8080).meta(meta({ title: 'Listen port', description: 'TCP port of the admin UI and API.', restart: true })),
    tls: z
      .strictObject({
        cert: z.string().min(1).meta(meta({ title: 'Certificate file', description: 'PEM certificate chain for HTTPS.', restart: true })),
        key: z.string().min(1).meta(meta({ title: 'Private key file', description: 'PEM private key for HTTPS.', restart: true, secret: true })),
      })
      .optional()
      .meta(meta({ title: 'TLS', description: 'Serve the admin UI over HTTPS with this certificate. Without it the UI is plain HTTP and the session cookie cannot be marked Secure.', restart: true })),
    sessionIdleMinutes: z.number().int().min(1).max(24 * 60).default(30).meta(meta({ title: 'Session idle timeout (minutes)', description: 'A session unused this long is ended.' })),
    sessionMaxHours: z.number().int().min(1).max(24 * 30).default(12).meta(meta({ title: 'Session absolute timeout (hours)', description: 'A session ends this long after login, however active.' })),
    setupLinkMinutes: z.number().int().min(5).max(7 * 24 * 60).default(60).meta(meta({ title: 'First-run link lifetime (minutes)', description: 'How long the one-time setup link logged on first start stays valid.' })),
    trustProxy: z.boolean().default(false).meta(meta({ title: 'Behind a reverse proxy', description: 'Take the client address from X-Forwarded-For (only when a trusted proxy sits in front).', restart: true })),
  })
  .meta(meta({ title: 'Admin web server', description: 'The admin UI and JSON API.' }));

const freeswitch = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1').meta(meta({ title: 'Event socket host', description: 'Where FreeSWITCH mod_event_socket listens.', restart: true })),
    port: port.default(8021).meta(meta({ title: 'Event socket port', description: 'mod_event_socket port.', restart: true })),
    password: z.string().min(8, 'the event-socket password must be at least 8 characters').optional().meta(meta({ title: 'Event socket password', description: 'Per-device random password, written by provisioning. Never the FreeSWITCH default.', restart: true, secret: true })),
  })
  .meta(meta({ title: 'FreeSWITCH', description: 'The event-socket connection to FreeSWITCH.' }));

const brokerUrl = z
  .string()
  .regex(/^(mqtts?|wss?):\/\/[^\s/]+(:\d+)?(\/.*)?$/, 'a broker must be a URL such as mqtts://central.example:8883');

const uplink = z
  .strictObject({
    brokers: z.array(brokerUrl).default([]).meta(meta({ title: 'Brokers', description: 'MQTT brokers of central, tried in turn. Empty: no uplink (simulation mode starts an embedded broker).', restart: true })),
    username: z.string().min(1).optional().meta(meta({ title: 'Username', description: 'MQTT username.', restart: true })),
    password: z.string().min(1).optional().meta(meta({ title: 'Password', description: 'MQTT password.', restart: true, secret: true })),
    ca: z.string().min(1).optional().meta(meta({ title: 'CA file', description: 'PEM CA certificate that signs the broker certificate.', restart: true })),
    cert: z.string().min(1).optional().meta(meta({ title: 'Client certificate file', description: 'PEM client certificate for mutual TLS.', restart: true })),
    key: z.string().min(1).optional().meta(meta({ title: 'Client key file', description: 'PEM client key for mutual TLS.', restart: true, secret: true })),
    keepaliveS: z.number().int().min(5).max(600).default(30).meta(meta({ title: 'Keepalive (seconds)', description: 'MQTT keepalive: a silent broker is declared lost after 1.5 times this.', restart: true })),
    inflight: z.number().int().min(1).max(1000).default(20).meta(meta({ title: 'In-flight window', description: 'Outbox messages published and not yet acknowledged (PUBACK) at any time.', restart: true })),
    maxBacklog: z.number().int().min(100).max(10_000_000).default(100_000).meta(meta({ title: 'Backlog cap (messages)', description: 'When more messages than this wait for central, the oldest call records go first, then events; alarms are never dropped. What was dropped is counted, shown in health and reported to central.', restart: true })),
  })
  .meta(meta({ title: 'Uplink to central', description: 'MQTT connection to the central dispatch server.' }));

const trunkNumber = phoneNumber;
const ringS = z.number().int().min(5).max(300).default(30).meta(meta({ title: 'Ring time (s)', description: 'How long this target rings before the next one is tried.' }));

/** Who an emergency call goes to, in order, round and round until someone acknowledges. */
const escalationTarget = z.union([
  z.strictObject({ extension: extensionNumber.meta(meta({ title: 'Extension', description: 'The extension called.', ref: 'phones' })), ringS }).meta(meta({ title: 'Extension', description: 'A phone of this installation (the dispatch desk).' })),
  z.strictObject({ gateway: ident('a gateway name').meta(meta({ title: 'Gateway', description: 'The FreeSWITCH gateway (SIP trunk) to call through.' })), number: trunkNumber.meta(meta({ title: 'Number', description: 'The number called through the gateway.' })), ringS }).meta(meta({ title: 'Outside number', description: 'A number through a FreeSWITCH gateway (SIP trunk).' })),
  z.strictObject({ gsm: trunkNumber.meta(meta({ title: 'Mobile number', description: 'The number called through the GSM trunk.' })), ringS }).meta(meta({ title: 'GSM number', description: 'A number through the GSM trunk.' })),
]);

/** An escalation plan: named, so points refer to it and a person picks it from a list. */
const plan = z
  .strictObject({
    id: ident('a plan id').meta(meta({ title: 'Plan id', description: 'Stable id points refer to (points[].plan).' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What a technician sees in lists, e.g. "Tunnel control, then duty mobile".' })),
    targets: z.array(escalationTarget).min(1, 'an escalation plan needs at least one target').max(16).meta(meta({ title: 'Targets', description: 'Called in order; after the last, the first again, until the alarm is acknowledged.' })),
    onBusy: z.enum(['barge', 'release', 'next']).default('release').meta(meta({ title: 'When the target is busy', description: 'barge (强插: the point joins the busy call after a warning tone), release (强拆: the other call is ended), next (try the next target). Both are audited.' })),
    ackDigit: z.string().regex(/^[0-9*#]$/, 'one DTMF key').default('5').meta(meta({ title: 'Acknowledge key', description: 'The key the answering dispatcher presses to acknowledge the alarm.' })),
    pauseS: z.number().int().min(5).max(600).default(10).meta(meta({ title: 'Pause between rounds (s)', description: 'After every target failed, wait this long before calling the first again.' })),
    sms: z
      .strictObject({
        to: z.array(trunkNumber).min(1, 'an SMS notification needs at least one number').max(16).meta(meta({ title: 'On-call numbers', description: 'Mobile numbers that get an SMS, international form (+8613800138000).' })),
        language: z.enum(['en', 'zh-CN']).default('en').meta(meta({ title: 'Language', description: 'Language of the SMS text: en or zh-CN.' })),
        on: z
          .array(z.enum(['raised', 'failed', 'acknowledged', 'cleared']))
          .min(1)
          .default(['raised'])
          .meta(meta({ title: 'Send on', description: 'Alarm changes that send an SMS: raised, failed (a round without answer), acknowledged, cleared.' })),
      })
      .optional()
      .meta(meta({ title: 'SMS notification', description: 'Send an SMS through the GSM modem when an alarm of this plan changes; the text names the point, its location and the time, and says how to acknowledge by SMS.' })),
  })
  .meta(meta({ title: 'Escalation plan', description: 'Who is called for an alarm, in which order; points refer to it by id.' }));

/** The part of a plan that decides the calling (everything but its id and name): what a point's alarm uses. */
export type Escalation = Omit<z.infer<typeof plan>, 'id' | 'name'>;

/** A zone: points, phones and trunks belong to one; routing gives zones their permissions. */
const zone = z
  .strictObject({
    id: ident('a zone id').meta(meta({ title: 'Zone id', description: 'Stable id points and phones refer to.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What people see, e.g. "East bore".' })),
    ...zoneRouting,
  })
  .meta(meta({ title: 'Zone', description: 'A part of the site: a bore, a hall, the control room. Its phones\' call permissions are set here.' }));

const point = z
  .strictObject({
    id: ident('a point id').meta(meta({ title: 'Point id', description: 'Stable id of the call point, used in alarms and topics.' })),
    input: z.string().min(1).meta(meta({ title: 'Input', description: 'Input of the board profile the button is wired to.', picker: 'board-input' })),
    label: z.string().min(1).max(120).meta(meta({ title: 'Label', description: 'What a dispatcher sees, e.g. "SOS km 1.2 east".' })),
    location: z.string().max(200).default('').meta(meta({ title: 'Location', description: 'Where the point is, for the dispatcher and SMS texts.' })),
    zone: ident('a zone').meta(meta({ title: 'Zone', description: 'Zone the point belongs to (zones[].id).', ref: 'zones' })),
    phone: extensionNumber.optional().meta(meta({ title: 'Intercom extension', description: 'The phone at the point: the dispatcher is connected to it when answering. Without it, the dispatcher hears nothing but can acknowledge.', ref: 'phones' })),
    callerNumber: z.string().regex(/^\+?[0-9]{2,20}$/, 'a caller number is an optional + and 2–20 digits').optional().meta(meta({ title: 'Caller number', description: 'The number a dispatcher sees when this point calls (with the label as the name). Default: the intercom extension; a point with neither shows only its name.' })),
    testCall: extensionNumber.optional().meta(meta({ title: 'Self-test call', description: 'An extension that answers by itself (a test line, an echo or announcement — not a person), called during this point\'s self-test; the test passes only if it answers. The periodic test uses the first point.' })),
    plan: ident('a plan id').meta(meta({ title: 'Escalation plan', description: 'The plan its alarms follow (plans[].id).', ref: 'plans' })),
  })
  .meta(meta({ title: 'Call point', description: 'An emergency call point.' }));

const serialPort = z.string().regex(/^(\/dev\/[A-Za-z0-9_./-]+|sim:[a-z0-9-]+)$/, 'a serial port is a /dev/… path (or sim:NAME in simulation)');

const lines = z
  .strictObject({
    modems: z
      .array(
        z.strictObject({
          id: ident('a modem id').meta(meta({ title: 'Modem id', description: 'Stable id of the modem (logs, faults, the Lines page).' })),
          port: serialPort.meta(meta({ title: 'Serial port', description: 'Its serial port: /dev/ttyUSB2, or a stable /dev/serial/by-id/… path.' })),
          baud: z.number().int().positive().default(115200).meta(meta({ title: 'Baud rate', description: 'Serial speed.' })),
          pin: z.string().regex(/^\d{4,8}$/, 'a SIM PIN is 4–8 digits').optional().meta(meta({ title: 'SIM PIN', description: 'A PIN the SIM refused is never entered again, not after a restart either (a SIM locks after three wrong PINs), until a person enters one (callpoint gsm pin, or the Lines page) or another SIM is put in. A PIN entered that way is used instead of this one.', secret: true })),
          pollS: z.number().int().min(5).max(3600).default(30).meta(meta({ title: 'Poll interval (s)', description: 'How often signal, registration and operator are read.' })),
        }),
      )
      .default([])
      .meta(meta({ title: 'GSM modems', description: 'GSM modems on serial ports (SMS, failover trunk).', restart: true })),
    lineCards: z
      .array(
        z.strictObject({
          id: ident('a line card id').meta(meta({ title: 'Line card id', description: 'Stable id of the card (logs, faults, the Lines page).' })),
          port: serialPort.meta(meta({ title: 'Serial port', description: 'Its serial port.' })),
          baud: z.number().int().positive().default(115200).meta(meta({ title: 'Baud rate', description: 'Serial speed.' })),
        }),
      )
      .default([])
      .meta(meta({ title: 'Analog line cards', description: 'FXS/FXO line-card controllers on serial ports.', restart: true })),
    smsCommands: z
      .strictObject({
        allowFrom: z.array(trunkNumber).max(64).default([]).meta(meta({ title: 'Allowed senders', description: 'Numbers whose SMS commands are obeyed (STATUS, ACK <alarm id>), besides the on-call numbers of the plans. Messages from any other number are stored, logged and ignored.' })),
        reply: z.boolean().default(true).meta(meta({ title: 'Reply', description: 'Answer each command by SMS.' })),
      })
      .prefault({})
      .meta(meta({ title: 'SMS commands', description: 'Commands accepted by SMS from the allow-list; each is audited.' })),
  })
  .meta(meta({ title: 'Lines', description: 'GSM modems and analog line cards.', edit: 'technician' }));

const phone = z
  .strictObject({
    number: extensionNumber.meta(meta({ title: 'Extension', description: 'Extension number.' })),
    name: z.string().min(1).max(64).meta(meta({ title: 'Name', description: 'Display name.' })),
    zone: ident('a zone').meta(meta({ title: 'Zone', description: 'Zone of the phone (zones[].id).', ref: 'zones' })),
    secret: z.string().min(12, 'a SIP secret must be at least 12 characters').optional().meta(meta({ title: 'SIP secret', description: 'SIP registration password; generated at provisioning when absent.', secret: true })),
  })
  .meta(meta({ title: 'Phone', description: 'A SIP or analog extension.' }));

const central = z
  .strictObject({
    keys: z
      .array(
        z.strictObject({
          id: ident('a key id').meta(meta({ title: 'Key id', description: 'The name central puts in each signed command (keyId), e.g. central-2026.' })),
          publicKey: z
            .string()
            .superRefine((v, ctx) => {
              try {
                parseCentralKey(v);
              } catch (e) {
                ctx.addIssue({ code: 'custom', message: (e as Error).message });
              }
            })
            .meta(meta({ title: 'Public key', description: 'Central’s Ed25519 public key: the base64 line `callpoint central keygen` prints, or a PEM block.' })),
        }),
      )
      .max(8)
      .default([])
      .meta(meta({ title: 'Signing keys', description: 'Central’s public keys. A command is obeyed only when signed by one of them; with none, every command is refused. Two keys while central changes its key.', restart: true })),
    maxSkewS: z.number().int().min(0).max(3600).default(300).meta(meta({ title: 'Clock skew allowed (s)', description: 'A command stamped further in the future than this is refused (the clocks of central and the appliance disagree).', restart: true })),
    replayWindowDays: z.number().int().min(1).max(90).default(7).meta(meta({ title: 'Replay window (days)', description: 'Command ids are remembered this long, with the command they were used for: a repeat is answered with the first result, never run again; an id used for another command is refused as a conflict; a command older than this is refused as expired.', restart: true })),
    commandsPerSecond: z.number().int().min(1).max(1000).default(20).meta(meta({ title: 'Commands per second', description: 'Commands looked at per second (bursts of twice this): the rest are dropped unread, so a flood on the command topic cannot slow an emergency.', restart: true })),
    originateNumbers: z.array(trunkNumber).max(64).default([]).meta(meta({ title: 'Numbers central may call', description: 'Outside numbers central may have called (cmd/originate) through a gateway or the GSM trunk, besides the numbers of the escalation plans. Extensions must be configured phones; gateways must be ones the plans use.' })),
  })
  .meta(meta({ title: 'Central', description: 'Commands from central: the keys that sign them and the limits they obey.' }));

const log = z
  .strictObject({
    level: logLevel.default('info').meta(meta({ title: 'Log level', description: 'Default level of every namespace.' })),
    namespaces: z
      .record(z.string().regex(/^[a-z][a-z0-9:-]*$/, 'a namespace looks like pbx:esl'), logLevel)
      .default({})
      .meta(meta({ title: 'Per-namespace levels', description: 'Level per namespace prefix, e.g. { "pbx:esl": debug, store: warn }.' })),
    pretty: z.boolean().optional().meta(meta({ title: 'Readable output', description: 'Human-readable lines instead of JSON. Default: on in simulation mode on a terminal, off otherwise (journald wants JSON).' })),
    auditKeepDays: z.number().int().min(30).max(3650).default(400).meta(meta({ title: 'Audit log kept (days)', description: 'Audit rows older than this are deleted.' })),
    auditMaxRows: z.number().int().min(10_000).max(10_000_000).default(200_000).meta(meta({ title: 'Audit log size (rows)', description: 'At most this many audit rows are kept; the oldest go first. Floods of refusals are summarised (one row per kind per minute), so this bounds the disk even under attack.' })),
  })
  .meta(meta({ title: 'Logging', description: 'pino JSON lines on stdout, for journald.', edit: 'technician' }));

export const configSchema = z
  .strictObject({
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION).meta(meta({ title: 'File format version', description: 'Older files are migrated step by step, with a backup written first.', restart: true })),
    site: ident('site').meta(meta({ title: 'Site', description: 'Site id (tunnel, plant); part of every MQTT topic.', restart: true })),
    node: ident('node').meta(meta({ title: 'Node', description: 'This appliance’s id within the site.', restart: true })),
    dataDir: z.string().min(1).default('/var/lib/callpoint').meta(meta({ title: 'Data directory', description: 'Database, recordings and backups. Must be writable by the daemon.', restart: true })),
    timeZone: z
      .string()
      .refine(isTimeZone, 'not a time zone this system knows: use an IANA name such as Asia/Shanghai or UTC')
      .optional()
      .meta(meta({ title: 'Time zone', description: 'The site’s time zone (IANA, e.g. Asia/Shanghai): SMS texts, CSV exports and their file names, backups and reports are in it, with the offset. Default: the board’s own (timedatectl).', restart: true })),
    http: http.prefault({}),
    freeswitch: freeswitch.prefault({}),
    uplink: uplink.prefault({}),
    board: z.string().min(1).default('sim').meta(meta({ title: 'Board profile', description: 'A board profile name (hardware/src/boards) or a path to a profile file.', restart: true })),
    zones: z.array(zone).default([]).meta(meta({ title: 'Zones', description: 'Parts of the site; points and phones refer to them.', edit: 'technician' })),
    plans: z.array(plan).default([]).meta(meta({ title: 'Escalation plans', description: 'Who is called for an alarm, in which order; points refer to them.', edit: 'technician' })),
    points: z.array(point).default([]).meta(meta({ title: 'Call points', description: 'Emergency call points.', edit: 'technician' })),
    central: central.prefault({}),
    lines: lines.prefault({}),
    phones: z.array(phone).default([]).meta(meta({ title: 'Phones', description: 'Extensions provisioned into FreeSWITCH.', edit: 'technician' })),
    numbering: numbering.prefault({}),
    routes: z.array(routeRule).max(1000).default([]).meta(meta({ title: 'Route rules', description: 'Ordered rules for dialled numbers: the first that matches decides. Extensions and emergency numbers are routed without a rule.', edit: 'technician' })),
    trunks: z.array(trunk).max(64).default([]).meta(meta({ title: 'Trunks', description: 'Ways out (SIP, FXO lines, GSM modems), with their capacity and where their incoming calls go.' })),
    lists: z.array(list).max(200).default([]).meta(meta({ title: 'Black and white lists', description: 'Numbers refused (or the only ones accepted) inbound and outbound.', edit: 'technician' })),
    schedules: z.array(schedule).max(64).default([]).meta(meta({ title: 'Schedules', description: 'Open hours of the week, used for night destinations and night permissions.', edit: 'technician' })),
    calendars: z.array(calendar).max(16).default([]).meta(meta({ title: 'Holiday calendars', description: 'Public holidays and make-up working days, used by schedules.', edit: 'technician' })),
    queues: z.array(queue).max(32).default([]).meta(meta({ title: 'ACD queues', description: 'The dispatch desk’s queues: callers wait with a hold tone and are offered to free agents — emergency calls first, then VIP callers, callers of a zone an agent covers, and by wait.', edit: 'technician' })),
    log: log.prefault({}),
  })
  .meta(meta({ title: 'Callpoint configuration', description: 'The live file in the data directory (dataDir/config.yaml), seeded from /etc/callpoint/config.yaml.' }));

/** The file after defaults, as validated: points name their plan. */
export type ConfigFile = z.infer<typeof configSchema>;
export type PlanConfig = ConfigFile['plans'][number];
/** A call point with its plan resolved (config/resolve.ts): what the alarm service works with. */
export type PointConfig = ConfigFile['points'][number] & { escalation: Escalation };
/** The configuration the daemon works with: the file, its references checked and resolved. */
export type Config = Omit<ConfigFile, 'points'> & { points: PointConfig[] };
/** What may be written in the file. */
export type ConfigInput = z.input<typeof configSchema>;

/** JSON Schema of the file (draft 2020-12), for editors and `callpoint config schema`. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' });
}
export type ZoneConfig = ConfigFile['zones'][number];
export type RouteRuleConfig = ConfigFile['routes'][number];
export type TrunkConfig = ConfigFile['trunks'][number];
export type ListConfig = ConfigFile['lists'][number];
export type ScheduleConfig = ConfigFile['schedules'][number];
export type CalendarConfig = ConfigFile['calendars'][number];
export type NumberingConfig = ConfigFile['numbering'];
export type DestinationConfig = RouteRuleConfig['to'];
export type { QueueConfig, QueueAgentConfig, QueueOverflowConfig } from './desk-schema.js';
