// Small HTTP helpers: cookies, client address, same-origin checks, mapping
// runtime results to status codes.
import type { Request, Response } from 'express';
import { phrase, type Phrase } from '../contracts/phrases/index.js';
import type { Failure } from '../accounts/result.js';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !out.has(k)) {
      try {
        out.set(k, decodeURIComponent(v));
      } catch {
        /* a cookie we did not set */
      }
    }
  }
  return out;
}

export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * A browser request from another site must not change anything. Browsers
 * send Sec-Fetch-Site and Origin on such requests; a request carrying
 * neither is not from a browser (curl, scripts) and is judged by its session
 * and CSRF token alone.
 */
export function crossSite(req: Request): string | null {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return `cross-site request (Sec-Fetch-Site: ${site})`;
  const origin = req.get('origin');
  if (origin) {
    // Same origin is the same scheme, host and port (RFC 6454): http://board:8080 is not
    // https://board:8080. Both sides through URL, so a default port written out or left off
    // (https://board:443, https://board) compares equal.
    const host = req.get('host');
    let theirs: string, ours: string;
    try {
      theirs = new URL(origin).origin;
    } catch {
      return 'malformed Origin header';
    }
    try {
      ours = new URL(`${req.protocol}://${host ?? ''}`).origin;
    } catch {
      return 'malformed Host header';
    }
    if (!host || theirs === 'null' || theirs !== ours) return `cross-site request (Origin ${origin.slice(0, 100)})`;
  }
  return null;
}

const STATUS: Record<Failure['code'], number> = { invalid: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, throttled: 429, busy: 503, unavailable: 503 };

export function sendFailure(res: Response, f: Failure): void {
  if (f.code === 'throttled' || f.code === 'busy' || f.code === 'unavailable') {
    res.locals.error = f.message;
    res.set('Retry-After', String(f.retryAfterS));
    res.status(STATUS[f.code]).json({ error: f.message, retryAfterS: f.retryAfterS });
    return;
  }
  res.locals.error = f.message;
  res.status(STATUS[f.code]).json(f.code === 'invalid' && f.field ? { error: f.message, field: f.field } : { error: f.message });
}

/**
 * Why a request was refused, as a phrase for the audit log (the English is
 * `res.locals.error`): the route's own phrase when it gave one
 * (`res.locals.errorPhrase`), else the refusals every route shares, else the
 * HTTP status. Null for a request that went through.
 */
export function refusalPhrase(res: Response): Phrase | null {
  const given = res.locals.errorPhrase as Phrase | undefined;
  if (given) return given;
  const status = res.statusCode;
  if (status < 400) return null;
  const error = res.locals.error as string | undefined;
  if (!error) return phrase('audit.http', { status });
  const role = /^requires role (\w+)$/.exec(error)?.[1];
  if (role) return phrase('audit.needsRole', { role });
  const shared: Record<string, Phrase> = {
    'not logged in': phrase('audit.notLoggedIn'),
    'missing or wrong CSRF token': phrase('audit.csrf'),
    'malformed JSON body': phrase('audit.badJson'),
    'body too large': phrase('audit.tooLarge'),
    'internal error': phrase('audit.internal'),
  };
  if (shared[error]) return shared[error];
  if (/^(cross-site request|malformed Origin|.*Sec-Fetch-Site)/.test(error)) return phrase('audit.crossSite');
  return phrase('audit.refused', { status });
}
