// Logging: secrets never reach a line; each namespace has its own level.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { createLogger, levelFor } from '../src/log/logger.js';

async function capture(opts: Parameters<typeof createLogger>[0]) {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => (out += d.toString()));
  const logger = await createLogger({ ...opts, destination: stream });
  return { logger, lines: () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

t.test('secrets are redacted at any of the first levels', async (t) => {
  const { logger, lines } = await capture({ level: 'info' });
  logger.ns('pbx:esl').info({ password: 'ClueCon-real', freeswitch: { password: 'nested-secret' }, cfg: { uplink: { key: 'deep-key' } }, req: { headers: { cookie: 'callpoint=abc' } }, token: 't0k3n', user: 'alice' }, 'connecting');
  const text = JSON.stringify(lines());
  for (const s of ['ClueCon-real', 'nested-secret', 'deep-key', 'callpoint=abc', 't0k3n']) t.notMatch(text, s, `${s} redacted`);
  t.match(text, /alice/, 'ordinary fields stay');
  t.match(lines()[0], { ns: 'pbx:esl', level: 'info', msg: 'connecting', password: '[redacted]' });
});

t.test('levels per namespace, longest prefix wins', async (t) => {
  const opts = { level: 'info' as const, namespaces: { pbx: 'warn' as const, 'pbx:esl': 'debug' as const } };
  t.equal(levelFor('pbx:esl', opts), 'debug');
  t.equal(levelFor('pbx:esl:frames', opts), 'debug');
  t.equal(levelFor('pbx:calls', opts), 'warn');
  t.equal(levelFor('pbxfoo', opts), 'info', 'a prefix matches whole segments only');
  t.equal(levelFor('store', opts), 'info');
  const { logger, lines } = await capture(opts);
  logger.ns('pbx:esl').debug('frame');
  logger.ns('pbx:calls').info('hidden');
  logger.ns('pbx:calls').warn('shown');
  logger.ns('store').debug('hidden too');
  logger.ns('store').info('shown too');
  t.same(lines().map((l) => l.msg), ['frame', 'shown', 'shown too']);
});

t.test('the ring of recent lines: redacted as the log, bounded, filtered by level and namespace', async (t) => {
  const { logger } = await capture({ level: 'debug' });
  logger.ns('pbx:esl').info({ password: 'ClueCon-real', host: '127.0.0.1' }, 'connecting');
  logger.ns('pbx').warn('slow answer');
  logger.ns('store').debug('vacuum');
  logger.ns('pbxfoo').error('other module');
  const all = logger.ring.query();
  t.same(all.map((l) => l.msg), ['connecting', 'slow answer', 'vacuum', 'other module'], 'every line, in order');
  t.notMatch(JSON.stringify(all), 'ClueCon-real', 'a secret is redacted in the ring as in the log');
  t.match(all[0], { level: 'info', ns: 'pbx:esl', extra: /"password":"\[redacted\]"/ });
  t.same(logger.ring.query({ level: 'warn' }).map((l) => l.msg), ['slow answer', 'other module'], 'at or above a level');
  t.same(logger.ring.query({ ns: 'pbx' }).map((l) => l.msg), ['connecting', 'slow answer'], 'a namespace and those under it, whole segments only');
  t.same(logger.ring.query({ after: all[1]!.seq }).map((l) => l.msg), ['vacuum', 'other module'], 'what came after a line');
  t.same(logger.ring.namespaces(), ['pbx', 'pbx:esl', 'pbxfoo', 'store']);
  const seen: string[] = [];
  const off = logger.ring.onLine((l) => seen.push(l.msg));
  logger.ns('api').info('live');
  off();
  logger.ns('api').info('after');
  t.same(seen, ['live'], 'listeners get new lines until they leave');
  for (let i = 0; i < 2100; i++) logger.ns('bulk').debug(`line ${i}`);
  t.equal(logger.ring.query().length, 2000, 'bounded: the oldest lines go');
  t.equal(logger.ring.query().at(-1)?.msg, 'line 2099');
});
