// The configuration pages' catalogues: the same keys and placeholders in both
// languages; and every titled key of the daemon's configuration schema has a
// Chinese title (a key added without one still shows and is editable — in
// English — and this test names it).
import t from 'tap';
import { configJsonSchema } from '../../daemon/src/config/schema.js';
import en from '../src/locales/config.en';
import zhCN from '../src/locales/config.zh-CN';
import schemaZh from '../src/locales/schema.zh-CN';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();

t.test('config.en and config.zh-CN: the same keys, no empty text, the same placeholders', async (t) => {
  t.same(Object.keys(zhCN).sort(), Object.keys(en).sort());
  t.same(Object.entries({ ...en, ...zhCN }).filter(([, v]) => !v.trim()).map(([k]) => k), []);
  t.same(Object.keys(en).filter((k) => placeholders(en[k as keyof typeof en]) !== placeholders(zhCN[k as keyof typeof zhCN])), []);
});

t.test('every titled key of the schema has a Chinese title', async (t) => {
  type S = { title?: string; properties?: Record<string, S>; items?: S; anyOf?: S[] };
  const keys: string[] = [];
  const walk = (s: S, path: string) => {
    if (s.anyOf) {
      s.anyOf.forEach((m, i) => {
        if (m.title && s.anyOf!.length > 1) keys.push(`${path}#${i}`);
        walk({ ...m, title: s.anyOf!.length > 1 ? undefined : m.title }, path);
      });
      return;
    }
    if (path && s.title) keys.push(path);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, path ? `${path}.${k}` : k);
    if (s.items) walk(s.items, `${path}.[]`);
  };
  walk(configJsonSchema(), '');
  t.ok(keys.length > 60, `${keys.length} titled keys`);
  t.same(keys.filter((k) => !schemaZh[k]?.title), [], 'missing in web-ui/src/locales/schema.zh-CN.ts');
  t.same(Object.keys(schemaZh).filter((k) => !keys.includes(k) && k !== 'plans.[].targets.[]'), [], 'no translation of a key the schema no longer has');
});
