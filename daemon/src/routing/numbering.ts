// The numbering plan: what a dialled or presented number is (local, national,
// mobile, international, premium), its canonical E.164 form for comparisons
// (a list entry written 013800138000 must catch a caller presented as
// +8613800138000), and how each trunk wants it written.
//
// China (the default, country 86) as the Ministry's numbering plan has it:
// the trunk prefix 0 before an area code (2 digits for 10 and 2x, 3 for the
// rest) or before a mobile of another city; mobiles are 11 digits starting
// 13–19; local subscriber numbers are 7–8 digits starting 2–9; 400/800
// numbers are national; short service numbers (10086, 12345, 95588, 114) are
// local calls; 00 starts an international number. Other countries get the
// same structure from numbering.* (without the 2/3-digit area rule).
import type { NumberingConfig } from '../config/schema.js';
import type { CallClass } from '../contracts/values.js';

export type OutsideClass = Extract<CallClass, 'local' | 'national' | 'mobile' | 'international' | 'premium'>;
export type NumberFormat = 'e164' | 'e164-digits' | 'national' | 'dialled';

export interface Classified {
  /** null: not a number that can be called outside. */
  cls: OutsideClass | null;
  /** +<country><nsn>, when the number has one (service numbers and local numbers of an unknown area do not). */
  e164: string | null;
  /** National significant number (without trunk prefix), for national numbers and mobiles. */
  nsn: string | null;
  /** The subscriber part of a number in the local area. */
  subscriber: string | null;
  why: string;
}

const invalid = (why: string): Classified => ({ cls: null, e164: null, nsn: null, subscriber: null, why });

export class NumberingPlan {
  readonly country: string;
  private readonly cfg: NumberingConfig;

  constructor(cfg: NumberingConfig) {
    this.cfg = cfg;
    this.country = cfg.country;
  }

  private isMobile(nsn: string): boolean {
    return nsn.length === this.cfg.mobileLength && this.cfg.mobilePrefixes.some((p) => nsn.startsWith(p));
  }

  /** The subscriber part of a national number: after a 2- or 3-digit area code in China; null elsewhere. */
  private subscriberOf(nsn: string): string | null {
    if (this.cfg.area && nsn.startsWith(this.cfg.area)) return nsn.slice(this.cfg.area.length);
    if (this.country === '86') return nsn.slice(/^[12]/.test(nsn) ? 2 : 3);
    return null;
  }

  private premium(...parts: Array<string | null>): boolean {
    return parts.some((p) => p !== null && this.cfg.premiumPrefixes.some((x) => p.startsWith(x)));
  }

  private national(nsn: string): Classified {
    const e164 = `+${this.country}${nsn}`;
    if (!/^[0-9]+$/.test(nsn)) return invalid('not digits');
    if (this.isMobile(nsn)) return { cls: 'mobile', e164, nsn, subscriber: null, why: `a mobile (${nsn})` };
    const sub = this.subscriberOf(nsn);
    if (this.premium(nsn, sub)) return { cls: 'premium', e164, nsn, subscriber: sub, why: `a premium-rate number (${nsn})` };
    if (nsn.length < 6 || nsn.length > 13) return invalid(`${nsn.length} digits after the prefixes is not a national number`);
    const area = this.cfg.area;
    if (area && nsn.startsWith(area) && /^[2-9][0-9]{5,7}$/.test(nsn.slice(area.length)))
      return { cls: 'local', e164, nsn, subscriber: nsn.slice(area.length), why: `in the local area ${area}` };
    return { cls: 'national', e164, nsn, subscriber: sub, why: area ? `outside the local area ${area}` : 'a national number' };
  }

  private international(rest: string): Classified {
    if (!/^[1-9][0-9]{3,14}$/.test(rest)) return invalid('not an international number (country code and number, 4–15 digits)');
    return { cls: 'international', e164: `+${rest}`, nsn: null, subscriber: null, why: `abroad (+${rest})` };
  }

