// The line-card management protocol: pure encode/decode, no I/O.
// The wire format is specified in hardware/README.md ("Line-card management
// protocol (serial)"); in short:
//
//   $<seq> <REQUEST> [args]*HH\r\n        host → card
//   $<seq> OK <WHAT> [fields]*HH\r\n      card → host, answers the request with the same seq
//   $<seq> ERR <CODE> [text]*HH\r\n       card → host, the request failed
//   !<EVENT> [fields]*HH\r\n              card → host, unsolicited
//
// HH is the NMEA 0183 checksum: the XOR of every byte between the start
// character and '*', as two hex digits. '$', '!' and '*' never occur inside a
// body, which is what lets a receiver resynchronise on the start character
// after line noise (line-splitter.ts).
//
// parseLine never throws: anything that is not a well-formed message is a
// value `{ kind: 'invalid', error, reason }`, and a well-formed line with a
// verb this version does not know is `{ kind: 'unknown' }` (a newer firmware's
// extension, ignored by the driver rather than treated as garbage).

export const REQUEST_START = '$';
export const EVENT_START = '!';
/** Longest line either side may send, CR LF included (INV? of a 32-port card is ~140). */
export const MAX_LINE = 160;
export const MAX_PORTS = 32;
/** Sequence tags run 1..MAX_SEQ and wrap; 0 is valid on the wire but the driver never uses it. */
export const MAX_SEQ = 999;

export type PortKind = 'FXS' | 'FXO';
/** FXS (feeds a phone): the SLIC's view of the loop. */
export type FxsHook = 'on-hook' | 'off-hook' | 'ringing';
/** FXO (connects to an exchange line): the DAA's view of the line. */
export type FxoLine = 'idle' | 'ringing' | 'in-use' | 'no-line';

export type PortReport =
  | { port: number; kind: 'FXS'; hook: FxsHook; /** Loop battery (−48 V feed) present. */ battery: boolean }
  | { port: number; kind: 'FXO'; line: FxoLine; /** Tip-ring voltage, signed (polarity reversal is negative). */ volts: number };

export type Request =
  | { cmd: 'ID' }
  | { cmd: 'INV' }
  | { cmd: 'STATE'; port: number }
  | { cmd: 'RESET-PORT'; port: number }
  | { cmd: 'RESET-CARD' }
  | { cmd: 'PING' };

export interface CardIdentity {
  model: string;
  firmware: string;
  ports: number;
}

export type Reply =
  | ({ what: 'ID' } & CardIdentity)
  | { what: 'INV'; kinds: PortKind[] }
  | { what: 'STATE'; state: PortReport }
  | { what: 'RESET-PORT'; port: number }
  | { what: 'RESET-CARD' }
  | { what: 'PONG'; uptimeS: number };

/** Why the card (re)booted: POWER, WDT (its watchdog), CMD (our RESET), or what a newer firmware says. */
export type CardEvent = { what: 'PORT'; state: PortReport } | ({ what: 'BOOT'; cause: string } & CardIdentity);

export type InvalidError = 'framing' | 'checksum' | 'syntax';

export type Message =
  | { kind: 'request'; seq: number; request: Request }
  | { kind: 'reply'; seq: number; reply: Reply }
  | { kind: 'error'; seq: number; code: string; text: string }
  | { kind: 'event'; event: CardEvent }
  /** Checksum and framing fine, verb not known to this version. */
  | { kind: 'unknown'; start: '$' | '!'; seq?: number; verb: string; line: string }
  /**
   * Not a message. `start` is the start character when there was one (a '!'
   * line with a bad checksum may have been a lost event); `seq` only when the
   * checksum was good, so it can be trusted.
   */
  | { kind: 'invalid'; error: InvalidError; reason: string; start?: '$' | '!'; seq?: number; line: string };

// ---------------------------------------------------------------- checksum

/** NMEA 0183 checksum: XOR of the bytes of `body` (the text between the start character and '*'). */
export function checksum(body: string): number {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i) & 0xff;
  return x;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** A whole line: start character, body, '*', checksum, CR LF. */
export function frame(start: '$' | '!', body: string): string {
  return `${start}${body}*${hex2(checksum(body))}\r\n`;
}

// ---------------------------------------------------------------- encoding

const FXS_WIRE: Record<FxsHook, string> = { 'on-hook': 'ONHOOK', 'off-hook': 'OFFHOOK', ringing: 'RINGING' };
const FXO_WIRE: Record<FxoLine, string> = { idle: 'IDLE', ringing: 'RINGING', 'in-use': 'INUSE', 'no-line': 'NOLINE' };

export function requestBody(req: Request): string {
  switch (req.cmd) {
    case 'ID':
      return 'ID?';
    case 'INV':
      return 'INV?';
    case 'STATE':
      return `STATE? ${req.port}`;
    case 'RESET-PORT':
      return `RESET ${req.port}`;
    case 'RESET-CARD':
      return 'RESET';
    case 'PING':
      return 'PING';
  }
}

export function encodeRequest(seq: number, req: Request): string {
  return frame('$', `${seq} ${requestBody(req)}`);
}

