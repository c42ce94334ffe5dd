// The README's browser example ("In the browser (Vite)", src/main.js) in a user's app, loaded the
// ways users load a package, each without any configuration: the Vite dev server (which serves
// the training worker unbundled from node_modules), a Vite production build, webpack 5, a plain
// <script type="module"> with an import map over a CDN-style folder, and an esbuild bundle.
// Each browser run waits for the text the README promises and keeps a screenshot.
//
// `appDir` must hold node_modules/wasm-mlp (the unpacked tarball or a copy of package.json and
// dist/, never a link: Vite treats a linked package as source, not as a dependency).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The README's browser example and the text its page ends with. */
export function readmeBrowserExample() {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]).find((code) => code.startsWith('// src/main.js'));
  if (!block) throw new Error('README has no ```js block starting with // src/main.js');
  const promised = /The page ends showing `([^`]+)`/.exec(readme)?.[1];
  if (!promised) throw new Error('README no longer says "The page ends showing `…`"');
  return { code: block, promised };
}

/** Writes the app as `npm create vite` leaves it (index.html with #app, src/main.js), plus a plain-ESM page. */
export function writeApp(appDir) {
  const { code, promised } = readmeBrowserExample();
  mkdirSync(join(appDir, 'src'), { recursive: true });
  writeFileSync(join(appDir, 'src/main.js'), code);
  writeFileSync(join(appDir, 'index.html'), '<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>\n<body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n');
  // A CDN-style folder: the package's files as published, found through an import map.
  writeFileSync(join(appDir, 'plain.html'), '<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,">\n<script type="importmap">{ "imports": { "wasm-mlp": "./node_modules/wasm-mlp/dist/index.js" } }</script></head>\n<body><div id="app"></div><script type="module" src="./src/main.js"></script></body></html>\n');
  return promised;
}

/** A copy of the built package in `appDir`/node_modules/wasm-mlp, as `npm install` leaves it. */
export function installCopy(appDir) {
  const target = join(appDir, 'node_modules/wasm-mlp');
  mkdirSync(target, { recursive: true });
  cpSync(join(repo, 'package.json'), join(target, 'package.json'));
  cpSync(join(repo, 'dist'), join(target, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') });
}

/** Opens `url` in Chromium and waits for #app to show `promised`; returns the page's problems and saves a screenshot. */
async function expectPage(context, url, promised, screenshot) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  try {
    await page.goto(url);
    await page.waitForFunction((text) => document.querySelector('#app')?.textContent === text || /failed|Error/.test(document.body.textContent ?? ''), promised, { timeout: 90_000, polling: 200 }).catch(() => {});
    const shown = await page.evaluate(() => document.querySelector('#app')?.textContent ?? '');
    if (screenshot) await page.screenshot({ path: screenshot });
    if (shown !== promised) problems.unshift(`the page shows ${JSON.stringify(shown)}, not ${JSON.stringify(promised)}`);
    return problems;
  } finally {
    await page.close();
  }
}

/** A static server over `dir` (vite preview, no transforms) with cross-origin isolation. */
async function serveStatic(vite, dir, headers) {
  return vite.preview({ configFile: false, root: dir, logLevel: 'silent', build: { outDir: dir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, headers } });
}

/**
 * Runs every loader on the app in `appDir` (see writeApp, installCopy); returns one
 * `{ name, problems }` per loader. `screenshots` is a folder for one PNG per browser run.
 */
export async function runLoaders(appDir, { screenshots, headers = {} } = {}) {
  const vite = await import('vite');
  const { chromium } = await import('playwright-core');
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const promised = writeApp(appDir);
  if (screenshots) mkdirSync(screenshots, { recursive: true });
  const shot = (name) => (screenshots ? join(screenshots, `${name}.png`) : undefined);
  const userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-loaders-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 800, height: 300 } });
  const results = [];
  const run = async (name, fn) => {
    try { results.push({ name, problems: await fn() }); } catch (error) { results.push({ name, problems: [String(error?.stack ?? error)] }); }
  };
  try {
    await run('vite dev', async () => {
      const server = await vite.createServer({ configFile: false, root: appDir, logLevel: 'silent', cacheDir: join(appDir, '.vite-cache'), server: { host: '127.0.0.1', port: 0, strictPort: false, headers } });
      await server.listen();
      try { return await expectPage(context, server.resolvedUrls.local[0], promised, shot('vite-dev')); } finally { await server.close(); }
    });
    await run('vite build', async () => {
      const outDir = join(appDir, 'dist-vite');
      await vite.build({ configFile: false, root: appDir, logLevel: 'silent', base: './', build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: join(appDir, 'index.html') } } });
      const server = await serveStatic(vite, outDir, headers);
      try { return await expectPage(context, server.resolvedUrls.local[0], promised, shot('vite-build')); } finally { await server.close(); }
    });
    await run('webpack 5', async () => {
      const outDir = join(appDir, 'dist-webpack');
      const warnings = await webpackBuild(appDir, outDir);
      writeFileSync(join(outDir, 'index.html'), '<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>\n<body><div id="app"></div><script src="./main.js"></script></body></html>\n');
      const server = await serveStatic(vite, outDir, headers);
      try { return [...warnings, ...await expectPage(context, server.resolvedUrls.local[0], promised, shot('webpack'))]; } finally { await server.close(); }
    });
    await run('plain <script type="module"> (import map, CDN-style folder)', async () => {
      const server = await serveStatic(vite, appDir, headers);
      try { return await expectPage(context, `${server.resolvedUrls.local[0]}plain.html`, promised, shot('plain-esm')); } finally { await server.close(); }
    });
    await run('esbuild bundle (the app and the worker, platform browser)', () => esbuildProblems(appDir));
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return results;
}

/** webpack 5 with no configuration but the entry and output: returns its errors and warnings. */
async function webpackBuild(appDir, outDir) {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolve, reject) => webpack({
    mode: 'production', context: appDir, entry: './src/main.js', output: { path: outDir, filename: 'main.js' }, performance: { hints: false },
  }, (error, result) => (error ? reject(error) : resolve(result))));
  const { errors = [], warnings = [] } = stats.toJson({ all: false, errors: true, warnings: true });
  const problems = [...errors, ...warnings].map((w) => `webpack: ${w.message.split('\n').slice(0, 3).join(' ')}`);
  if (errors.length) throw new Error(problems.join('; '));
  return problems;
}

/** esbuild bundles of the app and of the training worker: no errors, no warnings, no require(). */
async function esbuildProblems(appDir) {
  const esbuild = await import('esbuild');
  const problems = [];
  for (const entry of ['src/main.js', 'node_modules/wasm-mlp/dist/async/worker.js']) {
    const result = await esbuild.build({ absWorkingDir: appDir, entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', outdir: join(appDir, 'dist-esbuild') });
    for (const m of [...result.errors, ...result.warnings]) problems.push(`esbuild ${entry}: ${m.text}`);
    const text = result.outputFiles.map((f) => f.text).join('\n');
    if (/\brequire\(/.test(text)) problems.push(`esbuild ${entry}: the bundle calls require()`);
  }
  return problems;
}
