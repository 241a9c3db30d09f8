// The live channel table stays bounded: FreeSWITCH sends CHANNEL_STATE
// CS_DESTROY after CHANNEL_DESTROY (sip-calls-plain.raw), and a late event like
// that once left an entry behind for every call (found by make soak: the
// daemon's heap grew a few MB every five minutes under 200 streaming calls).
import t from 'tap';
import { LiveChannels } from '../src/pbx/live-channels.js';

const leg = (uuid: string, state: string, extra: Record<string, string> = {}) => ({
  'Unique-ID': uuid, 'Channel-State': state, 'Channel-Name': `sofia/internal/1001@127.0.0.1`, 'Call-Direction': 'outbound',
  'Caller-Caller-ID-Number': '8000', 'Caller-Destination-Number': '1001', ...extra,
});

t.test('10,000 calls come and go, each with its late events: nothing stays behind', async (t) => {
  const live = new LiveChannels();
  for (let i = 0; i < 10_000; i++) {
    const u = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    live.apply('CHANNEL_OUTGOING', leg(u, 'CS_NONE'));
    live.apply('CHANNEL_STATE', leg(u, 'CS_INIT'));
    live.apply('CHANNEL_ANSWER', leg(u, 'CS_EXECUTE', { 'Caller-Channel-Answered-Time': '1796190000000000' }));
    live.apply('CHANNEL_HANGUP', leg(u, 'CS_EXECUTE'));
    live.apply('CHANNEL_DESTROY', leg(u, 'CS_REPORTING'));
    // As FreeSWITCH sends them after the destroy.
    live.apply('CHANNEL_STATE', leg(u, 'CS_DESTROY'));
    live.apply('CHANNEL_CALLSTATE', leg(u, 'CS_DESTROY'));
  }
  const f = live.footprint();
  t.equal(f.channels, 0, 'no channel left');
  t.equal(f.touched, 0, 'no event time kept for a dead channel');
  t.equal(f.tags, 0, 'no tag left');
  t.ok(f.destroyed <= 2000, `the memory of destroyed channels is bounded (${f.destroyed})`);
});

t.test('a tag of an originate that never created its channel can be dropped', async (t) => {
  const live = new LiveChannels();
  live.tag('00000000-0000-4000-8000-000000000001', { alarmId: 'A-20261202-1', zone: 'z' });
  live.untag('00000000-0000-4000-8000-000000000001');
  t.equal(live.footprint().tags, 0);
});

t.test('a bridge joins both legs, though FreeSWITCH reports it on one (the leg that bridged), and parting frees both', async (t) => {
  const changed: string[] = [];
  const live = new LiveChannels((uuid) => void changed.push(uuid));
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  live.apply('CHANNEL_CREATE', leg(a, 'CS_INIT'));
  live.apply('CHANNEL_CREATE', leg(b, 'CS_INIT'));
  changed.length = 0;
  live.apply('CHANNEL_BRIDGE', leg(a, 'CS_EXCHANGE_MEDIA', { 'Other-Leg-Unique-ID': b }));
  t.equal(live.get(a)?.bridgedTo, b, 'the leg the event names');
  t.equal(live.get(b)?.bridgedTo, a, 'and the other leg (the desk sees the agent talking to its caller)');
  t.same(changed, [a, b], 'both changes are told');
  live.apply('CHANNEL_UNBRIDGE', leg(a, 'CS_EXECUTE', { 'Other-Leg-Unique-ID': b }));
  t.equal(live.get(a)?.bridgedTo, null);
  t.equal(live.get(b)?.bridgedTo, null, 'parted on both');
});
