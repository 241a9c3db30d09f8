#!/usr/bin/env node
// Builds the admin UI into web-ui/dist: index.html, app.js, app.css.
//   node web-ui/build.mjs           one minified build, prints sizes
//   node web-ui/build.mjs --watch   rebuild on change
// Exits non-zero on a build error or when gzipped JS+CSS exceeds the budget.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, 'src');
const distDir = path.join(here, 'dist');
const watch = process.argv.includes('--watch');
const BUDGET_GZIP_BYTES = 150 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const shortHash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 12);

/** Copy index.html with ?v=<content hash> on the assets, so browsers drop stale copies after an upgrade. */
async function writeIndex(js, css) {
  let html = await readFile(path.join(srcDir, 'index.html'), 'utf8');
  html = html
    .replace('src="/app.js"', `src="/app.js?v=${shortHash(js)}"`)
    .replace('href="/app.css"', `href="/app.css?v=${shortHash(css)}"`);
  await writeFile(path.join(distDir, 'index.html'), html);
  return Buffer.from(html);
}

function report(files) {
  const rows = Object.entries(files).map(([name, buf]) => [name, buf.length, gzipSync(buf, { level: 9 }).length]);
  const width = Math.max(...rows.map(([n]) => n.length));
  console.log(`${path.relative(process.cwd(), distDir) || '.'}/`);
  for (const [name, raw, gz] of rows) {
    console.log(`  ${name.padEnd(width)}  ${kb(raw).padStart(9)}   gzip ${kb(gz).padStart(8)}`);
  }
  const assetsGz = rows.filter(([n]) => n !== 'index.html').reduce((sum, [, , gz]) => sum + gz, 0);
  console.log(`  JS+CSS gzipped: ${kb(assetsGz)} (budget ${kb(BUDGET_GZIP_BYTES)})`);
  return assetsGz;
}

const finish = {
  name: 'callpoint-finish',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length > 0) {
        if (!watch) process.exitCode = 1;
        return;
      }
      const js = await readFile(path.join(distDir, 'app.js'));
      const css = await readFile(path.join(distDir, 'app.css'));
      const html = await writeIndex(js, css);
      if (watch) console.log(`[${new Date().toLocaleTimeString()}] built`);
      const gz = report({ 'index.html': html, 'app.js': js, 'app.css': css });
      if (gz > BUDGET_GZIP_BYTES) {
        console.error('error: gzipped JS+CSS is over budget');
        if (!watch) process.exitCode = 1;
      }
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: { app: path.join(srcDir, 'main.tsx') },
  outdir: distDir,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  sourcemap: false,
  charset: 'utf8',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  tsconfig: path.join(here, 'tsconfig.json'),
  logLevel: 'warning',
  plugins: [finish],
};

await rm(distDir, { recursive: true, force: true });
await mkdir(distDir, { recursive: true });

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching web-ui/src … (Ctrl-C to stop)');
} else {
  try {
    await esbuild.build(options);
  } catch {
    process.exitCode = 1; // esbuild has already printed the errors
  }
}
