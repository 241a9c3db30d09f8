// `make bench`: the FreeSWITCH emulator in a process of its own, so the daemon
// pays only for what it would pay on a board — its side of the event socket —
// and not for simulating FreeSWITCH and 200 calls. Started by alarm-latency.ts
// over IPC: it listens on a free port with the bench's password and the
// dispatch desk, keeps CONCURRENT_CALLS calls up between its own phones
// (one ending and one starting every 5–30 ms), and reports each `originate`
// it reads off its socket with the alarm id and a CLOCK_MONOTONIC stamp.
import { FreeSwitchEmulator } from '../../daemon/src/sim/freeswitch/index.js';
import { SUBSCRIBED } from '../../daemon/src/pbx/gateway.js';

export type FromEmulator = { type: 'ready'; port: number } | { type: 'originate'; alarmId: string; at: number } | { type: 'stats'; events: number; callsEnded: number; channels: number; answered: number; seconds: number };
export type ToEmulator = { type: 'hangup-desk' } | { type: 'stats' } | { type: 'stop' };

const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const password = process.env.BENCH_ESL_PASSWORD!;
  const desk = process.env.BENCH_DESK!;
  const calls = Number(process.env.BENCH_CALLS ?? 200);
  const send = (m: FromEmulator) => process.send!(m);
  const emu = new FreeSwitchEmulator({ password, host: '127.0.0.1', port: 0, phones: [{ number: desk, name: 'Dispatch', behaviour: 'answer', answerAfterMs: 1500, busyWhenInCall: true }] });
  const { port } = await emu.start();

  const seen = new Set<string>();
  emu.on('command', (text) => {
    if (!text.includes('originate ')) return;
    const at = now();
    const id = /callpoint_alarm_id=(A-\d{8}-\d+)/.exec(text)?.[1];
    if (!id || seen.has(id)) return;
    seen.add(id);
    send({ type: 'originate', alarmId: id, at });
  });
  const subscribed = new Set(SUBSCRIBED);
  let events = 0;
  emu.on('event', (ev) => {
    if (subscribed.has(ev.name)) events++;
  });

  // Background: calls between the load phones, each bridged (A leg from the phone, B leg answered after 150–500 ms).
  const free: string[] = [];
  for (let i = 0; i < calls * 2 + 40; i++) {
    const n = String(30000 + i);
    emu.addPhone({ number: n, name: `Load ${i}`, behaviour: 'answer', answerAfterMs: 150 + Math.floor(Math.random() * 350) });
    free.push(n);
  }
  const take = () => free.splice(Math.floor(Math.random() * free.length), 1)[0]!;
  const up: Array<{ caller: string; callee: string }> = [];
  let callsEnded = 0;
  const startCall = (slot: number) => {
    const c = { caller: take(), callee: take() };
    emu.phone(c.caller).dial(c.callee);
    up[slot] = c;
  };
  const endCall = (slot: number) => {
    const c = up[slot]!;
    emu.phone(c.caller).hangup();
    free.push(c.caller, c.callee);
    callsEnded++;
  };
  let running = true;
  const t0 = now();
  process.on('message', (raw) => {
    const m = raw as ToEmulator;
    if (m.type === 'hangup-desk') emu.phone(desk).hangup();
    if (m.type === 'stats') {
      const chans = emu.channels();
      send({ type: 'stats', events, callsEnded, channels: chans.length, answered: chans.filter((c) => c.answered).length, seconds: (now() - t0) / 1000 });
    }
    if (m.type === 'stop') {
      running = false;
      void emu.stop().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port });
  for (let i = 0; i < calls; i++) {
    startCall(i);
    await sleep(5);
  }
  while (running && calls > 0) {
    await sleep(5 + Math.random() * 25);
    const slot = Math.floor(Math.random() * calls);
    endCall(slot);
    startCall(slot);
  }
}

await main();
