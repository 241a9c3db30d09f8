// The wallboard's messages in the current language (its own catalogue, in
// the page's chunk, as the routing pages keep theirs).
import { getLang, interpolate, type Vars } from '../i18n';
import en, { type DeskMessageKey } from '../locales/desk.en';
import zhCN from '../locales/desk.zh-CN';

export type { DeskMessageKey };

export function tr(key: DeskMessageKey, vars?: Vars): string {
  return interpolate((getLang() === 'zh-CN' ? zhCN[key] : en[key]) || en[key] || key, vars);
}
