// The web UI goes out precompressed: brotli or gzip as the browser accepts
// (with Vary), its assets cached for a year under their content-hashed names,
// index.html never cached — against the real daemon and the real build.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import t from 'tap';
import { chooseCoding } from '../src/api/static-files.js';
import { ROOT, startDaemon } from './helpers/daemon.js';

t.test('Accept-Encoding is read with its q-values', async (t) => {
  t.equal(chooseCoding('gzip, deflate, br, zstd'), 'br', 'what Chromium sends');
  t.equal(chooseCoding('gzip, deflate'), 'gzip');
  t.equal(chooseCoding('br;q=0, gzip;q=0.5'), 'gzip', 'br refused by q=0');
  t.equal(chooseCoding('*'), 'br', 'anything');
  t.equal(chooseCoding('*;q=0, identity'), 'identity');
  t.equal(chooseCoding('x-gzip'), 'gzip', 'the old name of gzip');
  t.equal(chooseCoding('identity'), 'identity');
  t.equal(chooseCoding(undefined), 'identity', 'no header: the file as it is');
  t.equal(chooseCoding('BR ; Q=1'), 'br', 'case and spaces do not matter');
});

t.test('the bundle by Accept-Encoding, immutable by content hash; index.html not cached', async (t) => {
  const d = await startDaemon(t.testdir());
  t.teardown(() => d.stop());
  const index = await fetch(`${d.url}/`);
  t.equal(index.status, 200);
  t.equal(index.headers.get('cache-control'), 'no-store', 'index.html is asked for again each time: it names the current build');
  const html = await index.text();
  const js = /src="\/(app-\w+\.js)"/.exec(html)?.[1];
  const css = /href="\/(app-\w+\.css)"/.exec(html)?.[1];
  t.ok(js && css, `index.html names the hashed assets (${js}, ${css})`);
  if (!js || !css) return;
  const plain = readFileSync(join(ROOT, 'web-ui', 'dist', js));

  const get = (path: string, enc?: string) => fetch(`${d.url}/${path}`, { headers: enc === undefined ? {} : { 'accept-encoding': enc } });
  const raw = async (r: Response) => Buffer.from(await r.arrayBuffer());
  // fetch decodes what it receives; the bytes on the wire are read with a raw request further down.
  const br = await get(js, 'br');
  t.equal(br.status, 200);
  t.equal(br.headers.get('content-encoding'), 'br', 'Accept-Encoding: br → brotli');
  t.match(br.headers.get('vary') ?? '', /Accept-Encoding/i, 'Vary: Accept-Encoding');
  t.equal(br.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.equal(br.headers.get('content-type'), 'text/javascript; charset=utf-8');
  const brBytes = Number(br.headers.get('content-length'));
  t.ok(brBytes < plain.length / 3, `brotli: ${brBytes} bytes on the wire for ${plain.length}`);
  t.same(await raw(br), plain, 'decodes to the very bundle');

  const gz = await get(js, 'gzip, deflate');
  t.equal(gz.headers.get('content-encoding'), 'gzip', 'no br in Accept-Encoding → gzip');
  t.ok(Number(gz.headers.get('content-length')) < plain.length / 2);
  t.same(await raw(gz), plain);

  const none = await get(js, 'identity');
  t.equal(none.headers.get('content-encoding'), null, 'identity → as it is');
  t.equal(Number(none.headers.get('content-length')), plain.length);

  const cssBr = await get(css, 'gzip, deflate, br');
  t.equal(cssBr.headers.get('content-encoding'), 'br');
  t.equal(cssBr.headers.get('content-type'), 'text/css; charset=utf-8');

  // The encoded bytes as they are on the wire (a raw HTTP request: no client-side decoding).
  const wire = await rawGet(d.url, `/${js}`, 'br');
  t.same(brotliDecompressSync(wire), plain, 'the wire bytes are brotli');
  t.same(gunzipSync(await rawGet(d.url, `/${js}`, 'gzip')), plain, 'and gzip');

  const again = await fetch(`${d.url}/${js}`, { headers: { 'accept-encoding': 'br', 'if-none-match': br.headers.get('etag') ?? '' } });
  t.equal(again.status, 304, 'a revalidation costs no body');
  t.equal((await get('app-AAAAAAAA.js', 'br')).status, 404, 'another build’s asset is not there');
  const chunk = readdirSync(join(ROOT, 'web-ui', 'dist')).find((f) => /^chunk-\w+\.js$/.test(f));
  t.ok(chunk, 'the build has its language chunks');
  const chunkBr = await get(chunk!, 'br');
  t.equal(chunkBr.status, 200);
  t.equal(chunkBr.headers.get('content-encoding'), 'br', 'a language chunk, brotli too');
  t.equal((await get('app.js', 'br')).status, 404, 'the unhashed name is gone');
});

/** GET with a given Accept-Encoding, returning the body bytes exactly as sent. */
async function rawGet(base: string, path: string, enc: string): Promise<Buffer> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { 'accept-encoding': enc } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    req.end();
  });
}
