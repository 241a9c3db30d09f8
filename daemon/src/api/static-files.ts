// The web UI's files (web-ui/build.mjs makes them): index.html, never cached
// because it names the current build's assets, and the assets themselves,
// named by their content hash (app-<hash>.js|css, chunk-<hash>.js) and so
// cached for a year as immutable. Each asset was compressed at build time (.br, .gz): the
// answer is the smallest one the browser accepts (RFC 9110 §12.5.3
// Accept-Encoding, with q-values), with Vary: Accept-Encoding so that a
// cache between does not hand brotli to a client that asked for gzip.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response, Router } from 'express';
import express from 'express';

const ASSET = /^\/((?:app|chunk)-[A-Za-z0-9]{8,16})\.(js|css)$/;
const TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;
const YEAR_S = 365 * 86_400;

export type ContentCoding = 'br' | 'gzip' | 'identity';

/**
 * The coding to answer with, from an Accept-Encoding header: brotli over gzip
 * over none, each only when acceptable (q > 0, by name or by `*`). No header
 * means any coding is acceptable (RFC 9110), but a client that sends none
 * usually cannot decode: it gets the file as it is.
 */
export function chooseCoding(header: string | undefined): ContentCoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.toLowerCase().split(';').map((x) => x.trim());
    if (!name) continue;
    const qp = params.find((p) => /^q\s*=/.test(p));
    const value = qp ? Number(qp.replace(/^q\s*=\s*/, '')) : 1;
    q.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(value) ? value : 0);
  }
  const ok = (c: string) => (q.get(c) ?? q.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

const SUFFIX: Record<ContentCoding, string> = { br: '.br', gzip: '.gz', identity: '' };

export function webUiRouter(dir: string): Router {
  const router = express.Router();
  const index = join(dir, 'index.html');

  router.get(['/', '/setup'], (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The web UI is not built. Run `make build` (or `make run`).\n');
      return;
    }
    res.set('Cache-Control', 'no-store').sendFile(index);
  });

  // express answers HEAD through GET routes, without the body.
  router.get(ASSET, async (req: Request, res: Response, next) => {
    const m = ASSET.exec(req.path);
    if (!m) return next();
    const file = join(dir, `${m[1]}.${m[2]}`);
    const wanted = chooseCoding(req.get('accept-encoding'));
    // A build always writes all three; fall back to the plain file if one is missing.
    let coding = wanted;
    let body = await readFile(`${file}${SUFFIX[coding]}`).catch(() => undefined);
    if (!body && coding !== 'identity') {
      coding = 'identity';
      body = await readFile(file).catch(() => undefined);
    }
    res.vary('Accept-Encoding');
    if (!body) {
      res.status(404).type('text/plain').send('Not found: this build of the web UI has no such file (reload the page).\n');
      return;
    }
    res.set({
      'Content-Type': TYPES[m[2] as keyof typeof TYPES],
      'Cache-Control': `public, max-age=${YEAR_S}, immutable`,
      'Content-Length': String(body.length),
      ETag: `"${m[1]}-${coding}"`,
    });
    if (coding !== 'identity') res.set('Content-Encoding', coding);
    if (req.get('if-none-match') === `"${m[1]}-${coding}"`) {
      res.status(304).end();
      return;
    }
    res.end(body);
  });
  return router;
}
