// The routing pages' messages in the current language (their own catalogue,
// in the pages' chunk, as the settings area keeps its own).
import { getLang, interpolate, type Vars } from '../i18n';
import en, { type RoutingMessageKey } from '../locales/routing.en';
import zhCN from '../locales/routing.zh-CN';

export type { RoutingMessageKey };

export function tr(key: RoutingMessageKey, vars?: Vars): string {
  return interpolate((getLang() === 'zh-CN' ? zhCN[key] : en[key]) || en[key] || key, vars);
}
