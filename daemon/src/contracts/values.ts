// The plain values of the contracts — enumerations, patterns, role ranks —
// without zod, so the web UI can import them without bundling a validator.
// The zod schemas beside this file are built from these.

export const ROLES = ['admin', 'technician', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_RANK: Record<Role, number> = { viewer: 1, technician: 2, admin: 3 };
/** Does a user of role `have` hold at least `need`? */
export const roleAtLeast = (have: Role | null | undefined, need: Role) => !!have && ROLE_RANK[have] >= ROLE_RANK[need];

export const HEALTH_STATUSES = ['ok', 'degraded', 'down'] as const;
export const COMPONENT_STATUSES = ['ok', 'degraded', 'down', 'disabled'] as const;
export const COMPONENTS = ['freeswitch', 'uplink', 'store', 'hardware', 'gsm', 'lines'] as const;

/** raised → calling → connected → acknowledged → cleared; failed (every target tried, calling goes on); test (self-test). */
export const ALARM_STATES = ['raised', 'calling', 'connected', 'acknowledged', 'cleared', 'failed', 'test'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];
/** States of an alarm still open: everything until it is cleared. */
export const OPEN_ALARM_STATES: readonly AlarmState[] = ['raised', 'calling', 'connected', 'acknowledged', 'failed', 'test'];
/** States in which a new press of the same point joins the alarm instead of raising another. */
export const JOINING_STATES: readonly AlarmState[] = ['raised', 'calling', 'connected', 'failed'];
/** States in which nobody needs to be called any more. */
export const HANDLED_STATES: readonly AlarmState[] = ['acknowledged', 'cleared'];
export const isOpenAlarm = (a: { state: AlarmState }) => OPEN_ALARM_STATES.includes(a.state);
export const ACK_SOURCES = ['dtmf', 'central', 'ui', 'sms'] as const;
export const CLEAR_SOURCES = ['point', 'ui', 'central', 'self-test'] as const;
export const SELF_TEST_SOURCES = ['periodic', 'technician', 'central'] as const;

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export const TRUNKS = ['sip', 'fxs', 'fxo', 'gsm', 'loopback', 'other'] as const;

export const MODEM_STATES = ['starting', 'ready', 'fault', 'stopped'] as const;
export const SIM_STATES = ['ready', 'pin', 'puk', 'absent', 'unknown'] as const;
export const REGISTRATIONS = ['home', 'roaming', 'searching', 'denied', 'not-registered', 'unknown'] as const;
export const PORT_KINDS = ['fxs', 'fxo'] as const;
export const PORT_STATES = ['on-hook', 'off-hook', 'ringing', 'idle', 'in-use', 'no-line', 'unknown'] as const;
export const SMS_STATUSES = ['queued', 'sent', 'delivered', 'failed', 'received', 'ignored', 'handled'] as const;
/** A SIM PIN as a person types it. */
export const PIN_RE = /^\d{4,8}$/;
/** Simulation: which SIM card the simulated modem holds now. */
export const SIM_CARD_ACTIONS = ['ready', 'pin', 'puk', 'absent'] as const;
/** Simulation: the network as the simulated modem sees it. */
export const SIM_NETWORK_REGISTRATIONS = ['home', 'roaming', 'searching', 'denied', 'not-searching', 'unknown'] as const;
/** Simulation: what a simulated line-card port can be made to do. */
export const PORT_ACTIONS = ['off-hook', 'on-hook', 'ring', 'stop-ring', 'cut', 'restore', 'no-battery', 'battery'] as const;
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;

/** Ids we give things (sites, nodes, points, zones, modems, gateways): 1–63 of a-z 0-9 _ -. */
export const IDENT_RE = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** An internal extension: 2–8 digits. */
export const EXTENSION_RE = /^[0-9]{2,8}$/;
/** A number on a trunk (SIP, GSM, FXO): an optional + and 3–20 digits. */
export const PHONE_NUMBER_RE = /^\+?[0-9]{3,20}$/;
/** A caller-ID number as shown to the called party: an optional + and 1–20 digits, * or #. */
export const CALLER_NUMBER_RE = /^\+?[0-9*#]{1,20}$/;
/** An alarm id: A-<yyyymmdd>-<n of the day>, e.g. A-20261125-3. */
export const ALARM_ID_RE = /^A-\d{8}-\d{1,5}$/;
/** The same, found inside a text (an SMS command "ACK A-20261125-3"). */
export const ALARM_ID_IN_TEXT_RE = /\bA-\d{8}-\d{1,5}\b/i;
/** DTMF keys a person types on a phone. */
export const DTMF_RE = /^[0-9*#]{1,16}$/;
/** A user name. */
export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;

export const EXTENSION_MESSAGE = 'an extension is 2–8 digits';
export const PHONE_NUMBER_MESSAGE = 'a phone number is an optional + and 3–20 digits';
export const CALLER_NUMBER_MESSAGE = 'a caller-ID number is an optional + and 1–20 digits, * or #';
export const ALARM_ID_MESSAGE = 'an alarm id looks like A-20261125-3';

/** A secret as the configuration API shows it: set (this mask) or absent. Sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '********';
/** What a change does to a key: set where it was absent, taken away, changed; a list reordered. */
export const CONFIG_DIFF_OPS = ['added', 'removed', 'changed', 'reordered'] as const;
export type ConfigDiffOp = (typeof CONFIG_DIFF_OPS)[number];
/** How a change took effect: at once, by restarting its component in-process, by FreeSWITCH reloading its XML. */
export const CONFIG_APPLY_HOWS = ['live', 'restarted', 'reloaded'] as const;
/** What a change still waits for: an open alarm of its point to close; the calls of escalating alarms to end; a restart of Callpoint; or it failed. */
export const CONFIG_WAITS = ['alarm', 'idle', 'restart', 'failed'] as const;
export type ConfigWait = (typeof CONFIG_WAITS)[number];
/** Where a version of the configuration came from. */
export const CONFIG_SOURCES = ['seed', 'api', 'import', 'restore', 'central', 'disk', 'migration'] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];
// ---- Routing (zones, permissions, lists, trunks) ----
/**
 * What a dialled number is, for a zone's permissions: another phone of the
 * same zone, of another zone, a dispatch desk (a phone of a dispatch zone),
 * the local area, elsewhere in the country, a mobile, abroad, a premium-rate
 * service. Emergency numbers are not a class: they are always allowed.
 */
export const CALL_CLASSES = ['same-zone', 'other-zones', 'dispatch', 'local', 'national', 'mobile', 'international', 'premium'] as const;
export type CallClass = (typeof CALL_CLASSES)[number];
/** A call's priority on the trunks; an emergency call may pre-empt (强拆) the lowest outside call. */
export const CALL_PRIORITIES = ['low', 'normal', 'high', 'emergency'] as const;
export type CallPriority = (typeof CALL_PRIORITIES)[number];
export const TRUNK_KINDS = ['sip', 'fxo', 'gsm'] as const;
export type TrunkKind = (typeof TRUNK_KINDS)[number];
/** How a number is written for a trunk: +8613800138000, 8613800138000, 013800138000 / 13800138000, or as dialled. */
export const NUMBER_FORMATS = ['e164', 'e164-digits', 'national', 'dialled'] as const;
export const LIST_KINDS = ['block', 'allow'] as const;
export const LIST_DIRECTIONS = ['inbound', 'outbound'] as const;
/** What a refused caller hears: SIP 603 at once, busy (486), or an announcement then the hang-up. */
export const TREATMENTS = ['reject', 'busy', 'announcement'] as const;
/** Tones a refused caller may hear (Chinese national tones, generated by FreeSWITCH). */
export const REFUSAL_TONES = ['busy', 'congestion', 'sit'] as const;
export const RING_STRATEGIES = ['simultaneous', 'sequential'] as const;
export const NIGHT_MODES = ['auto', 'night', 'day'] as const;
/** How an ACD queue picks the free agent for its next call (desk/queue-decision.ts). */
export const QUEUE_STRATEGIES = ['longest-idle', 'ring-all', 'round-robin', 'skill'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];
/** An agent's state at the desk: logged out, ready, paused (with a reason), wrapping up after a call, on a call. */
export const AGENT_STATES = ['logged-out', 'available', 'paused', 'wrap-up', 'busy'] as const;
export type AgentState = (typeof AGENT_STATES)[number];
export type NightMode = (typeof NIGHT_MODES)[number];
/** A number as a phone dials it or a trunk presents it: an optional + then digits, * and #. */
export const DIALLED_RE = /^\+?[0-9*#]{1,32}$/;
export const DIALLED_MESSAGE = 'a dialled number is an optional + and 1–32 digits, * or #';
/** A number or prefix in a list or an exception: an optional + and digits. */
export const LIST_NUMBER_RE = /^\+?[0-9]{1,24}$/;
