// Phrases: a text the daemon makes, as a key of the phrasebooks and its
// parameters, rendered in any of their languages — by the web UI in the
// reader's (render.ts, with the one book it loaded), by the SMS code in the
// plan's. `phrase()` checks at compile time that the parameters are exactly
// the key's placeholders. Plain TypeScript, no zod.
import type { AlarmState } from '../values.js';
import { en } from './en.js';
import { renderWith, type Phrase, type PhraseLanguage, type PhraseParam } from './render.js';
import { zhCN } from './zh-CN.js';

export const PHRASEBOOKS: Readonly<Record<PhraseLanguage, Readonly<Record<PhraseKey, string>>>> = { en, 'zh-CN': zhCN };

export type PhraseKey = keyof typeof en;
export { isPhrase, renderWith, type Phrase, type PhraseLanguage, type PhraseParam } from './render.js';

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
export type PhraseParams<K extends PhraseKey> = { [P in Placeholders<(typeof en)[K]>]: PhraseParam };

/** A phrase whose parameters are exactly its key's placeholders. */
export function phrase<K extends PhraseKey>(key: K, ...params: keyof PhraseParams<K> extends never ? [] : [PhraseParams<K>]): Phrase {
  const given: Record<string, PhraseParam> = params[0] ?? {};
  return { key, params: given };
}

/** An alarm's state as a word inside another text. */
export const statePhrase = (s: AlarmState): Phrase => ({ key: `state.${s}` satisfies PhraseKey, params: {} });

/** A list of phrases and values, joined ("; " in English, "；" in Chinese). */
export const phraseList = (items: readonly PhraseParam[]): Phrase => ({ key: 'list', params: { items } });

/** The phrase in `lang` (every key is in both books; an unknown one shows as itself). */
export function renderPhrase(p: Phrase, lang: PhraseLanguage, format?: (name: string, value: string | number) => string | undefined): string {
  return renderWith(p, PHRASEBOOKS[lang], lang, format);
}

/** The English text of a phrase: what goes in the `detail` beside it. */
export const english = (p: Phrase): string => renderPhrase(p, 'en');
