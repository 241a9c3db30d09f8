// The command side of the simulated GSM modem: its state and one handler per
// AT command, answering as a SIM800 / SIM7600 / Quectel EC2x does (3GPP TS
// 27.007 for the general and call commands, TS 27.005 for SMS in PDU mode).
// The I/O (echo, prompts, quirks, URCs) is in gsm-modem-sim-wire.ts, the SMS
// commands in gsm-modem-sim-sms.ts.
import { smsCommand } from './gsm-modem-sim-sms.js';
import { cmeError, ERROR, iccidBlock, isRegistered, ok, regLine, simBlockCme, splitArgs, type CallState, type ModemActions, type ModemState, type Reply } from './gsm-modem-sim-state.js';

export * from './gsm-modem-sim-state.js';

/**
 * Split the body of a command line (after "AT") into its commands: basic ones
 * run together ("E0V1"), extended ones separated by ";" ("+CMGF=0;+CNMI=2,1"),
 * and D, which takes the rest of the line (V.250 §5.2.1).
 */
export function splitCommandLine(body: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i] ?? '';
    if (c === ';' || c === ' ') {
      i++;
    } else if (c === '+') {
      let j = i + 1;
      let quoted = false;
      while (j < body.length && (quoted || body[j] !== ';')) {
        if (body[j] === '"') quoted = !quoted;
        j++;
      }
      out.push(body.slice(i, j));
      i = j;
    } else if (c === 'D' || c === 'd') {
      out.push(body.slice(i));
      break;
    } else {
      const m = /^&?[A-Za-z]\d*/.exec(body.slice(i));
      if (!m) {
        out.push(body.slice(i));
        break;
      }
      out.push(m[0]);
      i += m[0].length;
    }
  }
  return out;
}

/** One basic or extended command (no "AT" prefix): "E0", "D+86…;", "+CSQ", "+CPIN=\"1234\"". */
export function runCommand(s: ModemState, act: ModemActions, cmd: string): Reply {
  const upper = cmd.toUpperCase();
  if (upper === '') return ok();
  if (/^E[01]?$/.test(upper)) {
    s.echo = upper === 'E1';
    return ok();
  }
  if (upper === 'Z' || upper === '&F' || upper === '&W' || /^V1$/.test(upper)) return ok();
  if (upper === 'I') return ok(s.model === 'sim800' ? 'SIM800 R14.18' : s.model === 'ec25' ? 'Quectel\r\nEC25\r\nRevision: EC25EFAR06A06M4G' : 'SIMCOM_SIM7600E-H');
  if (upper.startsWith('D')) return dial(s, act, cmd.slice(1));
  if (upper === 'H' || upper === 'H0') {
    act.hangup();
    return ok();
  }
  if (upper === 'A') {
    if (s.call?.dir !== 'in' || s.call.state !== 'ringing') return { lines: [], final: 'NO CARRIER' };
    act.answer();
    return ok();
  }
  const m = /^\+([A-Z]+)(\?|=\?|=.*)?$/.exec(upper);
  if (!m) return ERROR;
  const name = m[1] ?? '';
  const op = m[2] === undefined ? 'exec' : m[2] === '?' ? 'read' : m[2] === '=?' ? 'test' : 'set';
  // Keep the case of arguments (PINs are digits, but USSD and numbers are as typed).
  const args = op === 'set' ? splitArgs(cmd.slice(cmd.indexOf('=') + 1)) : [];
  return extended(s, act, name, op, args);
}

