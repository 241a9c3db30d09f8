// `make docs`: write the configuration reference, generated from the schema,
// between the markers in README.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReference } from '../daemon/src/config/reference.js';

const file = join(import.meta.dirname, '..', 'README.md');
const text = readFileSync(file, 'utf8');
const start = '<!-- config-reference:start -->';
const end = '<!-- config-reference:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) throw new Error('README.md lacks the config-reference markers');
writeFileSync(file, `${text.slice(0, a + start.length)}\n${configReference()}${text.slice(b)}`);
console.log('README.md: configuration reference updated');
