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
