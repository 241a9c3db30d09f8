#!/usr/bin/env node
// Builds the admin UI into web-ui/dist: index.html and the assets named by
// their content — app-<hash>.js, app-<hash>.css — each also compressed ahead
// of time as .br (brotli, best) and .gz (gzip -9), which the daemon serves by
// Accept-Encoding and lets browsers keep for a year (a new build is a new name).
//   node web-ui/build.mjs           one minified build, prints sizes
//   node web-ui/build.mjs --watch   rebuild on change
// Exits non-zero on a build error or when gzipped JS+CSS exceeds the budget.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(here, 'src');
const distDir = path.join(here, 'dist');
const watch = process.argv.includes('--watch');
const BUDGET_GZIP_BYTES = 150 * 1024;

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const shortHash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 12);

const gzip = (buf) => gzipSync(buf, { level: 9 });
const brotli = (buf) => brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length } });

/**
 * Rename app.js and app.css to their content-hashed names, write their .br and
 * .gz beside them, and index.html pointing at them; drop the previous build's
 * assets (--watch). Returns the names and bytes for the report.
 */
async function writeAssets(js, css) {
  const names = { js: `app-${shortHash(js)}.js`, css: `app-${shortHash(css)}.css` };
  for (const f of await readdir(distDir)) if (/^app-[0-9a-f]{12}\./.test(f) && !Object.values(names).some((n) => f.startsWith(n))) await rm(path.join(distDir, f));
  await rename(path.join(distDir, 'app.js'), path.join(distDir, names.js));
  await rename(path.join(distDir, 'app.css'), path.join(distDir, names.css));
  const files = { [names.js]: js, [names.css]: css };
  for (const [name, buf] of Object.entries(files)) {
    await writeFile(path.join(distDir, `${name}.br`), brotli(buf));
    await writeFile(path.join(distDir, `${name}.gz`), gzip(buf));
  }
  let html = await readFile(path.join(srcDir, 'index.html'), 'utf8');
  html = html.replace('src="/app.js"', `src="/${names.js}"`).replace('href="/app.css"', `href="/${names.css}"`);
  await writeFile(path.join(distDir, 'index.html'), html);
  return { 'index.html': Buffer.from(html), ...files };
}

function report(files) {
  const rows = Object.entries(files).map(([name, buf]) => [name, buf.length, gzip(buf).length, brotli(buf).length]);
  const width = Math.max(...rows.map(([n]) => n.length));
  console.log(`${path.relative(process.cwd(), distDir) || '.'}/`);
  for (const [name, raw, gz, br] of rows) {
    console.log(`  ${name.padEnd(width)}  ${kb(raw).padStart(9)}   gzip ${kb(gz).padStart(8)}   brotli ${kb(br).padStart(8)}`);
  }
  const assets = rows.filter(([n]) => n !== 'index.html');
  const assetsGz = assets.reduce((sum, [, , gz]) => sum + gz, 0);
  console.log(`  JS+CSS gzipped: ${kb(assetsGz)}, brotli ${kb(assets.reduce((sum, [, , , br]) => sum + br, 0))} (budget ${kb(BUDGET_GZIP_BYTES)} gzipped)`);
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
      const files = await writeAssets(js, css);
      if (watch) console.log(`[${new Date().toLocaleTimeString()}] built`);
      const gz = report(files);
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
