// The routing part of the configuration schema (config/schema.ts imports it):
// what a zone may call, the numbering plan and its emergency numbers, the
// ordered route rules, the trunks (SIP, FXO, GSM), black/white lists, week
// schedules and holiday calendars. Every key carries title, description and
// restart, as in schema.ts (the settings forms are generated from them).
//
// Nothing a person writes here reaches FreeSWITCH as a pattern: rules match by
// literal, prefix, length and class, compared in the daemon; only numbers that
// passed the grammar are written into a dial string.
import { z } from 'zod';
import { callerNumber, extensionNumber, ident } from '../contracts/patterns.js';
import {
  CALL_CLASSES, DIALLED_MESSAGE, DIALLED_RE, LIST_DIRECTIONS, LIST_KINDS, LIST_NUMBER_RE, NUMBER_FORMATS, REFUSAL_TONES, RING_STRATEGIES, TREATMENTS, TRUNK_KINDS,
} from '../contracts/values.js';
import { meta } from './meta.js';


const callClass = z.enum(CALL_CLASSES);
const digits = (what: string, max = 20) => z.string().regex(new RegExp(`^[0-9]{1,${max}}$`), `${what} is 1–${max} digits`);
const dialled = z.string().regex(DIALLED_RE, DIALLED_MESSAGE);
const prefixText = z.string().regex(/^\+?[0-9*#]{0,20}$/, 'a prefix is an optional + and up to 20 digits, * or #');
const listNumber = z.string().regex(LIST_NUMBER_RE, 'a number or prefix here is an optional + and 1–24 digits');
const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date is YYYY-MM-DD');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export const WEEKDAYS = weekday.options;
/** HH:MM-HH:MM, 24-hour; 24:00 ends a day. */
const timeRange = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time range is HH:MM-HH:MM, e.g. 08:00-18:00');
const hostPort = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:[0-9]{1,5})?$/, 'a host is a name or IPv4 address, optionally :port');
// SIP user names and realms go into the gateway XML and the REGISTER: plain characters only.
const sipUser = z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, 'a SIP user name is 1–64 of A-Z a-z 0-9 _ . + -');

/** A number that matches exactly or by prefix (exceptions, list entries). */
const numberOrPrefix = {
  number: listNumber.optional().meta(meta({ title: 'Number', description: 'This exact number (in any of its written forms: 013800138000, 13800138000, +8613800138000 are the same).' })),
  prefix: listNumber.optional().meta(meta({ title: 'Prefix', description: 'Every number starting with this (0755 also covers +86755…; 00 is international dialling).' })),
};
const exactlyOne = (e: { number?: string; prefix?: string }) => (e.number === undefined) !== (e.prefix === undefined);
const ONE_OF = { message: 'give either number or prefix (exactly one)' };

export const zoneException = z
  .strictObject({
    ...numberOrPrefix,
    reason: z.string().max(120).optional().meta(meta({ title: 'Reason', description: 'Why this exception exists, for whoever reads it later.' })),
  })
  .refine(exactlyOne, ONE_OF)
  .meta(meta({ title: 'Exception', description: 'A number or prefix allowed or refused whatever its class.' }));

/** What routing adds to a zone (config/schema.ts merges these keys into zones[]). */
export const zoneRouting = {
  permissions: z
    .array(callClass)
    .default(['same-zone', 'other-zones', 'dispatch'])
    .meta(meta({ title: 'May call', description: 'Classes of numbers phones of this zone may call: same-zone, other-zones, dispatch, local, national, mobile, international, premium. Emergency numbers are always allowed.' })),
  dispatch: z.boolean().default(false).meta(meta({ title: 'Dispatch zone', description: 'Its phones are dispatch desks: they may call everything, and calls to them are of class "dispatch".' })),
  night: z
    .strictObject({
      schedule: ident('a schedule id').meta(meta({ title: 'Schedule', description: 'While this schedule is closed (night, weekend, holiday, or night mode), the night permissions apply.' })),
      permissions: z.array(callClass).meta(meta({ title: 'May call at night', description: 'Classes allowed while the schedule is closed (emergency numbers always are).' })),
    })
    .optional()
    .meta(meta({ title: 'Night permissions', description: 'Other permissions outside the hours of a schedule.' })),
  allow: z.array(zoneException).max(200).default([]).meta(meta({ title: 'Also allowed', description: 'Numbers or prefixes this zone may call whatever their class (e.g. the duty mobile).' })),
  deny: z.array(zoneException).max(200).default([]).meta(meta({ title: 'Never allowed', description: 'Numbers or prefixes this zone may not call whatever its permissions (emergency numbers cannot be denied).' })),
  callerId: callerNumber.optional().meta(meta({ title: 'Outside caller ID', description: 'The number called parties outside see for calls from this zone (a trunk or rule may set another).' })),
};

