// The SMS commands of the simulated modem, 3GPP TS 27.005 in PDU mode
// (+CMGF=0): +CMGF, +CSMS, +CSMP, +CSCA, +CNMI, +CPMS, +CMGS (the prompt; the
// PDU itself is taken by gsm-modem-sim.ts), +CMGR, +CMGL, +CMGD. One memory,
// "SM", stands for every storage name the host may select.
import { cmsError, ERROR, ok, simBlockCms, type ModemActions, type ModemState, type Reply } from './gsm-modem-sim-state.js';

export function smsCommand(s: ModemState, act: ModemActions, name: string, op: string, args: string[]): Reply {
  const a0 = args[0] ?? '';
  switch (name) {
    case 'CMGF':
      if (op === 'read') return ok(`+CMGF: ${s.cmgf}`);
      if (op === 'set' && /^[01]$/.test(a0)) {
        s.cmgf = Number(a0) as 0 | 1;
        return ok();
      }
      return op === 'test' ? ok('+CMGF: (0,1)') : cmsError(s, 302);
    case 'CSMS':
      return op === 'read' ? ok('+CSMS: 0,1,1,1') : ok('+CSMS: 1,1,1');
    case 'CSMP':
      return ok();
    case 'CSCA':
      return simBlockCms(s) ?? (op === 'read' ? ok(`+CSCA: "${s.smsc}",145`) : ok());
    case 'CNMI': {
      if (op === 'read') return ok(`+CNMI: ${s.cnmi.join(',')}`);
      if (op === 'test') return ok('+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)');
      const v = args.map((x) => (x === '' ? 0 : Number(x)));
      if (op !== 'set' || v.some((x) => !Number.isInteger(x) || x < 0 || x > 3)) return cmsError(s, 302);
      s.cnmi = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, v[3] ?? 0, v[4] ?? 0];
      return ok();
    }
    case 'CPMS': {
      const blocked = simBlockCms(s);
      if (blocked) return blocked;
      const used = s.slots.filter(Boolean).length;
      const total = s.slots.length;
      if (op === 'read') return ok(`+CPMS: "SM",${used},${total},"SM",${used},${total},"SM",${used},${total}`);
      if (op === 'test') return ok('+CPMS: ("SM","ME","MT"),("SM","ME","MT"),("SM","ME","MT")');
      if (args.some((m) => !['SM', 'ME', 'MT', 'SR'].includes(m.toUpperCase()))) return cmsError(s, 302);
      return ok(`+CPMS: ${used},${total},${used},${total},${used},${total}`);
    }
    case 'CMGS': {
      const blocked = simBlockCms(s);
      if (blocked) return blocked;
      if (s.cmgf !== 0) return cmsError(s, 303); // text mode is not simulated
      const len = Number(a0);
      if (op !== 'set' || !Number.isInteger(len) || len < 7 || len > 164) return cmsError(s, 304);
      return { prompt: len };
    }
    case 'CMGR': {
      const blocked = simBlockCms(s);
      if (blocked) return blocked;
      if (s.cmgf !== 0) return cmsError(s, 303);
      const i = Number(a0);
      if (op !== 'set' || !Number.isInteger(i) || i < 1 || i > s.slots.length) return cmsError(s, 321);
      const slot = s.slots[i - 1];
      if (!slot) return ok(); // an empty slot answers OK without data (SIM800, EC25)
      const lines = [`+CMGR: ${slot.stat},,${slot.length}`, slot.hex];
      if (slot.stat === 0) slot.stat = 1;
      return ok(...lines);
    }
    case 'CMGL': {
      const blocked = simBlockCms(s);
      if (blocked) return blocked;
      if (op === 'test') return ok('+CMGL: (0-4)');
      const want = op === 'set' ? Number(a0) : 0;
      if (s.cmgf !== 0 || !Number.isInteger(want) || want < 0 || want > 4) return cmsError(s, 302);
      const lines: string[] = [];
      s.slots.forEach((slot, idx) => {
        if (!slot || (want !== 4 && slot.stat !== want)) return;
        lines.push(`+CMGL: ${idx + 1},${slot.stat},,${slot.length}`, slot.hex);
        if (slot.stat === 0) slot.stat = 1;
      });
      return ok(...lines);
    }
    case 'CMGD': {
      const blocked = simBlockCms(s);
      if (blocked) return blocked;
      const i = Number(a0);
      const flag = Number(args[1] ?? '0');
      if (op !== 'set' || !Number.isInteger(i) || i < 0 || i > s.slots.length) return cmsError(s, 321);
      const gone: number[] = [];
      if (flag === 0 && i > 0) {
        if (s.slots[i - 1]) gone.push(i);
      } else if (flag >= 1 && flag <= 4)
        // 1 read, 2 read+sent, 3 read+sent+unsent, 4 all.
        s.slots.forEach((slot, idx) => {
          if (slot && (flag === 4 || slot.stat === 1 || (flag >= 2 && slot.stat === 3) || (flag >= 3 && slot.stat === 2))) gone.push(idx + 1);
        });
      else return cmsError(s, 321);
      for (const g of gone) s.slots[g - 1] = undefined;
      if (gone.length) act.deleted(gone);
      return ok();
    }
    default:
      return ERROR;
  }
}
