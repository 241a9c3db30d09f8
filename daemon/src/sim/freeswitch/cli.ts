// Run the emulator on its own (simulation mode / demos):
//   npx tsx daemon/src/sim/freeswitch/cli.ts [--port 8021] [--password ClueCon] [--host 127.0.0.1]
//        [--phones 8000:Dispatch,1001:Tunnel_A,1002:Tunnel_B] [--recordings var/recordings] [--heartbeat-ms 20000]
// A phone spec is number[:name[:behaviour[:answerAfterMs]]], behaviour answer|busy|no-answer|unregistered.
import { parseArgs } from 'node:util';
import { FreeSwitchEmulator } from './emulator.js';
import type { PhoneBehaviour, PhoneConfig } from './phone.js';

const BEHAVIOURS: readonly PhoneBehaviour[] = ['answer', 'busy', 'no-answer', 'unregistered'];

export function parsePhones(spec: string): PhoneConfig[] {
  return spec.split(',').filter(Boolean).map((p) => {
    const [number = '', name, behaviour, after] = p.split(':');
    const b = BEHAVIOURS.find((x) => x === behaviour);
    return { number, name: name?.replace(/_/g, ' '), behaviour: b ?? 'answer', answerAfterMs: after ? Number(after) : undefined };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8021' },
      host: { type: 'string', default: '127.0.0.1' },
      password: { type: 'string', default: 'ClueCon' },
      phones: { type: 'string', default: '8000:Dispatch,1001:Tunnel_A,1002:Tunnel_B' },
      recordings: { type: 'string' },
      'heartbeat-ms': { type: 'string', default: '20000' },
    },
  });
  const emu = new FreeSwitchEmulator({
    password: values.password, host: values.host, port: Number(values.port), heartbeatMs: Number(values['heartbeat-ms']),
    phones: parsePhones(values.phones), recordingsDir: values.recordings,
  });
  const { port } = await emu.start();
  console.log(`FreeSWITCH emulator: event socket on ${values.host}:${port}, phones ${emu.phones().map((p) => p.number).join(', ')}`);
  const stop = (): void => void emu.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