/** Volts on the wire: one decimal, "-0.0" written as "0.0". */
export function formatVolts(v: number): string {
  const s = (Math.round(v * 10) / 10).toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

export function reportFields(r: PortReport): string {
  return r.kind === 'FXS'
    ? `${r.port} FXS ${FXS_WIRE[r.hook]} ${r.battery ? 'BAT' : 'NOBAT'}`
    : `${r.port} FXO ${FXO_WIRE[r.line]} ${formatVolts(r.volts)}`;
}

export function replyBody(reply: Reply): string {
  switch (reply.what) {
    case 'ID':
      return `ID ${reply.model} ${reply.firmware} ${reply.ports}`;
    case 'INV':
      return `INV ${reply.kinds.join(' ')}`;
    case 'STATE':
      return `STATE ${reportFields(reply.state)}`;
    case 'RESET-PORT':
      return `RESET ${reply.port}`;
    case 'RESET-CARD':
      return 'RESET';
    case 'PONG':
      return `PONG ${reply.uptimeS}`;
  }
}

export function encodeReply(seq: number, reply: Reply): string {
  return frame('$', `${seq} OK ${replyBody(reply)}`);
}

export function encodeError(seq: number, code: string, text: string): string {
  return frame('$', text ? `${seq} ERR ${code} ${sanitize(text)}` : `${seq} ERR ${code}`);
}

export function encodeEvent(ev: CardEvent): string {
  return frame(
    '!',
    ev.what === 'PORT' ? `PORT ${reportFields(ev.state)}` : `BOOT ${ev.model} ${ev.firmware} ${ev.ports} ${ev.cause}`,
  );
}

/** Free text may not carry the framing characters or control bytes. */
function sanitize(text: string): string {
  return text.replace(/[$!*]|[^\x20-\x7e]/g, '?');
}

// ---------------------------------------------------------------- decoding

const SEQ = /^\d{1,3}$/;
const PORT = /^[1-9]\d?$/;
const VOLTS = /^-?\d{1,3}(\.\d{1,2})?$/;
const TOKEN = /^[A-Za-z0-9._+-]{1,24}$/;
const CODE = /^[A-Z][A-Z0-9_]{0,15}$/;
const UINT = /^\d{1,10}$/;

const FXS_FROM = invert(FXS_WIRE);
const FXO_FROM = invert(FXO_WIRE);

function invert<K extends string>(m: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));
}

/** Thrown only inside this module; parseLine turns it into an invalid value. */
class Syntax extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

function port(tok: string | undefined): number {
  if (tok === undefined || !PORT.test(tok) || Number(tok) > MAX_PORTS) throw new Syntax(`bad port number "${tok ?? ''}"`);
  return Number(tok);
}

function count(tokens: string[], n: number, what: string): void {
  if (tokens.length !== n) throw new Syntax(`${what}: ${n} fields expected, got ${tokens.length}`);
}

function ident(tokens: string[], what: string): CardIdentity {
  const [model = '', firmware = '', ports = ''] = tokens;
  if (!TOKEN.test(model)) throw new Syntax(`${what}: bad model "${model}"`);
  if (!TOKEN.test(firmware)) throw new Syntax(`${what}: bad firmware version "${firmware}"`);
  if (!PORT.test(ports) || Number(ports) > MAX_PORTS) throw new Syntax(`${what}: bad port count "${ports}"`);
  return { model, firmware, ports: Number(ports) };
}

/** `<port> FXS <hook> <BAT|NOBAT>` or `<port> FXO <line> <volts>`. */
function report(tokens: string[], what: string): PortReport {
  count(tokens, 4, what);
  const [p, kind, st = '', last = ''] = tokens;
  const n = port(p);
  if (kind === 'FXS') {
    const hook = FXS_FROM.get(st);
    if (!hook) throw new Syntax(`${what}: bad FXS state "${st}"`);
    if (last !== 'BAT' && last !== 'NOBAT') throw new Syntax(`${what}: bad battery field "${last}"`);
    return { port: n, kind, hook, battery: last === 'BAT' };
  }
  if (kind === 'FXO') {
    const line = FXO_FROM.get(st);
    if (!line) throw new Syntax(`${what}: bad FXO state "${st}"`);
    if (!VOLTS.test(last)) throw new Syntax(`${what}: bad voltage "${last}"`);
    return { port: n, kind, line, volts: Number(last) === 0 ? 0 : Number(last) };
  }
  throw new Syntax(`${what}: bad port kind "${kind ?? ''}"`);
}

function parseRequest(seq: number, verb: string, args: string[], line: string): Message {
  const req = ((): Request | undefined => {
    switch (verb) {
      case 'ID?':
        count(args, 0, verb);
        return { cmd: 'ID' };
      case 'INV?':
        count(args, 0, verb);
        return { cmd: 'INV' };
      case 'STATE?':
        count(args, 1, verb);
        return { cmd: 'STATE', port: port(args[0]) };
      case 'RESET':
        if (args.length === 0) return { cmd: 'RESET-CARD' };
        count(args, 1, verb);
        return { cmd: 'RESET-PORT', port: port(args[0]) };
      case 'PING':
        count(args, 0, verb);
        return { cmd: 'PING' };
      default:
        return undefined;
    }
  })();
  return req ? { kind: 'request', seq, request: req } : { kind: 'unknown', start: '$', seq, verb, line };
}

