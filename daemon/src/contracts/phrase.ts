// A phrase on the wire: { key, params }, beside the English text it renders
// to (the phrasebooks and the renderer are in phrases/, plain data the web UI
// bundles). A parameter is a string, a number, a phrase or a list of them.
import { z } from 'zod';
import type { Phrase, PhraseParam } from './phrases/render.js';

export type { Phrase, PhraseLanguage, PhraseParam } from './phrases/render.js';
export type { PhraseKey } from './phrases/index.js';

const param: z.ZodType<PhraseParam> = z.lazy(() => z.union([z.string(), z.number(), phraseSchema, z.array(param)]));
export const phraseSchema: z.ZodType<Phrase> = z.object({ key: z.string(), params: z.record(z.string(), param) });
