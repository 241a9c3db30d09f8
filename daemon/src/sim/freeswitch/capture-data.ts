// Facts derived from the real FreeSWITCH 1.10.12 event-socket captures in
// shared/fixtures/freeswitch (api-replies.raw, auth-wrong.raw,
// sip-calls-plain.raw, call-loopback-plain.raw). The emulator must not read
// the captures at run time, so what it needs from them lives here.
//
// Events not present in the captures (CHANNEL_BRIDGE/UNBRIDGE, DTMF,
// CHANNEL_HOLD/UNHOLD, PLAYBACK_*) follow the
// same layout; their extra headers and calling file/function/line are our
// best understanding of FreeSWITCH, NOT checked against a capture.

/** Every event starts with these, in this order (all captures). */
export const COMMON_HEADERS = [
  'Event-Name', 'Core-UUID', 'FreeSWITCH-Hostname', 'FreeSWITCH-Switchname', 'FreeSWITCH-IPv4',
  'FreeSWITCH-IPv6', 'Event-Date-Local', 'Event-Date-GMT', 'Event-Date-Timestamp',
  'Event-Calling-File', 'Event-Calling-Function', 'Event-Calling-Line-Number', 'Event-Sequence',
] as const;

/**
 * The channel block, in capture order (merged over every channel event of
 * sip-calls-plain.raw and call-loopback-plain.raw). Optional members are left
 * out when the channel has no value: Channel-Presence-ID (loopback legs),
 * Hangup-Cause (before hangup), the codec headers (before media),
 * Caller-Dialplan (originated legs), Caller-Caller-ID-Name / Orig-Caller-ID-Name
 * (none given), Caller-Network-Addr (loopback legs).
 */
export const CHANNEL_HEADERS = [
  'Channel-State', 'Channel-Call-State', 'Channel-State-Number', 'Channel-Name', 'Unique-ID',
  'Call-Direction', 'Presence-Call-Direction', 'Channel-HIT-Dialplan', 'Channel-Presence-ID',
  'Channel-Call-UUID', 'Answer-State', 'Hangup-Cause', 'Channel-Read-Codec-Name',
  'Channel-Read-Codec-Rate', 'Channel-Read-Codec-Bit-Rate', 'Channel-Write-Codec-Name',
  'Channel-Write-Codec-Rate', 'Channel-Write-Codec-Bit-Rate', 'Caller-Direction',
  'Caller-Logical-Direction', 'Caller-Dialplan', 'Caller-Caller-ID-Name', 'Caller-Caller-ID-Number',
  'Caller-Orig-Caller-ID-Name', 'Caller-Orig-Caller-ID-Number', 'Caller-Callee-ID-Name',
  'Caller-Callee-ID-Number', 'Caller-Network-Addr', 'Caller-ANI', 'Caller-Destination-Number',
  'Caller-Unique-ID', 'Caller-Source', 'Caller-Context', 'Caller-Channel-Name', 'Caller-Profile-Index',
  'Caller-Profile-Created-Time', 'Caller-Channel-Created-Time', 'Caller-Channel-Answered-Time',
  'Caller-Channel-Progress-Time', 'Caller-Channel-Progress-Media-Time', 'Caller-Channel-Hangup-Time',
  'Caller-Channel-Transfer-Time', 'Caller-Channel-Resurrect-Time', 'Caller-Channel-Bridged-Time',
  'Caller-Channel-Last-Hold', 'Caller-Channel-Hold-Accum', 'Caller-Screen-Bit',
  'Caller-Privacy-Hide-Name', 'Caller-Privacy-Hide-Number',
] as const;

export interface EventLayout {
  /** Where FreeSWITCH says the event was fired (values only, never compared). */
  calling: readonly [file: string, fn: string, line: number];
  /** Event headers between the common block and the channel block. */
  pre?: readonly string[];
  /** Whether the channel block is present. */
  channel?: boolean;
  /** Whether variable_* headers follow the channel block. */
  vars?: boolean;
  /** Event headers after the variables. */
  post?: readonly string[];
}

/** The conference block of every conference::maintenance event (conference-plain.raw). */
const CONFERENCE = ['Conference-Name', 'Conference-Domain', 'Conference-Size', 'Conference-Ghosts', 'Conference-Profile-Name', 'Conference-Unique-ID'];
/** What follows the channel block on a member's event. */
const MEMBER = ['Video', 'Hear', 'See', 'Speak', 'Talking', 'Mute-Detect', 'Hold', 'Member-ID', 'Member-Type', 'Member-Ghost', 'Energy-Level', 'Current-Energy'];

