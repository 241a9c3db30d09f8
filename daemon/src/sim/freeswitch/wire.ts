// Byte-level framing of mod_event_socket, as the captures show it.
// Outer headers are plain "Name: value\n" lines ended by "\n"; Content-Length
// counts bytes. Event headers inside text/event-plain are URL-encoded.
import { DISCONNECT_NOTICE } from './capture-data.js';

/**
 * URL-encoding of event-plain header values. Derived from the captures: the
 * characters that appear unencoded there are letters, digits and ' * + , - . / _ ~;
 * everything else (space, :, @, =, ;, <, >, ", {, }, |, &, CR, LF…) is sent as
 * %XX (upper case, per UTF-8 byte). Characters the captures do not show (e.g.
 * "!", "(", ")") are encoded too; a decoder accepts both.
 */
export function eslUrlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9'*+,\-./_~]/.test(c)) out += c;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export type Headers = Array<[string, string]>;

function head(headers: Headers): string {
  return headers.map(([k, v]) => `${k}: ${v}\n`).join('') + '\n';
}

/** A frame with outer headers and an optional body (Content-Length added first when there is one). */
export function frame(headers: Headers, body?: string): Buffer {
  if (body === undefined) return Buffer.from(head(headers), 'utf8');
  const b = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(head(headers), 'utf8'), b]);
}

export const authRequest = (): Buffer => frame([['Content-Type', 'auth/request']]);

export const commandReply = (text: string, extra: Headers = []): Buffer =>
  frame([['Content-Type', 'command/reply'], ['Reply-Text', text], ...extra]);

export function apiResponse(body: string): Buffer {
  return frame([['Content-Type', 'api/response'], ['Content-Length', String(Buffer.byteLength(body))]], body);
}

export function disconnectNotice(): Buffer {
  return frame([['Content-Type', 'text/disconnect-notice'], ['Content-Length', String(Buffer.byteLength(DISCONNECT_NOTICE))]], DISCONNECT_NOTICE);
}

/** An event's headers (ordered) and optional body. */
export interface WireEvent {
  headers: Headers;
  body?: string;
}

/** text/event-plain: URL-encoded header lines, blank line, then for a body "Content-Length: n\n\n<body>". */
export function eventPlain(e: WireEvent): Buffer {
  let text = e.headers.map(([k, v]) => `${k}: ${eslUrlEncode(v)}\n`).join('');
  if (e.body !== undefined) text += `Content-Length: ${Buffer.byteLength(e.body)}\n\n${e.body}`;
  else text += '\n';
  const b = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\nContent-Type: text/event-plain\n\n`), b]);
}

/** text/event-json: one JSON object, header order kept, body (if any) as Content-Length + _body. */
export function eventJson(e: WireEvent): Buffer {
  const obj: Record<string, string> = {};
  for (const [k, v] of e.headers) obj[k] = v;
  if (e.body !== undefined) {
    obj['Content-Length'] = String(Buffer.byteLength(e.body));
    obj['_body'] = e.body;
  }
  const b = Buffer.from(JSON.stringify(obj), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\nContent-Type: text/event-json\n\n`), b]);
}