const ringS = z.number().int().min(5).max(300).default(25).meta(meta({ title: 'Ring time (s)', description: 'How long each phone rings (sequential: before the next is tried).' }));

/** Where a rule (or an inbound number) sends a call. */
export const destination = z.union([
  z.strictObject({ extension: extensionNumber.meta(meta({ title: 'Extension', description: 'A phone of this installation.' })) }).meta(meta({ title: 'Extension', description: 'Ring one phone.' })),
  z
    .strictObject({
      ringGroup: z
        .strictObject({
          extensions: z.array(extensionNumber).min(1).max(32).meta(meta({ title: 'Extensions', description: 'The phones of the group, in order.' })),
          strategy: z.enum(RING_STRATEGIES).default('simultaneous').meta(meta({ title: 'Strategy', description: 'simultaneous: all ring at once; sequential: one after the other.' })),
          ringS,
        })
        .meta(meta({ title: 'Ring group', description: 'Several phones.' })),
    })
    .meta(meta({ title: 'Ring group', description: 'Ring several phones at once or in turn.' })),
  z
    .strictObject({ trunks: z.array(ident('a trunk id')).min(1).max(8).meta(meta({ title: 'Trunks', description: 'Tried in this order: a dead or full trunk is skipped at once, a failing one gives way to the next.' })) })
    .meta(meta({ title: 'Outside, through trunks', description: 'Out through trunks with failover.' })),
  z.strictObject({ conference: ident('a conference name').meta(meta({ title: 'Conference', description: 'A conference room name.' })) }).meta(meta({ title: 'Conference', description: 'Into a conference room.' })),
  z.strictObject({ ivr: ident('an IVR menu id').meta(meta({ title: 'IVR menu', description: 'A voice menu (configured by the IVR feature).' })) }).meta(meta({ title: 'IVR menu', description: 'To a voice menu.' })),
  z
    .strictObject({
      queue: ident('a queue id').meta(meta({ title: 'Queue', description: 'An ACD queue of the dispatch desk (queues).', ref: 'queues' })),
      skill: ident('a skill name').optional().meta(meta({ title: 'Skill needed', description: 'The skill these calls need: a queue of the skill strategy gives them to the agent with the highest level of it.' })),
      emergency: z.boolean().default(false).meta(meta({ title: 'Emergency calls', description: 'Calls sent here are emergencies (a tunnel phone’s SOS key, an emergency DID): ahead of every other call of every queue, and they may take a free agent of another queue.' })),
    })
    .meta(meta({ title: 'Queue', description: 'To an ACD queue: the caller waits with a hold tone until an agent takes the call.' })),
  z
    .strictObject({ announcement: ident('an announcement name').meta(meta({ title: 'Announcement', description: 'A recorded message in the sounds directory (numbering.soundsDir/NAME.wav), played before the call ends.' })) })
    .meta(meta({ title: 'Announcement', description: 'Play a message, then hang up.' })),
  z
    .strictObject({
      refuse: z
        .strictObject({
          reason: z.string().min(1).max(120).meta(meta({ title: 'Reason', description: 'Why, for the log, the call record and the route tester.' })),
          tone: z.enum(REFUSAL_TONES).default('congestion').meta(meta({ title: 'Tone', description: 'What the caller hears: busy, congestion or sit (special information tone).' })),
        })
        .meta(meta({ title: 'Refuse', description: 'Refuse the call.' })),
    })
    .meta(meta({ title: 'Refuse', description: 'Refuse the call with a tone.' })),
]);

