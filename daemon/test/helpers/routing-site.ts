// A site with every routing feature, as a newcomer would write it: the
// control room (a dispatch zone), an office with day and night permissions,
// a tunnel bore that may not call out, a maintenance zone; a SIP trunk, FXO
// lines and a GSM modem as trunks; block lists and the GSM allowlist; office
// hours with the Chinese 2026 holidays. The router tests, the scenarios, the
// fuzz and the bench use it.
export const ROUTING_SITE = {
  zones: [
    { id: 'control', name: 'Traffic control', dispatch: true },
    {
      id: 'office',
      name: 'Office',
      permissions: ['same-zone', 'other-zones', 'dispatch', 'local', 'national', 'mobile'],
      night: { schedule: 'office-hours', permissions: ['same-zone', 'other-zones', 'dispatch', 'local'] },
      deny: [{ prefix: '0109999', reason: 'the old exchange' }],
      callerId: '+861088880100',
    },
    { id: 'east-bore', name: 'East bore', permissions: ['same-zone', 'dispatch'] },
    { id: 'west-bore', name: 'West bore', permissions: ['same-zone', 'other-zones', 'dispatch', 'local'], allow: [{ number: '13900139000', reason: 'the duty mobile' }] },
    { id: 'maint', name: 'Maintenance', permissions: ['same-zone', 'other-zones', 'dispatch', 'local', 'national', 'mobile', 'international'] },
  ],
  phones: [
    { number: '8000', name: 'Control desk', zone: 'control' },
    { number: '8001', name: 'Control desk 2', zone: 'control' },
    { number: '1001', name: 'Office 1', zone: 'office' },
    { number: '1002', name: 'Office 2', zone: 'office' },
    { number: '2001', name: 'East niche 1', zone: 'east-bore' },
    { number: '2002', name: 'East niche 2', zone: 'east-bore' },
    { number: '3001', name: 'West niche 1', zone: 'west-bore' },
    { number: '4001', name: 'Maintenance', zone: 'maint' },
  ],
  numbering: { area: '10', dispatch: '100' },
  trunks: [
    {
      id: 'telecom', name: 'China Telecom SIP', kind: 'sip', zone: 'control', channels: 2,
      gateway: { proxy: 'sip.telecom.example', username: 'tunnel-a', password: 'trunk-secret-1234', register: true },
      numberFormat: 'e164', callerId: '+861088880000',
      inbound: { to: { extension: '8000' }, dids: [{ did: '88880001', to: { ringGroup: { extensions: ['8000', '8001'] } }, night: { schedule: 'office-hours', to: { extension: '8001' } } }] },
    },
    {
      id: 'fxo', name: 'Local lines', kind: 'fxo', zone: 'control',
      gateway: { proxy: '192.168.10.20', register: false }, fxo: { card: 'lc0', ports: [5, 6] },
      numberFormat: 'national', inbound: { to: { extension: '8000' } },
    },
    {
      id: 'gsm', name: 'GSM', kind: 'gsm', zone: 'control',
      gateway: { proxy: '192.168.10.21', register: false }, gsm: { modems: ['gsm0'] },
      numberFormat: 'national', inbound: { to: { extension: '8000' } },
    },
  ],
  lines: { modems: [{ id: 'gsm0', port: 'sim:gsm0' }], lineCards: [{ id: 'lc0', port: 'sim:lc0' }] },
  lists: [
    { id: 'nuisance', name: 'Nuisance callers', kind: 'block', direction: 'inbound', treatment: 'busy', entries: [{ number: '13700000001', reason: 'repeated hoax calls' }, { prefix: '0095', reason: 'scam calls' }] },
    { id: 'gsm-known', name: 'Known mobiles', kind: 'allow', direction: 'inbound', trunks: ['gsm'], treatment: 'reject', entries: [{ number: '+8613800138000', reason: 'duty officer' }] },
    { id: 'fraud', name: 'Fraud destinations', kind: 'block', direction: 'outbound', treatment: 'reject', entries: [{ prefix: '00882', reason: 'satellite premium' }, { number: '01088889999', reason: 'known fraud', expires: '2030-12-31' }] },
  ],
  schedules: [{ id: 'office-hours', name: 'Office hours', week: { mon: ['08:00-18:00'], tue: ['08:00-18:00'], wed: ['08:00-18:00'], thu: ['08:00-18:00'], fri: ['08:00-18:00'] }, calendar: 'cn-2026' }],
  calendars: [
    {
      id: 'cn-2026', name: 'China public holidays 2026',
      // As the State Council General Office's notice of 2025-11-04 has it (provisioning/holidays/cn-2026.csv).
      holidays: [{ date: '2026-09-25', to: '2026-09-27', name: '中秋节' }, { date: '2026-10-01', to: '2026-10-07', name: '国庆节' }],
      workdays: [{ date: '2026-09-20', name: '国庆节调休' }, { date: '2026-10-10', name: '国庆节调休' }],
    },
  ],
  routes: [
    { id: 'intl', name: 'International', match: { prefix: '00' }, to: { trunks: ['telecom'] }, record: true },
    { id: 'desk-2', name: 'Second desk, first desk at night', match: { number: '8001' }, to: { extension: '8001' }, night: { schedule: 'office-hours', to: { extension: '8000' } } },
    { id: 'ops-room', name: 'Operations conference', match: { prefix: '7', length: 4 }, to: { conference: 'ops' } },
    { id: 'mobile', name: 'Mobiles', match: { class: 'mobile' }, to: { trunks: ['telecom', 'fxo', 'gsm'] }, priority: 'low' },
    { id: 'local', name: 'Local', match: { class: 'local' }, to: { trunks: ['telecom', 'fxo', 'gsm'] } },
    { id: 'national', name: 'National', match: { class: 'national' }, to: { trunks: ['telecom', 'fxo'] }, callerId: '+861088880001' },
    { id: 'premium', name: 'Premium', match: { class: 'premium' }, to: { trunks: ['telecom'] } },
  ],
};

/** Monday 2026-11-23, 10:00 in Beijing: office hours. */
export const DAY = new Date('2026-11-23T02:00:00Z');
/** Thursday 2026-12-24, 22:00 in Beijing: night. */
export const NIGHT = new Date('2026-12-24T14:00:00Z');