const chan = (calling: EventLayout['calling'], vars: boolean, extra: Partial<EventLayout> = {}): EventLayout => ({ calling, channel: true, vars, ...extra });

export const EVENT_LAYOUTS: Record<string, EventLayout> = {
  // --- seen in the captures ---
  API: { calling: ['switch_loadable_module.c', 'switch_api_execute', 2954], pre: ['API-Command', 'API-Command-Argument'] },
  BACKGROUND_JOB: { calling: ['mod_commands.c', 'bgapi_exec', 5396], pre: ['Job-UUID', 'Job-Command', 'Job-Command-Arg'] },
  HEARTBEAT: {
    calling: ['switch_core.c', 'send_heartbeat', 95],
    pre: ['Event-Info', 'Up-Time', 'FreeSWITCH-Version', 'Uptime-msec', 'Session-Count', 'Max-Sessions', 'Session-Per-Sec',
      'Session-Per-Sec-Last', 'Session-Per-Sec-Max', 'Session-Per-Sec-FiveMin', 'Session-Since-Startup', 'Session-Peak-Max',
      'Session-Peak-FiveMin', 'Idle-CPU'],
  },
  CHANNEL_UUID: chan(['switch_core_session.c', 'switch_core_session_set_uuid', 2051], true, { pre: ['Old-Unique-ID'] }),
  CHANNEL_OUTGOING: chan(['switch_core_session.c', 'switch_core_session_outgoing_channel', 768], false),
  CHANNEL_STATE: chan(['switch_channel.c', 'switch_channel_perform_set_running_state', 2408], false),
  CHANNEL_CREATE: chan(['switch_core_state_machine.c', 'switch_core_session_run', 626], true),
  CHANNEL_CALLSTATE: chan(['switch_channel.c', 'switch_channel_perform_set_callstate', 301], false, { pre: ['Original-Channel-Call-State', 'Channel-Call-State-Number'] }),
  CHANNEL_ORIGINATE: chan(['switch_core_state_machine.c', 'switch_core_session_run', 632], true),
  CHANNEL_EXECUTE: chan(['switch_core_session.c', 'switch_core_session_exec', 2944], true, { post: ['Application', 'Application-Data', 'Application-UUID'] }),
  CHANNEL_EXECUTE_COMPLETE: chan(['switch_core_session.c', 'switch_core_session_exec', 2967], true, { post: ['Application', 'Application-Data', 'Application-Response', 'Application-UUID'] }),
  PRESENCE_IN: chan(['switch_channel.c', 'switch_channel_perform_presence', 805], false, {
    post: ['proto', 'login', 'from', 'rpid', 'status', 'event_type', 'alt_event_type', 'presence-call-info-state',
      'presence-call-direction', 'event_count', 'Presence-Calling-File', 'Presence-Calling-Function', 'Presence-Calling-Line'],
  }),
  CHANNEL_PROGRESS: chan(['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3505], true),
  CHANNEL_ANSWER: chan(['switch_channel.c', 'switch_channel_perform_mark_answered', 3846], true),
  CALL_UPDATE: chan(['switch_channel.c', 'switch_channel_flip_cid', 3277], true, { pre: ['Direction'] }),
  CHANNEL_PARK: chan(['switch_ivr.c', 'switch_ivr_park', 1002], true),
  CHANNEL_UNPARK: chan(['switch_ivr.c', 'switch_ivr_park', 1213], true),
  RECORD_START: chan(['switch_ivr_async.c', 'record_callback', 1481], true, { post: ['Record-File-Path'] }),
  RECORD_STOP: chan(['switch_ivr_async.c', 'send_record_stop_event', 1240], true, { post: ['Record-File-Path', 'Record-Completion-Cause'] }),
  MEDIA_BUG_START: chan(['switch_core_media_bug.c', 'switch_core_media_bug_add', 1014], true, { pre: ['Media-Bug-Function', 'Media-Bug-Target'] }),
  MEDIA_BUG_STOP: chan(['switch_core_media_bug.c', 'switch_core_media_bug_destroy', 84], true, { pre: ['Media-Bug-Function', 'Media-Bug-Target'] }),
  CHANNEL_HANGUP: chan(['switch_channel.c', 'switch_channel_perform_hangup', 3445], true),
  CHANNEL_HANGUP_COMPLETE: chan(['switch_core_state_machine.c', 'switch_core_session_reporting_state', 943], true, { pre: ['Hangup-Cause'] }),
  CHANNEL_DESTROY: chan(['switch_core_session.c', 'switch_core_session_perform_destroy', 1584], true),
  // --- registration-plain.raw: extra headers in the order given by registration.ts ---
  'CUSTOM sofia::pre_register': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 1810] },
  'CUSTOM sofia::register_attempt': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 1606] },
  'CUSTOM sofia::register': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 2059] },
  'CUSTOM sofia::register_failure': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 1792] },
  'CUSTOM sofia::unregister': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 2213] },
  'CUSTOM sofia::expire': { calling: ['sofia_reg.c', 'sofia_reg_del_callback', 726] },
  'PRESENCE_IN unregister': { calling: ['sofia_reg.c', 'sofia_reg_handle_register_token', 2103] },
  'PRESENCE_IN expire': { calling: ['sofia_reg.c', 'sofia_reg_del_callback', 741] },
  // --- NOT in the captures: layout is our best understanding ---
  // switch_xml.c switch_xml_open_root (1.10.12): fired after a reloadxml that parsed; no headers of its own.
  RELOADXML: { calling: ['switch_xml.c', 'switch_xml_open_root', 2385] },
  CHANNEL_BRIDGE: chan(['switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 0], true, { pre: ['Bridge-A-Unique-ID', 'Bridge-B-Unique-ID'], post: ['Other-Type', 'Other-Leg-Unique-ID'] }),
  CHANNEL_UNBRIDGE: chan(['switch_ivr_bridge.c', 'audio_bridge_on_exchange_media', 0], true, { pre: ['Bridge-A-Unique-ID', 'Bridge-B-Unique-ID'], post: ['Other-Type', 'Other-Leg-Unique-ID'] }),
  DTMF: chan(['switch_channel.c', 'switch_channel_dequeue_dtmf', 0], false, { pre: ['DTMF-Digit', 'DTMF-Duration', 'DTMF-Source'] }),
  CHANNEL_HOLD: chan(['switch_channel.c', 'switch_channel_perform_mark_hold', 0], true),
  CHANNEL_UNHOLD: chan(['switch_channel.c', 'switch_channel_perform_mark_hold', 0], true),
  PLAYBACK_START: chan(['switch_ivr_play_say.c', 'switch_ivr_play_file', 0], true, { post: ['Playback-File-Path'] }),
  PLAYBACK_STOP: chan(['switch_ivr_play_say.c', 'switch_ivr_play_file', 0], true, { post: ['Playback-File-Path', 'Playback-Status'] }),
  CHANNEL_TRANSFER: chan(['switch_ivr.c', 'switch_ivr_session_transfer', 0], true),
  // --- conference-plain.raw (mod_conference): member events carry the channel block without variables ---
  'CUSTOM conference::maintenance': {
    calling: ['conference_member.c', 'conference_member_add', 962],
    pre: [...CONFERENCE, 'Floor'], channel: true, vars: false, post: MEMBER,
  },
  'conference floor-change': {
    calling: ['conference_member.c', 'conference_member_set_floor_holder', 1158],
    pre: [...CONFERENCE, 'Action', 'Old-ID', 'Floor'], channel: true, vars: false, post: [...MEMBER, 'New-ID'],
  },
  'PRESENCE_IN conference': { calling: ['mod_conference.c', 'conference_send_presence', 3870] },
};

/** The `status` API reply of api-replies.raw; {placeholders} are filled in. */
export const STATUS_TEMPLATE =
  'UP {uptime}\n' +
  'FreeSWITCH (Version 1.10.12-release  64bit) is ready\n' +
  '{since} session(s) since startup\n' +
  '{count} session(s) - peak {peak}, last 5min {peak5} \n' +
  '0 session(s) per Sec out of max 30, peak {peak}, last 5min {peak5} \n' +
  '1000 session(s) max\n' +
  'min idle cpu 0.00/94.00\n' +
  'Current Stack Size/Max 240K/8192K\n';

/** The body of text/disconnect-notice (auth-wrong.raw): 67 bytes. */
export const DISCONNECT_NOTICE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

export const FREESWITCH_VERSION = '1.10.12-release~64bit';
