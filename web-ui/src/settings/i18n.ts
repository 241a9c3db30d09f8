// The settings area's own messages (kept apart from the main catalogues so
// it can grow without touching them) and the schema's titles and
// descriptions in the current language: English from the daemon's schema,
// Chinese from locales/schema.zh-CN.ts (a key not translated yet shows its
// English title: still editable).
import { getLang, interpolate, type Vars } from '../i18n';
import en, { type ConfigMessageKey } from '../locales/config.en';
import zhCN from '../locales/config.zh-CN';
import schemaZh from '../locales/schema.zh-CN';
import type { SchemaNode } from './schema';

export type { ConfigMessageKey };

/** A message of the settings area in the current language. */
export function tc(key: ConfigMessageKey, vars?: Vars): string {
  return interpolate((getLang() === 'zh-CN' ? zhCN[key] : en[key]) || en[key] || key, vars);
}

/** `points[3].targets[0].ringS` → `points.[].targets.[].ringS`, the key of schema.zh-CN.ts. */
export function schemaKey(path: string): string {
  return path.replace(/\[[^\]]*\]/g, '.[]').replace(/^\./, '');
}

/** A key's title and description for a form, in the current language. */
export function schemaText(path: string, node: SchemaNode | undefined, fallback: string): { title: string; description: string } {
  const zh = getLang() === 'zh-CN' ? schemaZh[schemaKey(path)] : undefined;
  return { title: zh?.title ?? node?.title ?? fallback, description: zh?.description ?? node?.description ?? '' };
}
