// FreeSWITCH failing under an alarm, in both worlds (daemon/test/fault-scenarios.test.ts
// on the emulator, daemon/test/real/fault-scenarios.real.ts on real FreeSWITCH, which
// is SIGKILLed, restarted and SIGSTOPped for real).
//
// OUTAGE_S sets how long FreeSWITCH stays down in the long-outage scenario
// (default 35 s; `OUTAGE_S=600 make test-real` is the 10 minutes).
import { connect } from 'node:net';
import type { Test } from 'tap';
import { legOf, registerPhones, showChannels, waitState, type Scenario } from './scenarios.js';
import { until, type World } from './world.js';

const OUTAGE_S = Number(process.env.OUTAGE_S ?? 35);

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Start FreeSWITCH again; resolves with the moment its event socket first accepted (ms, wall clock). */
async function restart(w: World): Promise<number> {
  let acceptedAt = 0;
  let starting = true;
  const watch = (async () => {
    while (starting && !acceptedAt) {
      if (await accepts(w.fs.eslPort)) acceptedAt = Date.now();
      else await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await w.fs.start();
  starting = false;
  await watch;
  // The phones register again, as real phones do when their registrar is back.
  await registerPhones(w);
  return acceptedAt || Date.now();
}

/** The first time, after `since`, the daemon logged that it calls this target (its originate goes out with it). */
function callingLoggedAfter(w: World, since: number, target: string): number | undefined {
  const l = w.daemon.log().find((x) => x.msg === `calling ${target}` && Date.parse(String(x.time)) >= since);
  return l ? Date.parse(String(l.time)) : undefined;
}

async function liveEqualsShowChannels(t: Test, w: World): Promise<void> {
  let live: Array<Record<string, unknown>> = [];
  let rows: Awaited<ReturnType<typeof showChannels>> = [];
  const same = await until(async () => {
    live = (await w.daemon.channels()).channels;
    rows = await showChannels(w);
    return live.length === rows.length && rows.every((r) => live.some((l) => l.uuid === r.uuid && l.state === r.state));
  }, 5000);
  t.ok(same, `the live table equals show channels after the resync (${rows.length} channels)`);
}

export const FAULT_SCENARIOS: Scenario[] = [
  {
    name: 'FreeSWITCH killed (SIGKILL) mid-call and restarted: no longer "connected", "FreeSWITCH down" fault, calling again ≤ 2 s after the socket accepts, the call re-placed',
    async run(t, w) {
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300 });
      const id = await w.daemon.press('in1');
      await waitState(w, id, 'connected', 15_000);
      const deskCall = legOf(await showChannels(w), '2001');
      const from = w.central.messages.length;
      const killedAt = Date.now();
      await w.fs.crash();
      const lost = await w.central.waitFor((m) => w.central.messages.indexOf(m) >= from && m.type === 'alarm' && m.data.id === id, 10_000, 'the alarm leaving "connected"');
      t.equal(lost.data.state, 'calling', `the alarm is calling again ${lost.receivedAt - killedAt} ms after FreeSWITCH died, not "connected"`);
      const fault = await w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === 'freeswitch:down' && m.data.state === 'raised', 60_000, 'the FreeSWITCH down fault');
      t.pass(`central has the fault "FreeSWITCH down" ${Math.round((fault.receivedAt - killedAt) / 1000)} s after the kill`);
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 800 });
      const acceptedAt = await restart(w);
      let calledAt: number | undefined;
      t.ok(await until(() => !!(calledAt = callingLoggedAfter(w, acceptedAt - 50, 'extension 2001')), 10_000), 'the daemon calls the desk again');
      t.ok(calledAt !== undefined && calledAt - acceptedAt <= 2000, `calling again ${(calledAt ?? 0) - acceptedAt} ms after the event socket accepted (≤ 2000)`);
      await liveEqualsShowChannels(t, w);
      const ack = await waitState(w, id, 'acknowledged', 30_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2001' }, 'the re-placed call reached the desk, which acknowledged');
      await w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === 'freeswitch:down' && m.data.state === 'cleared', 30_000, 'the fault cleared');
      t.pass('the fault "FreeSWITCH down" closed');
      const rec = await w.central.waitFor((m) => m.type === 'call' && m.data.uuid === deskCall?.uuid, 10_000, 'the record of the interrupted call');
      const ended = Date.parse(String(rec.data.endedAt));
      t.match(rec.data, { recovered: true, hangupCause: 'CRASH', alarmId: id }, 'the interrupted call: a recovered record, cause CRASH, with its alarm');
      t.ok(Math.abs(ended - killedAt) < 2000, `it ended when FreeSWITCH died (${ended - killedAt} ms from the kill), not when it came back`);
    },
  },
  {
    name: 'a frozen FreeSWITCH (SIGSTOP) is a fault at central; it clears when FreeSWITCH runs again',
    async run(t, w) {
      const frozenAt = Date.now();
      w.fs.freeze();
      try {
        const raised = await w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === 'freeswitch:hung' && m.data.state === 'raised' && m.receivedAt >= frozenAt, 30_000, 'the fault "FreeSWITCH hung"');
        t.pass(`central has the fault ${Math.round((raised.receivedAt - frozenAt) / 1000)} s after FreeSWITCH froze`);
        const health = (await w.daemon.api.get('/api/health')).body as { components: { freeswitch: { status: string; detail: string } } };
        t.match(health.components.freeswitch, { status: 'down', detail: /hung/ }, 'health says so too');
      } finally {
        w.fs.thaw();
      }
      await w.central.waitFor((m) => m.data.kind === 'fault' && m.data.key === 'freeswitch:hung' && m.data.state === 'cleared' && m.receivedAt >= frozenAt, 30_000, 'the fault cleared');
      t.pass('cleared once FreeSWITCH answers again');
    },
  },
  {
    name: `FreeSWITCH down for ${OUTAGE_S} s during an alarm: central, the lamps and SMS carry on; calling resumes when it returns`,
    async run(t, w) {
      await w.fs.crash();
      const downAt = Date.now();
      const id = await w.daemon.press('in1');
      await waitState(w, id, 'raised', 5000);
      t.pass('the alarm reached central while FreeSWITCH was down');
      const board = await w.daemon.board();
      t.ok(board.outputs.some((o) => o.point === 'km1' && o.role === 'alarm-sent' && o.on), 'the point’s "alarm sent" lamp is on');
      t.ok(board.outputs.some((o) => o.role === 'strobe' && o.mode === 'flash'), 'the strobes flash');
      t.ok(await until(async () => (await w.daemon.smsSent('gsm0')).some((s) => s.to === '+8613800138000' && s.text.includes(id)), 30_000), 'the on-call engineer got the SMS');
      const other = await w.daemon.press('in3');
      await waitState(w, other, 'raised', 5000);
      t.pass('another point raises its alarm during the outage too');
      await new Promise((r) => setTimeout(r, Math.max(0, downAt + OUTAGE_S * 1000 - Date.now())));
      t.notOk(w.central.alarm(id).some((m) => m.state === 'connected'), `after ${OUTAGE_S} s nobody was connected, and nothing claims so`);
      await (await w.phone('2001')).serve({ kind: 'desk', ringMs: 300, ack: true, ackAfterMs: 800 });
      const acceptedAt = await restart(w);
      let calledAt: number | undefined;
      t.ok(await until(() => !!(calledAt = callingLoggedAfter(w, acceptedAt - 50, 'extension 2001')), 10_000), 'the daemon calls the desk again');
      t.ok(calledAt !== undefined && calledAt - acceptedAt <= 2000, `calling resumed ${(calledAt ?? 0) - acceptedAt} ms after the event socket accepted (≤ 2000), not after sleeping out a round pause`);
      const ack = await waitState(w, id, 'acknowledged', 30_000);
      t.match(ack.data, { acknowledgedBy: 'ext:2001' }, 'the desk acknowledged');
    },
  },
];
