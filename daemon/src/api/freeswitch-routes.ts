// The mod_xml_curl endpoints: FreeSWITCH on this board asks for a directory
// user or the dialplan, we answer with XML generated from the configuration.
//
// Who may ask: only a client on loopback (judged by the socket's own address;
// X-Forwarded-For and `trust proxy` are ignored on purpose, since a header is
// whatever the client wrote), presenting the basic-auth user `freeswitch` and the
// per-device secret from xml_curl.conf.xml. The admin server may listen on every
// interface, so both checks run on every request, before the body is read.
//
// What FreeSWITCH posts (application/x-www-form-urlencoded): hostname, section,
// tag_name, key_name, key_value always; then the fields named by enable-post-var
// in xml_curl.conf.xml: user, domain, action, purpose for the directory;
// Hunt-Context, Caller-Context, … for the dialplan. A lookup we do not serve is
// answered with the "not found" document, and FreeSWITCH reads its static files.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { DeviceSecrets } from '../../../provisioning/src/device-secrets.js';
import { contextOf, dialplanAnswerXml, fixedExtensions, routedExtensions } from '../../../provisioning/src/dialplan.js';
import { directoryLookupXml } from '../../../provisioning/src/directory.js';
import { CONTEXT, INBOUND_CONTEXT, XML_CURL_USER } from '../../../provisioning/src/values.js';
import { DIALPLAN_PATH, DIRECTORY_PATH } from '../../../provisioning/src/xml-curl-conf.js';
import { NOT_FOUND_XML } from '../../../provisioning/src/xml.js';
import type { ConfigReader } from '../config/holder.js';
import type { Logger } from '../log/logger.js';
import type { RouteDecision } from '../contracts/routing.js';
import type { CallRequest } from '../routing/router.js';

/** The router as the dialplan endpoint uses it. */
export interface DialplanRouter {
  /** Decide one call; FreeSWITCH waits for the answer. */
  decide(req: CallRequest, o: { uuid?: string }): Promise<RouteDecision>;
  /** The trunk a call from a gateway comes from: our gateway variable, sofia's gateway name, or the sender's address. */
  trunkOf(o: { leg?: string; gateway?: string; address?: string }): string | undefined;
}

export interface FreeswitchRouterDeps {
  /** Read per lookup: a phone added by an apply is in the directory at once. */
  config: ConfigReader;
  secrets: () => Promise<DeviceSecrets>;
  log: Logger;
  /** Without it every lookup but an alarm or a conference gets "not found": FreeSWITCH uses its static file. */
  routing?: DialplanRouter;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Is this socket address the board itself? Exact addresses only: no header, no name resolution. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.has(address);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Do these `Authorization` header credentials match user:password? Compared in
 * constant time over fixed-length digests, so neither the length nor a common
 * prefix of the secret leaks through timing.
 */
export function basicAuthMatches(header: string | undefined, user: string, password: string): boolean {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header ?? '');
  const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
  const userOk = timingSafeEqual(digest(decoded.slice(0, Math.max(0, decoded.indexOf(':')))), digest(user));
  const passOk = timingSafeEqual(digest(decoded.slice(decoded.indexOf(':') + 1)), digest(password));
  return !!m && decoded.includes(':') && userOk && passOk;
}

