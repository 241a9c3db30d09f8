// The power notices of each modem family, as their manuals print them
// (sources in hardware/src/serial/gsm/power-notices.ts), and lines that look
// alike but are not notices.
import t from 'tap';
import { readPowerNotice } from '../src/serial/gsm/power-notices.js';
import { classifyUrc } from '../src/serial/at/urc.js';

const cases: Array<[string, string, ReturnType<typeof readPowerNotice>]> = [
  // SIM800 Series AT Command Manual V1.10, URC summary.
  ['SIM800', 'NORMAL POWER DOWN', { kind: 'off', cause: 'normal' }],
  ['SIM800', 'UNDER-VOLTAGE POWER DOWN', { kind: 'off', cause: 'under-voltage' }],
  ['SIM800', 'OVER-VOLTAGE POWER DOWN', { kind: 'off', cause: 'over-voltage' }],
  ['SIM800', 'UNDER-VOLTAGE WARNNING', { kind: 'warning', cause: 'under-voltage' }],
  ['SIM800', 'OVER-VOLTAGE WARNNING', { kind: 'warning', cause: 'over-voltage' }],
  // SIM800C Hardware Design V1.02 §4.2.2.2–4: "POWER OFF" wording, temperature.
  ['SIM800C', 'NORMAL POWER OFF', { kind: 'off', cause: 'normal' }],
  ['SIM800C', 'UNDER-VOLTAGE POWER OFF', { kind: 'off', cause: 'under-voltage' }],
  ['SIM800C', '+CMTE: 1', { kind: 'warning', cause: 'over-temperature' }],
  ['SIM800C', '+CMTE:-1', { kind: 'warning', cause: 'under-temperature' }],
  ['SIM800C', '+CMTE: 2', { kind: 'off', cause: 'over-temperature' }],
  ['SIM800C', '+CMTE:-2', { kind: 'off', cause: 'under-temperature' }],
  // Quectel EC25&EC21 AT Commands Manual V1.3: AT+QPOWD, +QIND "vbatt".
  ['EC25', 'POWERED DOWN', { kind: 'off', cause: 'normal' }],
  ['EC25', '+QIND: "vbatt",-2', { kind: 'off', cause: 'under-voltage' }],
  ['EC25', '+QIND: "vbatt",-1', { kind: 'warning', cause: 'under-voltage' }],
  ['EC25', '+QIND: "vbatt",1', { kind: 'warning', cause: 'over-voltage' }],
  ['EC25', '+QIND: "vbatt",2', { kind: 'off', cause: 'over-voltage' }],
  // Quectel M50 / GC10 Hardware Design §3.4.2.3: underscores.
  ['M50', 'UNDER_VOLTAGE WARNING', { kind: 'warning', cause: 'under-voltage' }],
  ['M50', 'OVER_VOLTAGE POWER DOWN', { kind: 'off', cause: 'over-voltage' }],
  // Not notices.
  ['EC25', '+QIND: "vbatt",0', undefined],
  ['EC25', '+QIND: PB DONE', undefined],
  ['EC25', '+QIND: "csq",20,99', undefined],
  ['any', 'POWER DOWN SOON', undefined],
  ['any', 'RDY', undefined],
];

t.test('each family\'s power, voltage and temperature notices', async (t) => {
  for (const [family, line, want] of cases) t.same(readPowerNotice(line), want, `${family}: ${line}`);
});

t.test('every notice line is a URC, also while a command is in flight', async (t) => {
  for (const [family, line, want] of cases) {
    if (!want) continue;
    t.ok(classifyUrc(line, { command: 'AT+CSQ', prefix: '+CSQ:' }), `${family}: ${line}`);
    t.ok(classifyUrc(line), `${family}: ${line} (idle)`);
  }
  t.notOk(classifyUrc('+CMTE: 0,25', { command: 'AT+CMTE?' }), 'the read response of AT+CMTE? is not a URC');
});