/** Another destination while a schedule is closed (night, weekend, holiday, or night mode). */
const night = z
  .strictObject({
    schedule: ident('a schedule id').meta(meta({ title: 'Schedule', description: 'While this schedule is closed, the night destination is used.' })),
    to: destination.meta(meta({ title: 'Night destination', description: 'Where the call goes outside the schedule\'s hours.' })),
  })
  .meta(meta({ title: 'Night', description: 'Another destination outside the hours of a schedule.' }));

export const ruleMatch = z
  .strictObject({
    number: dialled.optional().meta(meta({ title: 'Exactly', description: 'The dialled number is exactly this.' })),
    prefix: prefixText.optional().meta(meta({ title: 'Starts with', description: 'The dialled number starts with this ("" matches every number).' })),
    length: z.number().int().min(1).max(32).optional().meta(meta({ title: 'Length', description: 'The dialled number has exactly this many characters.' })),
    minLength: z.number().int().min(1).max(32).optional().meta(meta({ title: 'At least', description: 'At least this many characters.' })),
    maxLength: z.number().int().min(1).max(32).optional().meta(meta({ title: 'At most', description: 'At most this many characters.' })),
    class: callClass.optional().meta(meta({ title: 'Class', description: 'The number is of this class (numbering plan).' })),
  })
  .refine((m) => Object.keys(m).length > 0, { message: 'a match needs at least one of number, prefix, length, minLength, maxLength, class' })
  .meta(meta({ title: 'Match', description: 'Which dialled numbers the rule is for; all given conditions must hold.' }));

export const routeRule = z
  .strictObject({
    id: ident('a rule id').meta(meta({ title: 'Rule id', description: 'Stable id, written on every call record this rule routes.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What a technician sees, e.g. "Mobiles through the SIP trunk".' })),
    match: ruleMatch,
    from: z
      .strictObject({
        zones: z.array(ident('a zone id')).max(64).optional().meta(meta({ title: 'Zones', description: 'Only for calls from phones of these zones.' })),
        extensions: z.array(extensionNumber).max(256).optional().meta(meta({ title: 'Extensions', description: 'Only for calls from these phones.' })),
      })
      .optional()
      .meta(meta({ title: 'Only from', description: 'The callers the rule is for (default: everyone).' })),
    strip: z.number().int().min(0).max(20).default(0).meta(meta({ title: 'Strip digits', description: 'Digits removed from the front before the number goes on (e.g. 1 for an outside-line prefix).' })),
    prepend: z.string().regex(/^\+?[0-9]{0,20}$/, 'digits, optionally after a +').default('').meta(meta({ title: 'Prepend', description: 'Digits added to the front after stripping.' })),
    to: destination.meta(meta({ title: 'Destination', description: 'Where the call goes.' })),
    night: night.optional(),
    callerId: callerNumber.optional().meta(meta({ title: 'Caller ID', description: 'The number shown to the called party outside (before the zone\'s and the trunk\'s).' })),
    record: z.boolean().default(false).meta(meta({ title: 'Record', description: 'Record calls of this rule into the recordings directory.' })),
    priority: z.enum(['low', 'normal', 'high']).default('normal').meta(meta({ title: 'Priority', description: 'On the trunks: an emergency call that finds every channel busy releases (强拆) the lowest-priority call.' })),
  })
  .meta(meta({ title: 'Route rule', description: 'Rules are tried in order; the first that matches the number, the caller and the time decides.' }));

