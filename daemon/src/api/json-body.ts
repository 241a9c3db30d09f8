// JSON request bodies of the API: parsed by express.json within fixed bounds,
// and every way a body can be wrong answered as the client's mistake (4xx,
// with what is wrong), never as a server failure (500 and a stack trace at
// error level). The bounds: 64 KB, UTF-8 only,
// gzip/deflate/br or none, at most MAX_DEPTH levels of nesting (a body of
// 30,000 `[` parses, but would overflow the stack of whatever walks it next:
// zod, a logger, JSON.stringify), and an object at the top.
import express, { type NextFunction, type Request, type Response } from 'express';

export const MAX_BODY = '64kb';
export const MAX_DEPTH = 32;

/** A body-parser error, or ours: what the client did wrong. */
interface BodyError {
  type?: string;
  status?: number;
  charset?: string;
  encoding?: string;
}

/** Thrown from the parser's `verify` hook: body-parser passes it on with its status and type. */
class Refused extends Error {
  readonly expose = true;
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    readonly charset?: string,
  ) {
    super(message);
  }
}

/** The deepest nesting of `[`/`{` in JSON text, strings skipped; stops counting past `limit`. */
export function jsonDepth(buf: Buffer, limit = MAX_DEPTH): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next byte (a quote or another backslash)
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** express.json with the bounds above; then a body that is not an object is refused. */
export function jsonBody(limit: string | number = MAX_BODY): express.RequestHandler[] {
  return [
    express.json({
      limit,
      strict: false,
      verify: (_req, _res, buf, encoding) => {
        // body-parser also decodes UTF-16 and UTF-32; the API speaks UTF-8 (and the depth scan reads UTF-8).
        if (encoding.toLowerCase() !== 'utf-8') throw new Refused(`charset ${encoding}`, 415, 'charset.unsupported', encoding);
        if (jsonDepth(buf) > MAX_DEPTH) throw new Refused(`nested deeper than ${MAX_DEPTH} levels`, 400, 'entity.too.deep');
      },
    }),
    (req: Request, res: Response, next: NextFunction) => {
      const body: unknown = req.body;
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
        res.locals.error = 'body not a JSON object';
        res.status(400).json({ error: `the request body must be a JSON object, not ${Array.isArray(body) ? 'an array' : body === null ? 'null' : `a ${typeof body}`}` });
        return;
      }
      next();
    },
  ];
}

/**
 * The answer to a request refused as malformed (its body, mostly): status and
 * message, or undefined when `err` is a server fault.
 */
export function clientErrorAnswer(err: unknown): { status: number; error: string } | undefined {
  const e = (err ?? {}) as BodyError;
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, error: 'the request body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, error: `the request body is too large (at most ${MAX_BODY})` };
    case 'entity.too.deep':
      return { status: 400, error: `the JSON body is nested too deeply (at most ${MAX_DEPTH} levels)` };
    case 'charset.unsupported':
      return { status: 415, error: `unsupported charset ${JSON.stringify(String(e.charset ?? '').slice(0, 40))}: send JSON in UTF-8` };
    case 'encoding.unsupported':
      return { status: 415, error: `unsupported Content-Encoding ${JSON.stringify(String(e.encoding ?? '').slice(0, 40))}: send the body uncompressed, or gzip, deflate or br` };
    case 'request.aborted':
      return { status: 400, error: 'the request body ended before its announced length' };
    case 'request.size.invalid':
      return { status: 400, error: 'the request body does not match its Content-Length' };
    default:
      // Any other client error (body-parser's and the router's errors carry a 4xx status, e.g. a
      // path with a malformed %-escape): the client's, not ours.
      return typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? { status: e.status, error: 'bad request' } : undefined;
  }
}
