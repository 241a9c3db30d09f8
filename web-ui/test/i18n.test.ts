// Locale catalogs and language detection (runs under Node: no DOM needed).
//   npx tap web-ui/test/i18n.test.ts
import t from 'tap';
import { CATALOGS, detectLanguage, interpolate, LANGS } from '../src/i18n';
import en from '../src/locales/en';
import zhCN from '../src/locales/zh-CN';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

t.test('en and zh-CN have exactly the same keys', async (t) => {
  const enKeys = Object.keys(en).sort();
  const zhKeys = Object.keys(zhCN).sort();
  t.same(
    zhKeys.filter((k) => !(k in en)),
    [],
    'no key in zh-CN that en lacks',
  );
  t.same(
    enKeys.filter((k) => !(k in zhCN)),
    [],
    'no key in en that zh-CN lacks',
  );
  t.same(zhKeys, enKeys);
  t.ok(enKeys.length > 50, 'catalog is not trivially small');
});

t.test('no empty strings', async (t) => {
  for (const [lang, catalog] of [['en', en], ['zh-CN', zhCN]] as const) {
    const empty = Object.entries(catalog)
      .filter(([, v]) => typeof v !== 'string' || v.trim() === '')
      .map(([k]) => k);
    t.same(empty, [], `${lang}: every message is a non-empty string`);
  }
});

t.test('both languages use the same placeholders per key', async (t) => {
  const mismatched = Object.keys(en).filter(
    (k) =>
      placeholders(en[k as keyof typeof en]).join() !== placeholders(zhCN[k as keyof typeof zhCN]).join(),
  );
  t.same(mismatched, []);
});

t.test('an alarm is 告警 in Chinese, never 报警 (reporting to the police)', async (t) => {
  t.same(Object.entries(zhCN).filter(([, v]) => v.includes('报警')), []);
});

t.test('every supported language has a catalog, loaded on its own', async (t) => {
  t.same([...LANGS].sort(), Object.keys(CATALOGS).sort());
  const zh = await CATALOGS['zh-CN']();
  t.equal(zh.messages['nav.alarms'], '告警', 'the UI’s messages');
  t.equal(zh.phrases['health.store.down'], '数据库无应答', 'and the daemon’s phrasebook in that language');
});

t.test('language detection', async (t) => {
  t.equal(detectLanguage(['zh-TW', 'en']), 'zh-CN', 'any Chinese tag → zh-CN');
  t.equal(detectLanguage(['fr']), 'en', 'unsupported → en');
  t.equal(detectLanguage(['zh']), 'zh-CN');
  t.equal(detectLanguage(['zh-Hant-HK']), 'zh-CN');
  t.equal(detectLanguage(['ZH_cn']), 'zh-CN', 'case and underscore tolerated');
  t.equal(detectLanguage(['en-US', 'zh-CN']), 'en', 'first supported preference wins');
  t.equal(detectLanguage(['fr', 'zh-CN']), 'zh-CN', 'unsupported entries are skipped');
  t.equal(detectLanguage([]), 'en');
  t.equal(detectLanguage(undefined), 'en');
});

t.test('interpolation', async (t) => {
  t.equal(interpolate('try in {seconds} s', { seconds: 30 }), 'try in 30 s');
  t.equal(interpolate('{a} and {b}', { a: 'x' }), 'x and {b}', 'unknown placeholder left as is');
});

t.test('the operations pages’ catalogue (its own chunk): the same keys, no empty text, the same placeholders', async (t) => {
  const { default: opsEn } = await import('../src/locales/ops.en');
  const { default: opsZh } = await import('../src/locales/ops.zh-CN');
  t.same(Object.keys(opsZh).sort(), Object.keys(opsEn).sort());
  t.same(Object.entries({ ...opsEn, ...opsZh }).filter(([, v]) => !v.trim()).map(([k]) => k), []);
  t.same(Object.keys(opsEn).filter((k) => placeholders(opsEn[k as keyof typeof opsEn]).join() !== placeholders(opsZh[k as keyof typeof opsZh]).join()), []);
  t.same(Object.entries(opsZh).filter(([, v]) => v.includes('报警')), [], '告警, never 报警');
});

t.test('the routing pages’ catalogues: the same keys, no empty text, the same placeholders', async (t) => {
  const { default: ren } = await import('../src/locales/routing.en');
  const { default: rzh } = await import('../src/locales/routing.zh-CN');
  t.same(Object.keys(rzh).sort(), Object.keys(ren).sort());
  t.same(Object.entries({ ...ren, ...rzh }).filter(([, v]) => !v.trim()).map(([k]) => k), [], 'no empty text');
  t.same(Object.keys(ren).filter((k) => placeholders(ren[k as keyof typeof ren]).join() !== placeholders(rzh[k as keyof typeof rzh]).join()), [], 'the same placeholders');
  t.same(Object.entries(rzh).filter(([, v]) => v.includes('报警')).map(([k]) => k), [], 'an alarm is 告警, never 报警');
});

t.test('the wallboard’s catalogues: the same keys, no empty text, the same placeholders', async (t) => {
  const { default: den } = await import('../src/locales/desk.en');
  const { default: dzh } = await import('../src/locales/desk.zh-CN');
  t.same(Object.keys(dzh).sort(), Object.keys(den).sort());
  t.same(Object.entries({ ...den, ...dzh }).filter(([, v]) => !v.trim()).map(([k]) => k), [], 'no empty text');
  t.same(Object.keys(den).filter((k) => placeholders(den[k as keyof typeof den]).join() !== placeholders(dzh[k as keyof typeof dzh]).join()), [], 'the same placeholders');
});