function parseReply(seq: number, what: string, f: string[], line: string): Message {
  const reply = ((): Reply | undefined => {
    switch (what) {
      case 'ID':
        count(f, 3, 'OK ID');
        return { what, ...ident(f, 'OK ID') };
      case 'INV':
        if (f.length < 1 || f.length > MAX_PORTS) throw new Syntax(`OK INV: 1..${MAX_PORTS} port kinds expected, got ${f.length}`);
        for (const k of f) if (k !== 'FXS' && k !== 'FXO') throw new Syntax(`OK INV: bad port kind "${k}"`);
        return { what, kinds: f as PortKind[] };
      case 'STATE':
        return { what, state: report(f, 'OK STATE') };
      case 'RESET':
        if (f.length === 0) return { what: 'RESET-CARD' };
        count(f, 1, 'OK RESET');
        return { what: 'RESET-PORT', port: port(f[0]) };
      case 'PONG': {
        count(f, 1, 'OK PONG');
        const up = f[0] ?? '';
        if (!UINT.test(up)) throw new Syntax(`OK PONG: bad uptime "${up}"`);
        return { what, uptimeS: Number(up) };
      }
      default:
        return undefined;
    }
  })();
  return reply ? { kind: 'reply', seq, reply } : { kind: 'unknown', start: '$', seq, verb: `OK ${what}`, line };
}

function parseEvent(verb: string, f: string[], line: string): Message {
  switch (verb) {
    case 'PORT':
      return { kind: 'event', event: { what: 'PORT', state: report(f, 'PORT') } };
    case 'BOOT': {
      count(f, 4, 'BOOT');
      const cause = f[3] ?? '';
      if (!TOKEN.test(cause)) throw new Syntax(`BOOT: bad cause "${cause}"`);
      return { kind: 'event', event: { what: 'BOOT', cause, ...ident(f, 'BOOT') } };
    }
    default:
      return { kind: 'unknown', start: '!', verb, line };
  }
}

/**
 * Decode one line (without its line terminator; a trailing CR is allowed).
 * The line must begin with its start character; line-splitter.ts strips
 * noise before it.
 */
export function parseLine(raw: string): Message {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const invalid = (error: InvalidError, reason: string, extra: { start?: '$' | '!'; seq?: number } = {}): Message => ({
    kind: 'invalid',
    error,
    reason,
    line,
    ...extra,
  });
  if (line.length + 2 > MAX_LINE) return invalid('framing', `line too long (${line.length} characters)`);
  const s = line[0];
  if (s !== '$' && s !== '!') return invalid('framing', line.length === 0 ? 'empty line' : 'no start character');
  const star = line.lastIndexOf('*');
  if (star < 0) return invalid('framing', 'no checksum (truncated line?)', { start: s });
  const hh = line.slice(star + 1);
  if (!/^[0-9A-Fa-f]{2}$/.test(hh)) return invalid('framing', `bad checksum field "${hh}"`, { start: s });
  const body = line.slice(1, star);
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x24 || c === 0x21 || c === 0x2a) {
      return invalid('framing', `bad character 0x${hex2(c)} at column ${i + 2}`, { start: s });
    }
  }
  const want = checksum(body);
  if (parseInt(hh, 16) !== want) return invalid('checksum', `checksum mismatch: line says ${hh.toUpperCase()}, computed ${hex2(want)}`, { start: s });

  const tokens = body.split(' ');
  if (tokens.some((x) => x === '')) return invalid('syntax', 'empty field (double, leading or trailing space)', { start: s });
  let seq: number | undefined;
  try {
    if (s === '!') {
      const [verb = '', ...f] = tokens;
      return parseEvent(verb, f, line);
    }
    const [seqTok = '', verb = '', ...rest] = tokens;
    if (!SEQ.test(seqTok)) return invalid('syntax', `bad sequence tag "${seqTok}"`, { start: s });
    seq = Number(seqTok);
    if (verb === '') return invalid('syntax', 'no command', { start: s, seq });
    if (verb === 'OK') {
      const [what = '', ...f] = rest;
      if (what === '') return invalid('syntax', 'OK without a reply type', { start: s, seq });
      return parseReply(seq, what, f, line);
    }
    if (verb === 'ERR') {
      const code = rest[0] ?? '';
      if (!CODE.test(code)) return invalid('syntax', `ERR: bad error code "${code}"`, { start: s, seq });
      return { kind: 'error', seq, code, text: rest.slice(1).join(' ') };
    }
    return parseRequest(seq, verb, rest, line);
  } catch (err) {
    if (err instanceof Syntax) return invalid('syntax', err.reason, seq === undefined ? { start: s } : { start: s, seq });
    return invalid('syntax', `parser error: ${String(err)}`, { start: s });
  }
}
