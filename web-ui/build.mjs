#!/usr/bin/env node
// Builds the admin UI into web-ui/dist: index.html and the assets named by
// their content — app-<hash>.js|css, and chunk-<hash>.js for each language's
// texts, for each page fetched when first opened (src/lazy-pages.ts) and for
// the code these share with the entry — each also compressed ahead of time as
// .br (brotli, best) and .gz (gzip -9), which the daemon serves by
// Accept-Encoding and lets browsers keep for a year (a new build is new names).
//   node web-ui/build.mjs           one minified build, prints sizes
//   node web-ui/build.mjs --watch   rebuild on change
// Exits non-zero on a build error or when gzipped JS+CSS exceeds the budget.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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

const gzip = (buf) => gzipSync(buf, { level: 9 });
const brotli = (buf) => brotliCompressSync(buf, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: buf.length } });

/**
 * The build's outputs are named by their content by esbuild (app-<hash>.js,
 * app-<hash>.css, chunk-<hash>.js for each language's texts): write .br and
 * .gz beside each, index.html pointing at the entry, and drop the previous
 * build's files (--watch). Returns the names and bytes for the report.
 */
async function writeAssets(metafile) {
  const outputs = Object.entries(metafile.outputs).map(([file, o]) => ({ file, name: path.basename(file), o }));
  // Every import() is an entry point of its own in the metafile: the page's is the one named app-.
  const entry = outputs.find((x) => x.name.startsWith('app-') && x.name.endsWith('.js'));
  const css = entry?.o.cssBundle ? path.basename(entry.o.cssBundle) : undefined;
  if (!entry || !css) throw new Error('the build made no app-<hash>.js and .css');
  const names = new Set(outputs.map((x) => x.name));
  for (const f of await readdir(distDir)) if (/^(app|chunk)-/.test(f) && !names.has(f.replace(/\.(br|gz)$/, ''))) await rm(path.join(distDir, f));
  const files = {};
  for (const { name } of outputs) {
    const buf = await readFile(path.join(distDir, name));
    files[name] = buf;
    await writeFile(path.join(distDir, `${name}.br`), brotli(buf));
    await writeFile(path.join(distDir, `${name}.gz`), gzip(buf));
  }
  let html = await readFile(path.join(srcDir, 'index.html'), 'utf8');
  // The chunks the entry imports statically (code it shares with the lazy pages) are fetched beside it,
  // not after it has been parsed.
  const preload = staticImports(metafile, entry.file).map((f) => `<link rel="modulepreload" href="/${path.basename(f)}">`);
  html = html
    .replace('src="/app.js"', `src="/${entry.name}"`)
    .replace('href="/app.css"', `href="/${css}"`)
    .replace('<script type="module"', `${preload.map((l) => `${l}\n`).join('')}<script type="module"`);
  await writeFile(path.join(distDir, 'index.html'), html);
  return { 'index.html': Buffer.from(html), ...files };
}

/** The outputs `file` imports statically, directly or through another, in load order. */
function staticImports(metafile, file, seen = new Set()) {
  for (const i of metafile.outputs[file].imports) {
    if (i.kind !== 'import-statement' || seen.has(i.path)) continue;
    seen.add(i.path);
    staticImports(metafile, i.path, seen);
  }
  return [...seen];
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
  console.log(`  JS+CSS gzipped: ${kb(assetsGz)}, brotli ${kb(assets.reduce((sum, [, , , br]) => sum + br, 0))} (budget ${kb(BUDGET_GZIP_BYTES)} gzipped, every chunk; a first load takes the entry, its shared chunks and one language)`);
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
      let files;
      try {
        files = await writeAssets(result.metafile);
      } catch (e) {
        console.error(`error: ${e instanceof Error ? e.message : e}`);
        process.exitCode = 1;
        return;
      }
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
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  metafile: true,
  bundle: true,
  // ES modules, split: each language's texts, and each page of lazy-pages.ts, are a chunk the page loads when it
  // needs it (a dynamic import()).
  format: 'esm',
  splitting: true,
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
