// Message lookup and language selection.
// Module load touches no DOM/browser globals, so Node tests can import it;
// browser-only work (localStorage, navigator, <html lang>) happens inside
// initLang()/setLang(), guarded for absence.
//
// Only the language in use is loaded: each language's catalog and the
// daemon's phrasebook for it are a chunk of their own (a dynamic import),
// fetched at start and at a switch — a first visit does not carry every
// language's texts.
import type { MessageKey, Messages } from './locales/en';

export type { MessageKey, Messages };
export type Lang = 'en' | 'zh-CN';
export type Vars = Record<string, string | number>;

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];
/** Each language's name in itself: the switch must be readable in any UI language. */
export const LANG_NAMES: Readonly<Record<Lang, string>> = { en: 'English', 'zh-CN': '简体中文' };
export const STORAGE_KEY = 'callpoint.lang';

/** A language's texts: the UI's messages, and the daemon's phrasebook (contracts/phrases). */
export interface Catalog {
  messages: Messages;
  phrases: Readonly<Record<string, string>>;
}

export const CATALOGS: Readonly<Record<Lang, () => Promise<Catalog>>> = {
  en: async () => {
    const [m, p] = await Promise.all([import('./locales/en'), import('../../daemon/src/contracts/phrases/en.js')]);
    return { messages: m.default, phrases: p.en };
  },
  'zh-CN': async () => {
    const [m, p] = await Promise.all([import('./locales/zh-CN'), import('../../daemon/src/contracts/phrases/zh-CN.js')]);
    return { messages: m.default, phrases: p.zhCN };
  },
};

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

/**
 * Pick the UI language from a browser preference list (navigator.languages).
 * The first entry we support wins: any Chinese tag (zh, zh-TW, zh-Hant-HK…)
 * means zh-CN, any English tag means en; others are skipped. Default en.
 */
export function detectLanguage(preferred: readonly string[] | null | undefined): Lang {
  for (const tag of preferred ?? []) {
    const primary = String(tag).trim().toLowerCase().split(/[-_]/)[0];
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** Replace {name} placeholders; unknown placeholders are left as written. */
export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

let current: Lang = 'en';
let catalog: Catalog | null = null;
const listeners = new Set<(lang: Lang) => void>();

export function getLang(): Lang {
  return current;
}

/** Translate a key in the current language (the key itself until a catalog is loaded). */
export function t(key: MessageKey, vars?: Vars): string {
  return interpolate(catalog?.messages[key] || key, vars);
}

/** Whether a computed key (`faultCode.${code}`) is one the catalog knows. */
export function hasMessage(key: string): key is MessageKey {
  return !!catalog && Object.prototype.hasOwnProperty.call(catalog.messages, key);
}

/** The keys under `prefix.` (e.g. every known audit action under `auditAction`), without the prefix. */
export function messageKeysUnder(prefix: string): string[] {
  return Object.keys(catalog?.messages ?? {}).filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1));
}

/** The daemon's phrasebook in the current language. */
export function phrasebook(): Readonly<Record<string, string>> {
  return catalog?.phrases ?? {};
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // access can throw when storage is disabled
  }
}

function applyToDocument(lang: Lang): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** Switch language once its texts are loaded; remembers an explicit choice in localStorage. */
export async function setLang(lang: Lang, remember = true): Promise<void> {
  const loaded = await CATALOGS[lang]();
  current = lang;
  catalog = loaded;
  applyToDocument(lang);
  if (remember) {
    try {
      storage()?.setItem(STORAGE_KEY, lang);
    } catch {
      /* quota / private mode: the choice lasts for this page only */
    }
  }
  for (const fn of listeners) fn(lang);
}

/** Startup: stored choice, else browser preference; resolves once its texts are loaded. */
export async function initLang(): Promise<Lang> {
  let stored: string | null;
  try {
    stored = storage()?.getItem(STORAGE_KEY) ?? null;
  } catch {
    stored = null;
  }
  const nav = typeof navigator === 'undefined' ? undefined : navigator;
  const lang = isLang(stored)
    ? stored
    : detectLanguage(nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : []);
  await setLang(lang, false);
  return lang;
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => {
    listeners.delete(fn);
  };
}
