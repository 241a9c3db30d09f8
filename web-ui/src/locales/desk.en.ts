// English strings of the dispatch desk's wallboard (#/desk): a catalogue of
// its own, fetched with the page's chunk. desk.zh-CN.ts must have exactly the
// same keys (the type checker and web-ui/test/i18n.test.ts say so). Placeholders: {name}.

const en = {
  title: 'Desk',
  loading: 'Loading…',
  notRunning: 'No ACD queues are configured on this appliance.',
  englishNote: 'The appliance’s own explanation (in English)',
  bigOn: 'Big screen',
  bigOff: 'Leave big screen',
  noFigures: 'Today’s figures (answered, abandoned, average wait) are not kept yet.',

  'queue.waiting': '{count} waiting',
  'queue.none': 'Nobody is waiting.',
  'queue.agents': 'Agents',
  'queue.noAgents': 'No agent serves this queue.',

  'col.position': '#',
  'col.caller': 'Caller',
  'col.zone': 'Zone',
  'col.waited': 'Waiting',
  'col.why': 'Why this place',
  'col.now': 'Now',
  'col.agent': 'Agent',
  'col.state': 'State',
  'col.since': 'Since',
  'col.actions': 'Actions',

  unknownCaller: 'unknown number',
  emergency: 'Emergency',
  vip: 'VIP',
  ringing: 'ringing at {phones}',

  'why.emergency': 'emergency: ahead of all',
  'why.vip': 'VIP',
  'why.zoneCovered': 'zone {zone}: agent {agents} covers it',
  'why.zoneUncovered': 'zone {zone}: no free agent covers it',
  'why.waiting': 'waiting {seconds} s',
  'why.noAgent': 'no free agent',
  'why.skill': 'waiting for an agent with skill {skill}',

  'state.available': 'available',
  'state.paused': 'paused',
  'state.wrap-up': 'wrap-up',
  'state.busy': 'busy',
  'state.logged-out': 'logged out',
  pausedFor: 'paused: {reason}',
  wrapUpUntil: 'until {time}',
  onCall: 'on a call',

  'act.login': 'Log in',
  'act.logout': 'Log out',
  'act.pause': 'Pause',
  'act.resume': 'Resume',
  'act.reason': 'Reason for the pause',
  'act.reasonMissing': 'Say why you pause (a break, a site visit …).',
  'act.done': 'Agent {extension}: {state}.',
} as const;

export type DeskMessageKey = keyof typeof en;
export type DeskMessages = Record<DeskMessageKey, string>;
export default en as DeskMessages;
