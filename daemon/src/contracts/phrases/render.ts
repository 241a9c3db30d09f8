// Putting a phrase into words with a phrasebook: placeholders filled with
// its parameters — nested phrases rendered the same way, lists joined the
// language's way. No book is imported here: the daemon passes both (index.ts),
// the web UI only the one language it has loaded.
export type PhraseParam = string | number | Phrase | readonly PhraseParam[];

/** On the wire: a key (one this daemon knows, or a newer one's) and its parameters. */
export interface Phrase {
  key: string;
  params: Record<string, PhraseParam>;
}

export type PhraseLanguage = 'en' | 'zh-CN';

const SEPARATOR: Record<PhraseLanguage, string> = { en: '; ', 'zh-CN': '；' };

export const isPhrase = (v: unknown): v is Phrase =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Phrase).key === 'string' && typeof (v as Phrase).params === 'object' && (v as Phrase).params !== null;

/**
 * The phrase with `book` (a key it lacks shows as the key). `format` may
 * render a parameter its own way (the UI shows times in local time);
 * undefined keeps the value as it is.
 */
export function renderWith(p: Phrase, book: Readonly<Record<string, string>>, lang: PhraseLanguage, format?: (name: string, value: string | number) => string | undefined): string {
  const template = (book as Record<string, string | undefined>)[p.key] ?? p.key;
  const value = (name: string, v: PhraseParam | undefined): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string' || typeof v === 'number') return format?.(name, v) ?? String(v);
    if (isPhrase(v)) return renderWith(v, book, lang, format);
    return v.map((x) => value(name, x)).filter(Boolean).join(SEPARATOR[lang]);
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(p.params, name) ? value(name, p.params[name]) : whole));
}
