// The operations pages' own messages (locales/ops.*.ts): in the pages' chunk,
// so the first load does not carry them.
import { getLang, interpolate, type Vars } from '../i18n';
import en, { type OpsMessageKey } from '../locales/ops.en';
import zhCN from '../locales/ops.zh-CN';

export type { OpsMessageKey };

/** A message of the operations pages in the current language. */
export function to(key: OpsMessageKey, vars?: Vars): string {
  return interpolate((getLang() === 'zh-CN' ? zhCN[key] : en[key]) || en[key] || key, vars);
}