function field(body: unknown, name: string): string | undefined {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function sendXml(res: Response, xml: string): void {
  res.status(200).set('Cache-Control', 'no-store').type('text/xml; charset=utf-8').send(xml);
}

export function freeswitchRouter(deps: FreeswitchRouterDeps): express.Router {
  const { config, log } = deps;
  const router = express.Router();

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const remote = req.socket.remoteAddress;
    if (!isLoopbackAddress(remote)) {
      log.warn({ remote, path: req.path }, 'xml_curl request from a non-loopback address refused');
      res.status(403).type('text/plain').send('forbidden\n');
      return;
    }
    try {
      const secrets = await deps.secrets();
      if (!basicAuthMatches(req.get('authorization'), XML_CURL_USER, secrets.xmlCurlSecret)) {
        log.warn({ remote, path: req.path }, 'xml_curl request with missing or wrong credentials refused');
        res.status(401).set('WWW-Authenticate', 'Basic realm="callpoint-freeswitch", charset="UTF-8"').type('text/plain').send('unauthorized\n');
        return;
      }
      res.locals.fsSecrets = secrets;
      next();
    } catch (err) {
      next(err);
    }
  };
  const body = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 });

  router.post(DIRECTORY_PATH, guard, body, (req, res) => {
    const b: unknown = req.body;
    if (field(b, 'section') !== 'directory') return sendXml(res, NOT_FOUND_XML);
    const q = { user: field(b, 'user'), domain: field(b, 'domain'), purpose: field(b, 'purpose') };
    const xml = directoryLookupXml(config.current, res.locals.fsSecrets as DeviceSecrets, q);
    log.debug({ user: q.user, domain: q.domain, action: field(b, 'action'), found: xml !== NOT_FOUND_XML }, 'directory lookup');
    sendXml(res, xml);
  });

  router.post(DIALPLAN_PATH, guard, body, async (req, res, next) => {
    try {
      const b: unknown = req.body;
      if (field(b, 'section') !== 'dialplan') return sendXml(res, NOT_FOUND_XML);
      const asked = field(b, 'Hunt-Context') || field(b, 'Caller-Context');
      const destination = field(b, 'Hunt-Destination-Number') ?? field(b, 'Caller-Destination-Number') ?? '';
      const leg = { leg: field(b, 'variable_callpoint_trunk_leg'), gateway: field(b, 'variable_sip_gateway'), address: field(b, 'Hunt-Network-Addr') };
      // Our contexts; and `public` (the external profile's) only for a call whose sender is one of our trunks' gateways.
      let context = contextOf({ huntContext: field(b, 'Hunt-Context'), callerContext: field(b, 'Caller-Context') });
      const fromTrunk = context !== CONTEXT ? deps.routing?.trunkOf(leg) : undefined;
      if (!context && asked === 'public' && fromTrunk) context = INBOUND_CONTEXT;
      if (!context) return sendXml(res, NOT_FOUND_XML);
      const fixed = context === CONTEXT ? fixedExtensions(config.current, destination) : null;
      if (fixed) return sendXml(res, dialplanAnswerXml(asked!, fixed));
      if (!deps.routing) return sendXml(res, NOT_FOUND_XML);
      const now = new Date();
      const callReq: CallRequest =
        context === CONTEXT
          ? { direction: 'outbound', from: field(b, 'variable_user_name') || field(b, 'Hunt-Caller-ID-Number') || '', zone: field(b, 'variable_callpoint_zone'), to: destination, at: now }
          : { direction: 'inbound', trunk: fromTrunk ?? '', from: field(b, 'Hunt-Caller-ID-Number') ?? '', to: destination, at: now };
      const decision = await deps.routing.decide(callReq, { uuid: field(b, 'Unique-ID') });
      sendXml(res, dialplanAnswerXml(asked!, routedExtensions(decision, config.current, destination, now)));
    } catch (err) {
      next(err);
    }
  });

  // Our own errors stay here, as plain text: FreeSWITCH treats any non-200 as "use the static files".
  router.use([DIRECTORY_PATH, DIALPLAN_PATH], (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') {
      log.warn('xml_curl request body too large; FreeSWITCH will use its static files');
      res.status(413).type('text/plain').send('request body too large\n');
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).type('text/plain').send('bad request\n');
    } else {
      // A generator refusing a value (e.g. an unsafe secret) lands here too: say so in the log.
      log.error({ err }, 'xml_curl lookup failed; FreeSWITCH will use its static files');
      res.status(500).type('text/plain').send('internal error\n');
    }
  });
  return router;
}
