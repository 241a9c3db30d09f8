// Builds events with FreeSWITCH's header layout: common block, event headers,
// channel block, variables, trailing event headers (see capture-data.ts).
import { COMMON_HEADERS, EVENT_LAYOUTS } from './capture-data.js';
import { channelHeaders, variableHeaders, type Channel } from './channel.js';
import type { Headers, WireEvent } from './wire.js';

export interface EmittedEvent extends WireEvent {
  name: string;
  subclass?: string;
  /** Decoded header values by name, for filters and subscriptions. */
  get(header: string): string | undefined;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-11-24 21:18:28" in local time, as Event-Date-Local. */
export function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Microseconds since the epoch (FreeSWITCH's switch_micro_time_now). */
export function nowUs(): number {
  return Date.now() * 1000 + Math.floor((performance.now() % 1) * 1000);
}

export class EventFactory {
  private sequence = 1;

  constructor(
    public coreUuid: string,
    readonly hostname: string,
    readonly ipv4 = '127.0.0.1',
    readonly ipv6 = '::1',
  ) {}

  /**
   * extra: the event's own headers by name; they are placed where the layout
   * puts them (pre, post). A name the layout does not list goes after post.
   */
  /**
   * layout: a variant's key in EVENT_LAYOUTS when one event name has several
   * shapes (PRESENCE_IN of a registration, a conference action); otherwise
   * `CUSTOM <subclass>`, then the event name.
   */
  make(name: string, opts: { channel?: Channel; extra?: Record<string, string | undefined>; body?: string; subclass?: string; layout?: string } = {}): EmittedEvent {
    const layout = (opts.layout ? EVENT_LAYOUTS[opts.layout] : undefined) ?? (opts.subclass ? EVENT_LAYOUTS[`CUSTOM ${opts.subclass}`] : undefined) ?? EVENT_LAYOUTS[opts.subclass ? 'CUSTOM' : name] ?? { calling: ['switch_event.c', 'switch_event_fire_detailed', 0] as const };
    const us = nowUs();
    const d = new Date(Math.floor(us / 1000));
    const common: Record<(typeof COMMON_HEADERS)[number], string> = {
      'Event-Name': name,
      'Core-UUID': this.coreUuid,
      'FreeSWITCH-Hostname': this.hostname,
      'FreeSWITCH-Switchname': this.hostname,
      'FreeSWITCH-IPv4': this.ipv4,
      'FreeSWITCH-IPv6': this.ipv6,
      'Event-Date-Local': localStamp(d),
      'Event-Date-GMT': d.toUTCString(),
      'Event-Date-Timestamp': String(us),
      'Event-Calling-File': layout.calling[0],
      'Event-Calling-Function': layout.calling[1],
      'Event-Calling-Line-Number': String(layout.calling[2]),
      'Event-Sequence': String(this.sequence++),
    };
    const headers: Headers = [];
    // A CUSTOM event carries its subclass before everything else.
    if (opts.subclass) headers.push(['Event-Subclass', opts.subclass]);
    for (const h of COMMON_HEADERS) headers.push([h, common[h]]);
    const extra = { ...(opts.extra ?? {}) };
    const take = (list: readonly string[] | undefined): void => {
      for (const h of list ?? []) {
        const v = extra[h];
        delete extra[h];
        if (v !== undefined) headers.push([h, v]);
      }
    };
    take(layout.pre);
    if (layout.channel && opts.channel) {
      headers.push(...channelHeaders(opts.channel));
      if (layout.vars) headers.push(...variableHeaders(opts.channel));
    }
    take(layout.post);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) headers.push([k, v]);
    const map = new Map(headers);
    return { name, subclass: opts.subclass, headers, body: opts.body, get: (h) => map.get(h) };
  }
}
