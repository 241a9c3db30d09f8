// A configuration as the API returns it (as written in the file, secrets
// masked), typed by the schema's input so tests edit it without casts.
import type { ConfigInput } from '../../src/config/schema.js';

type Sections = { [K in keyof ConfigInput]-?: NonNullable<ConfigInput[K]> };
export type Written = Sections & { lines: NonNullable<Sections['lines']> & { modems: NonNullable<NonNullable<ConfigInput['lines']>['modems']> } };

/** A deep copy of an API answer's `config`, to edit. */
export const written = (config: unknown): Written => structuredClone(config) as Written;