export const trunk = z
  .strictObject({
    id: ident('a trunk id').meta(meta({ title: 'Trunk id', description: 'Stable id; also the name of its FreeSWITCH gateway.', restart: true })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What people see, e.g. "China Telecom SIP".' })),
    kind: z.enum(TRUNK_KINDS).meta(meta({ title: 'Kind', description: 'sip (a provider\'s SIP trunk), fxo (outside analog lines of a line card), gsm (GSM modems).', restart: true })),
    zone: ident('a zone id').meta(meta({ title: 'Zone', description: 'The zone the trunk belongs to (zones[].id).' })),
    channels: z.number().int().min(1).max(1000).optional().meta(meta({ title: 'Channels', description: 'Calls at once. Default: 2 for sip; the number of ports (fxo) or modems (gsm).' })),
    gateway: z
      .strictObject({
        proxy: hostPort.meta(meta({ title: 'Proxy', description: 'The provider\'s SIP server, or the analog/GSM gateway carrying the voice (host or host:port).', restart: true })),
        register: z.boolean().default(true).meta(meta({ title: 'Register', description: 'Register with the proxy (a provider trunk); off for a gateway on the local network.', restart: true })),
        username: sipUser.optional().meta(meta({ title: 'User name', description: 'SIP user name for registration and authentication.', restart: true })),
        password: z.string().min(1).max(128).optional().meta(meta({ title: 'Password', description: 'SIP password.', restart: true, secret: true })),
        realm: hostPort.optional().meta(meta({ title: 'Realm', description: 'SIP realm / domain (default: the proxy\'s host).', restart: true })),
        transport: z.enum(['udp', 'tcp', 'tls']).default('udp').meta(meta({ title: 'Transport', description: 'udp, tcp or tls.', restart: true })),
        expireS: z.number().int().min(60).max(86_400).default(600).meta(meta({ title: 'Registration lifetime (s)', description: 'How long a registration lasts before it is renewed.', restart: true })),
        retryS: z.number().int().min(5).max(3600).default(30).meta(meta({ title: 'Retry after (s)', description: 'Wait this long before registering again after a failure.', restart: true })),
        pingS: z.number().int().min(5).max(3600).optional().meta(meta({ title: 'Ping every (s)', description: 'Send SIP OPTIONS this often; a gateway that stops answering is marked down (and skipped).', restart: true })),
      })
      .meta(meta({ title: 'SIP gateway', description: 'How FreeSWITCH reaches the trunk (generated as a sofia gateway by `callpoint provision freeswitch`).', restart: true })),
    fxo: z
      .strictObject({
        card: ident('a line card id').meta(meta({ title: 'Line card', description: 'The line card (lines.lineCards[].id) whose FXO ports these are.' })),
        ports: z.array(z.number().int().min(0).max(63)).min(1).max(32).meta(meta({ title: 'Ports', description: 'Its FXO ports: a port without line voltage or in use is not offered.' })),
      })
      .optional()
      .meta(meta({ title: 'FXO ports', description: 'For kind fxo: the line-card ports supervised for this trunk.' })),
    gsm: z
      .strictObject({ modems: z.array(ident('a modem id')).min(1).max(8).meta(meta({ title: 'Modems', description: 'GSM modems (lines.modems[].id) behind this trunk.' })) })
      .optional()
      .meta(meta({ title: 'GSM modems', description: 'For kind gsm: the modems whose registration and signal decide whether the trunk can take a call.' })),
    numberFormat: z.enum(NUMBER_FORMATS).default('national').meta(meta({ title: 'Number format', description: 'How numbers are written for this trunk: e164 (+8613800138000), e164-digits (8613800138000), national (013800138000, 13800138000 for mobiles, local numbers without area code), dialled (unchanged).' })),
    prepend: z.string().regex(/^[0-9*#]{0,10}$/, 'up to 10 digits, * or #').default('').meta(meta({ title: 'Prepend', description: 'Digits the trunk needs in front of every number (a carrier-select code).' })),
    callerId: callerNumber.optional().meta(meta({ title: 'Caller ID', description: 'The number presented on this trunk when neither the rule nor the zone sets one (the trunk\'s own number).' })),
    inbound: z
      .strictObject({
        to: destination.optional().meta(meta({ title: 'Calls go to', description: 'Where calls from this trunk go when no DID below matches (default: refused).' })),
        night: night.optional(),
        dids: z
          .array(
            z
              .strictObject({
                did: digits('a DID').meta(meta({ title: 'Called number', description: 'The number the caller dialled, as the trunk presents it (an FXO port\'s own number on the analog gateway).' })),
                to: destination.meta(meta({ title: 'Destination', description: 'Where these calls go.' })),
                night: night.optional(),
              })
              .meta(meta({ title: 'DID', description: 'A called number and its destination.' })),
          )
          .max(500)
          .default([])
          .meta(meta({ title: 'By called number (DID)', description: 'Calls to these numbers go to their own destination.' })),
      })
      .optional()
      .meta(meta({ title: 'Inbound calls', description: 'Where calls that arrive from this trunk go.' })),
  })
  .meta(meta({ title: 'Trunk', description: 'A way out: a SIP trunk, FXO lines or GSM modems.' }));

export const listEntry = z
  .strictObject({
    ...numberOrPrefix,
    reason: z.string().max(120).optional().meta(meta({ title: 'Reason', description: 'Why the number is listed.' })),
    expires: isoDate.optional().meta(meta({ title: 'Expires', description: 'The last day the entry applies (YYYY-MM-DD, in the site\'s time zone).' })),
  })
  .refine(exactlyOne, ONE_OF)
  .meta(meta({ title: 'Entry', description: 'A number or a prefix.' }));

export const list = z
  .strictObject({
    id: ident('a list id').meta(meta({ title: 'List id', description: 'Stable id.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'What people see, e.g. "Nuisance callers".' })),
    kind: z.enum(LIST_KINDS).meta(meta({ title: 'Kind', description: 'block: listed numbers are refused; allow: only listed numbers pass (allowlist mode).' })),
    direction: z.enum(LIST_DIRECTIONS).meta(meta({ title: 'Direction', description: 'inbound: callers from trunks; outbound: numbers dialled by phones.' })),
    trunks: z.array(ident('a trunk id')).default([]).meta(meta({ title: 'Trunks', description: 'Inbound lists: only calls from these trunks (default: every trunk).' })),
    zones: z.array(ident('a zone id')).default([]).meta(meta({ title: 'Zones', description: 'Outbound lists: only calls from these zones (default: every zone).' })),
    treatment: z.enum(TREATMENTS).default('reject').meta(meta({ title: 'Treatment', description: 'What a refused caller gets: reject (declined at once), busy, or an announcement.' })),
    announcement: ident('an announcement name').optional().meta(meta({ title: 'Announcement', description: 'For treatment announcement: the message played (numbering.soundsDir/NAME.wav).' })),
    entries: z.array(listEntry).max(100_000).default([]).meta(meta({ title: 'Entries', description: 'Numbers and prefixes of the file (more can be added from the UI, kept in the database).' })),
  })
  .meta(meta({ title: 'List', description: 'A black or white list of numbers.' }));

const hours = (day: string) => z.array(timeRange).max(8).default([]).meta(meta({ title: day, description: `Open hours on ${day}, e.g. [08:00-12:00, 13:00-18:00]; none: closed all day.` }));

export const schedule = z
  .strictObject({
    id: ident('a schedule id').meta(meta({ title: 'Schedule id', description: 'Stable id rules and zones refer to.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'e.g. "Office hours".' })),
    timezone: z.string().min(1).max(64).optional().meta(meta({ title: 'Time zone', description: 'IANA time zone of the hours below (default: numbering.timezone).' })),
    week: z
      .strictObject({
        mon: hours('Monday'),
        tue: hours('Tuesday'),
        wed: hours('Wednesday'),
        thu: hours('Thursday'),
        fri: hours('Friday'),
        sat: hours('Saturday'),
        sun: hours('Sunday'),
      })
      .prefault({})
      .meta(meta({ title: 'Open hours', description: 'Per weekday, the open (day) time ranges; outside them is night.' })),
    calendar: ident('a calendar id').optional().meta(meta({ title: 'Holidays', description: 'A holiday calendar (calendars[].id): its holidays are closed all day, its make-up working days open.' })),
    workdayAs: weekday.default('mon').meta(meta({ title: 'Make-up days as', description: 'The weekday whose hours a make-up working day (调休) has.' })),
  })
  .meta(meta({ title: 'Schedule', description: 'Open hours in a week, with holidays.' }));

export const calendar = z
  .strictObject({
    id: ident('a calendar id').meta(meta({ title: 'Calendar id', description: 'Stable id schedules refer to.' })),
    name: z.string().min(1).max(80).optional().meta(meta({ title: 'Name', description: 'e.g. "China public holidays 2026".' })),
    holidays: z
      .array(
        z
          .strictObject({
            date: isoDate.meta(meta({ title: 'Date', description: 'The (first) day off.' })),
            to: isoDate.optional().meta(meta({ title: 'Until', description: 'The last day off of a longer holiday.' })),
            name: z.string().max(80).optional().meta(meta({ title: 'Name', description: 'e.g. 国庆节.' })),
          })
          .meta(meta({ title: 'Holiday', description: 'A day or days off.' })),
      )
      .max(400)
      .default([])
      .meta(meta({ title: 'Holidays', description: 'Days that are closed all day.' })),
    workdays: z
      .array(z.strictObject({ date: isoDate, name: z.string().max(80).optional() }).meta(meta({ title: 'Working day', description: 'A weekend day that is worked (调休).' })))
      .max(100)
      .default([])
      .meta(meta({ title: 'Make-up working days', description: 'Weekend days that are working days (调休).' })),
  })
  .meta(meta({ title: 'Holiday calendar', description: 'Public holidays and make-up working days (import one with `callpoint route holidays FILE`).' }));

export const numbering = z
  .strictObject({
    country: digits('a country code', 3).default('86').meta(meta({ title: 'Country code', description: 'The site\'s country calling code (86 for China).' })),
    area: digits('an area code', 5).optional().meta(meta({ title: 'Area code', description: 'The local area code without the trunk prefix (10 Beijing, 755 Shenzhen): numbers in it are "local".' })),
    trunkPrefix: digits('a trunk prefix', 2).default('0').meta(meta({ title: 'Trunk prefix', description: 'Dialled before an area code or, in China, a mobile of another city (0).' })),
    internationalPrefix: digits('an international prefix', 4).default('00').meta(meta({ title: 'International prefix', description: 'Dialled before a country code (00).' })),
    mobilePrefixes: z.array(digits('a mobile prefix', 4)).default(['13', '14', '15', '16', '17', '18', '19']).meta(meta({ title: 'Mobile prefixes', description: 'National numbers starting with these are mobiles.' })),
    mobileLength: z.number().int().min(6).max(15).default(11).meta(meta({ title: 'Mobile length', description: 'Digits of a mobile number without prefixes (11 in China).' })),
    premiumPrefixes: z.array(digits('a premium prefix', 8)).default(['168', '160', '1259']).meta(meta({ title: 'Premium prefixes', description: 'Numbers whose subscriber part starts with these are premium-rate (声讯).' })),
    emergency: z.array(digits('an emergency number', 6)).min(1).default(['110', '119', '120', '122', '112']).meta(meta({ title: 'Emergency numbers', description: 'Always allowed from every phone, never blocked by a list, a schedule or a permission; first on the trunks.' })),
    recordEmergency: z.boolean().default(true).meta(meta({ title: 'Record emergency calls', description: 'Record every call to an emergency number.' })),
    emergencyTrunks: z.array(ident('a trunk id')).default([]).meta(meta({ title: 'Emergency trunks', description: 'Trunks for emergency numbers, in order (default: every trunk, in the order of trunks).' })),
    dispatch: digits('a dispatch number', 8).optional().meta(meta({ title: 'Dispatch number', description: 'A short number that rings every phone of the dispatch zones at once (routed even when the daemon is down).' })),
    timezone: z.string().min(1).max(64).default('Asia/Shanghai').meta(meta({ title: 'Time zone', description: 'The site\'s IANA time zone: for schedules without their own and for the expiry days of list entries.' })),
    soundsDir: z.string().regex(/^(\/[A-Za-z0-9_.-]+)+$/, 'an absolute path of letters, digits, _ . -').default('/usr/share/callpoint/sounds').meta(meta({ title: 'Sounds directory', description: 'Where announcements (NAME.wav) are.' })),
  })
  .meta(meta({ title: 'Numbering plan', description: 'How numbers are read: the country, the local area, mobiles, premium and emergency numbers.' }));
