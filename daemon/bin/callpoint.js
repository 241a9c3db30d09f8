#!/usr/bin/env node
// The `callpoint` command. Runs the compiled code from dist/ when it exists
// (production, `make run`), else the TypeScript sources through tsx (development).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compiled = join(root, 'dist', 'daemon', 'src', 'cli', 'main.js');
let entry = compiled;
if (!existsSync(compiled) || process.env.CALLPOINT_FROM_SOURCE === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  entry = join(root, 'daemon', 'src', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2), process.env);
process.exitCode = code;
if (process.argv[2] === 'run') process.exit(code);
