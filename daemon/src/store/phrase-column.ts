// A phrase (contracts/phrases) in a TEXT column, as JSON; NULL for none. A
// value that does not read back as a phrase (written by hand, damaged) is
// none: the English detail beside it still says what happened.
import { isPhrase, type Phrase } from '../contracts/phrases/index.js';

export const phraseToColumn = (p: Phrase | null | undefined): string | null => (p ? JSON.stringify(p) : null);

export function phraseFromColumn(text: string | null): Phrase | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return isPhrase(v) ? v : null;
  } catch {
    return null;
  }
}