function extended(s: ModemState, act: ModemActions, name: string, op: 'exec' | 'read' | 'test' | 'set', args: string[]): Reply {
  const a0 = args[0] ?? '';
  switch (name) {
    case 'CMEE':
      if (op === 'read') return ok(`+CMEE: ${s.cmee}`);
      if (op === 'set' && /^[012]$/.test(a0)) {
        s.cmee = Number(a0) as 0 | 1 | 2;
        return ok();
      }
      return op === 'test' ? ok('+CMEE: (0-2)') : cmeError(s, 50);
    case 'CPIN':
      return cpin(s, act, op, args);
    case 'CGMI':
      return ok(s.model === 'ec25' ? 'Quectel' : 'SIMCOM_Ltd');
    case 'CGMM':
      return ok(s.model.toUpperCase());
    case 'CGMR':
      return ok('Revision:1418B05SIM800L24');
    case 'CGSN':
    case 'GSN':
      return ok(s.imei);
    case 'CIMI': {
      return simBlockCme(s) ?? ok(s.imsi);
    }
    case 'CCID':
      if (s.model !== 'sim800') return ERROR;
      return iccidBlock(s) ?? ok(s.iccid);
    case 'QCCID':
      if (s.model !== 'ec25') return ERROR;
      return iccidBlock(s) ?? ok(`+QCCID: ${s.iccid}`);
    case 'ICCID':
    case 'CICCID':
      if (s.model !== 'sim7600') return ERROR;
      return iccidBlock(s) ?? ok(`+ICCID: ${s.iccid}`);
    case 'CSQ':
      return op === 'test' ? ok('+CSQ: (0-31,99),(0-7,99)') : ok(`+CSQ: ${s.rssi},${s.ber}`);
    case 'CREG':
    case 'CEREG': {
      if (name === 'CEREG' && s.model === 'sim800') return ERROR; // 2G only: no EPS registration
      if (op === 'read') return ok(regLine(s, name, false));
      if (op === 'set' && /^[0-2]$/.test(a0)) {
        if (name === 'CREG') s.cregN = Number(a0);
        else s.ceregN = Number(a0);
        return ok();
      }
      return op === 'test' ? ok(`+${name}: (0-2)`) : cmeError(s, 50);
    }
    case 'COPS':
      if (op === 'read') return ok(isRegistered(s) ? `+COPS: 0,0,"${s.operator}",${s.model === 'sim800' ? 0 : 7}` : '+COPS: 0');
      if (op === 'test') return ok(`+COPS: (2,"${s.operator}","${s.operator}","46000",${s.model === 'sim800' ? 0 : 7}),,(0-4),(0-2)`);
      return ok();
    case 'CFUN':
      return op === 'read' ? ok('+CFUN: 1') : ok();
    case 'CPAS':
      return ok(`+CPAS: ${s.call?.state === 'ringing' ? 3 : s.call ? 4 : 0}`);
    case 'CLIP':
      if (op === 'read') return ok(`+CLIP: ${s.clip ? 1 : 0},1`);
      if (op === 'set') s.clip = a0 === '1';
      return ok();
    case 'CLCC':
      return ok(...(s.call ? [`+CLCC: 1,${s.call.dir === 'out' ? 0 : 1},${callStat(s.call)},0,0,"${s.call.number}",${s.call.number.startsWith('+') ? 145 : 129}`] : []));
    case 'CSCS':
      if (op === 'read') return ok(`+CSCS: "${s.cscs}"`);
      if (op === 'set' && ['GSM', 'IRA', 'UCS2', 'HEX', 'PCCP936'].includes(a0.toUpperCase())) {
        s.cscs = a0.toUpperCase();
        return ok();
      }
      return op === 'test' ? ok('+CSCS: ("IRA","GSM","UCS2")') : cmeError(s, 50);
    case 'CUSD':
      return cusd(s, act, op, args);
    default:
      return smsCommand(s, act, name, op, args);
  }
}

function callStat(c: CallState): number {
  // 27.007 +CLCC <stat>: 0 active, 2 dialing, 4 incoming.
  return c.state === 'active' ? 0 : c.state === 'dialing' ? 2 : 4;
}

function cpin(s: ModemState, act: ModemActions, op: string, args: string[]): Reply {
  if (op === 'read') {
    if (s.sim === 'absent') return cmeError(s, 10);
    return ok(`+CPIN: ${s.sim === 'ready' ? 'READY' : s.sim === 'pin' ? 'SIM PIN' : 'SIM PUK'}`);
  }
  if (op !== 'set') return op === 'test' ? ok() : cmeError(s, 50);
  const [code = '', newPin] = args;
  switch (s.sim) {
    case 'absent':
      return cmeError(s, 10);
    case 'ready':
      return cmeError(s, 3); // nothing to unlock
    case 'pin':
      if (code === s.pin) {
        s.sim = 'ready';
        s.pinAttempts = 3;
        act.registrationChanged();
        return ok();
      }
      // A wrong PIN costs one of three attempts; the third blocks the SIM (PUK needed).
      s.pinAttempts -= 1;
      if (s.pinAttempts <= 0) s.sim = 'puk';
      return cmeError(s, 16);
    case 'puk':
      if (s.pukAttempts <= 0) return cmeError(s, 13);
      if (code === s.puk && newPin !== undefined && /^\d{4,8}$/.test(newPin)) {
        s.pin = newPin;
        s.sim = 'ready';
        s.pinAttempts = 3;
        s.pukAttempts = 10;
        act.registrationChanged();
        return ok();
      }
      s.pukAttempts -= 1;
      return cmeError(s, 16);
  }
}

function cusd(s: ModemState, act: ModemActions, op: string, args: string[]): Reply {
  if (op === 'read') return ok(`+CUSD: ${s.cusdN}`);
  if (op === 'test') return ok('+CUSD: (0-2)');
  if (op !== 'set') return cmeError(s, 50);
  const [n = '', code, dcs] = args;
  if (!/^[012]$/.test(n)) return cmeError(s, 50);
  if (n === '2') return ok(); // cancel the session
  s.cusdN = Number(n);
  if (code === undefined) return ok();
  if (!/^[0-9*#]+$/.test(code) || (dcs !== undefined && dcs !== '' && dcs !== '15')) return cmeError(s, 50);
  if (!isRegistered(s)) return cmeError(s, 30);
  act.ussd(code);
  return ok();
}

function dial(s: ModemState, act: ModemActions, rest: string): Reply {
  const voice = rest.endsWith(';');
  const number = (voice ? rest.slice(0, -1) : rest).trim();
  if (!/^\+?[0-9*#]+$/.test(number)) return ERROR;
  if (!voice) return { lines: [], final: 'NO CARRIER' }; // data calls are not offered
  if (s.call) return cmeError(s, 3);
  if (!isRegistered(s)) return { lines: [], final: 'NO CARRIER' };
  act.dial(number);
  return ok();
}