  /** The class of a number as a phone dials it (after the rule's strip and prepend) or a trunk presents it. */
  classify(number: string): Classified {
    const { country, internationalPrefix: intl, trunkPrefix: tp } = this.cfg;
    if (!/^\+?[0-9]+$/.test(number)) return invalid('only digits (and a leading +) can be called outside');
    if (number.startsWith('+')) {
      const rest = number.slice(1);
      return rest.startsWith(country) ? this.national(rest.slice(country.length)) : this.international(rest);
    }
    if (number.startsWith(intl)) {
      const rest = number.slice(intl.length);
      return rest.startsWith(country) ? this.national(rest.slice(country.length)) : this.international(rest);
    }
    if (number.startsWith(tp)) return this.national(number.slice(tp.length));
    if (this.isMobile(number)) return { cls: 'mobile', e164: `+${country}${number}`, nsn: number, subscriber: null, why: `a mobile (${number})` };
    const area = this.cfg.area;
    const inArea = area ? `+${country}${area}${number}` : null;
    if (this.premium(number)) return { cls: 'premium', e164: inArea, nsn: area ? area + number : null, subscriber: number, why: `a premium-rate number (${number})` };
    // 400/800 numbers: national, free or shared cost, dialled without the trunk prefix.
    if (country === '86' && /^[48]00[0-9]{7}$/.test(number)) return { cls: 'national', e164: `+86${number}`, nsn: number, subscriber: null, why: `a national service number (${number})` };
    // Short service numbers (10086, 12345, 95588, 114): local calls, not in E.164 form.
    if (/^[19][0-9]{2,5}$/.test(number)) return { cls: 'local', e164: null, nsn: null, subscriber: number, why: `a service number (${number})` };
    if (/^[2-9][0-9]{6,7}$/.test(number)) return { cls: 'local', e164: inArea, nsn: area ? area + number : null, subscriber: number, why: 'a local number' };
    return invalid(`${number} is neither an extension nor a number of the numbering plan`);
  }

  /**
   * The form numbers are compared in: E.164 when the number has one, else as
   * given. A trunk that presents the country code without + (8613800138000)
   * is read as E.164.
   */
  canonical(number: string): string {
    const c = this.classify(number);
    if (c.e164) return c.e164;
    if (!c.cls && number.startsWith(this.country) && !number.startsWith('+')) {
      const again = this.classify(`+${number}`);
      if (again.e164) return again.e164;
    }
    return number;
  }

  /** A prefix's canonical form (0755 → +86755, 0044 → +44, 138 → +86138), or null when it has none (0, 00, a service prefix). */
  canonicalPrefix(prefix: string): string | null {
    const { country, internationalPrefix: intl, trunkPrefix: tp } = this.cfg;
    if (prefix.startsWith('+')) return prefix.length > 1 ? prefix : null;
    if (prefix.startsWith(intl)) return prefix.length > intl.length ? `+${prefix.slice(intl.length)}` : null;
    if (prefix.startsWith(tp)) return prefix.length > tp.length ? `+${country}${prefix.slice(tp.length)}` : null;
    if (this.cfg.mobilePrefixes.some((p) => prefix.startsWith(p) || p.startsWith(prefix))) return prefix.length >= 2 ? `+${country}${prefix}` : null;
    return this.cfg.area && /^[2-9]/.test(prefix) ? `+${country}${this.cfg.area}${prefix}` : null;
  }

  /** The number written for a trunk. Emergency and service numbers go as dialled whatever the format. */
  format(number: string, c: Classified, format: NumberFormat): string {
    if (format === 'dialled' || !c.cls) return number;
    switch (format) {
      case 'e164':
        return c.e164 ?? number;
      case 'e164-digits':
        return c.e164 ? c.e164.slice(1) : number;
      case 'national':
        if (c.cls === 'international') return `${this.cfg.internationalPrefix}${c.e164!.slice(1)}`;
        if (c.cls === 'mobile') return c.nsn!;
        if (c.cls === 'local' && c.subscriber) return c.subscriber;
        // 400/800 numbers are dialled without the trunk prefix.
        if (this.country === '86' && c.nsn && /^[48]00[0-9]{7}$/.test(c.nsn)) return c.nsn;
        return c.nsn ? `${this.cfg.trunkPrefix}${c.nsn}` : number;
    }
  }
}
