// A pcap file of RTP that sipp plays into a call (play_pcap_audio): one
// packet of PCMU silence at once, then a DTMF key as RFC 4733 (RFC 2833)
// telephone-events `delayMs` later — the way a phone sends a key press:
// event packets every 20 ms with a growing duration, the first with the
// marker bit, the last repeated three times with the end bit. Payload type
// 101, as FreeSWITCH offers telephone-event/8000 (rfc2833-pt 101).
//
// Why a file per delay instead of a pause in the scenario: sipp cannot wait
// for a BYE while it pauses (a BYE during a pause aborts the call without
// running its actions), and play_pcap_audio plays in the background with the
// pcap's own timing, so the scenario can wait for the BYE at once.
import { writeFileSync } from 'node:fs';

const PT_PCMU = 0;
const PT_EVENT = 101;
const EVENTS: Record<string, number> = { '0': 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7, '8': 8, '9': 9, '*': 10, '#': 11 };

function ipv4Udp(payload: Buffer): Buffer {
  // Ethernet II, IPv4 127.0.0.1 → 127.0.0.1, UDP 6000 → 6000 (sipp rewrites addresses and ports).
  const eth = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]);
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip.writeUInt8(64, 8);
  ip.writeUInt8(17, 9);
  ip.writeUInt32BE(0x7f000001, 12);
  ip.writeUInt32BE(0x7f000001, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6000, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([eth, ip, udp, payload]);
}

function rtp(pt: number, marker: boolean, seq: number, ts: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt8(0x80, 0);
  h.writeUInt8((marker ? 0x80 : 0) | pt, 1);
  h.writeUInt16BE(seq & 0xffff, 2);
  h.writeUInt32BE(ts >>> 0, 4);
  h.writeUInt32BE(0x43504b31, 8); // SSRC "CPK1"
  return Buffer.concat([h, payload]);
}

export function writeDtmfPcap(path: string, o: { digit: string; delayMs: number }): void {
  const event = EVENTS[o.digit];
  if (event === undefined) throw new Error(`no RFC 2833 event for key ${JSON.stringify(o.digit)}`);
  const packets: Array<{ atMs: number; data: Buffer }> = [];
  let seq = 1000;
  packets.push({ atMs: 0, data: rtp(PT_PCMU, true, seq++, 0, Buffer.alloc(160, 0xff)) });
  const ts = 160 + Math.round(o.delayMs * 8);
  const at = Math.max(20, o.delayMs);
  for (let k = 0; k < 7; k++) packets.push({ atMs: at + k * 20, data: rtp(PT_EVENT, k === 0, seq++, ts, Buffer.from([event, 0x0a, (k * 320) >> 8, (k * 320) & 0xff])) });
  for (let k = 0; k < 3; k++) packets.push({ atMs: at + 140 + k * 20, data: rtp(PT_EVENT, false, seq++, ts, Buffer.from([event, 0x8a, 2240 >> 8, 2240 & 0xff])) });
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const records = packets.map((p) => {
    const frame = ipv4Udp(p.data);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + Math.floor(p.atMs / 1000), 0);
    rec.writeUInt32LE((p.atMs % 1000) * 1000, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    return Buffer.concat([rec, frame]);
  });
  writeFileSync(path, Buffer.concat([global, ...records]));
}
