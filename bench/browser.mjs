// `npm run bench:browser [-- --quick]`: the workloads of bench/browser/workloads.js in headless
// Chromium (relaxed-SIMD on by default there), on a cross-origin-isolated page built and served
// by Vite, wasm-mlp on one and two threads beside a plain JS loop and tfjs-layers on
// tfjs-backend-wasm (single-threaded SIMD build) and tfjs-backend-cpu in the same page; then
// the wasm-mlp rows again in this Node process. Prints Markdown tables (for BENCHMARKS.md) with
// each row's ratio to the table's first row (wasm-mlp on one thread: predictInto, or fit) in
// the same page, and writes
// bench/browser-results.json.
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';
import { Bench } from 'tinybench';
import { MLP, kernelVariant } from '../dist/index.js';
import { isolationHeaders } from '../demo/vite.config.js';
import { WORKLOADS, measure, wasmMlpContenders } from './browser/workloads.js';

const quick = process.argv.includes('--quick');
const settings = { rounds: quick ? 1 : 3, time: quick ? 100 : 500 };
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const work = mkdtempSync(join(os.tmpdir(), 'wasm-mlp-bench-browser-'));
// tfjs-backend-wasm fetches its .wasm files by name from the path the page sets (./tfjs/).
cpSync(here('../node_modules/@tensorflow/tfjs-backend-wasm/dist'), join(work, 'public/tfjs'), { recursive: true, filter: (p) => statSync(p).isDirectory() || p.endsWith('.wasm') });
const config = {
  configFile: false, root: here('./browser'), base: './', logLevel: 'warn', publicDir: join(work, 'public'),
  resolve: { alias: { 'wasm-mlp': here('../dist/index.js') } },
  // tfjs makes a large page; its size is no concern here.
  build: { outDir: join(work, 'out'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
};

const results = { date: new Date().toISOString(), cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, load: os.loadavg(), settings, browser: {}, nodeRows: [] };
let server, context;
try {
  await build(config);
  server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: false, headers: isolationHeaders } });
  context = await chromium.launchPersistentContext(join(work, 'chromium'), {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  for (const threads of [1, 2]) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.resolvedUrls.local[0]}?threads=${threads}`);
    await page.waitForFunction(() => window.benchPage, null, { timeout: 60_000 });
    if (!(await page.evaluate(() => window.benchPage.isolated))) throw new Error('the page is not cross-origin isolated');
    const run = await page.evaluate((s) => window.benchPage.run(s), settings);
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    results.browser[threads] = run;
    console.error(`chromium, ${run.threads} thread(s): done (kernels '${run.kernelVariant}', ${run.cores} cores)`);
    await page.close();
  }
  for (const threads of [1, 2]) {
    const mlp = await wasmMlpContenders(MLP, threads);
    results.nodeRows.push(...(await measure(Bench, mlp.contenders.filter((c) => c.name.startsWith('wasm-mlp')), settings)));
    mlp.dispose();
  }
} finally {
  await context?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
}
results.loadAfter = os.loadavg();

writeFileSync(here('./browser-results.json'), JSON.stringify(results, null, 2));
const format = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));
const ua = results.browser[1].userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0];
const load = (l) => l.map((v) => v.toFixed(1)).join(', ');
console.log(`${results.cpu}, ${results.cores} cores; ${ua} kernels '${results.browser[1].kernelVariant}'; Node ${results.node} kernels '${kernelVariant()}'; ${settings.rounds} rounds × ${settings.time} ms; load average ${load(results.load)} before, ${load(results.loadAfter)} after\n`);
for (const w of WORKLOADS) {
  console.log(`#### ${w.title}\n\n| where | contender | ${w.metric} (median) | µs per sample | first row ÷ this |\n| --- | --- | ---: | ---: | ---: |`);
  const browserRows = [1, 2].flatMap((t) => results.browser[t].rows.filter((r) => r.workload === w.id));
  const base = browserRows[0].rate;
  for (const r of browserRows) console.log(`| Chromium | ${r.contender} | ${format(r.rate)} | ${(1e6 / r.rate).toFixed(2)} | ×${(base / r.rate).toFixed(2)} |`);
  for (const r of results.nodeRows.filter((r) => r.workload === w.id)) console.log(`| Node | ${r.contender} | ${format(r.rate)} | ${(1e6 / r.rate).toFixed(2)} | |`);
  console.log('');
}
