// A web app built from the installed tarball: test/package/smoke/vite-app, copied with the smoke
// suite into the consumer project (whose node_modules/wasm-mlp is the unpacked tarball, not a
// link to this repository), built by Vite, served with COOP/COEP by `vite preview`, and run in
// Debian's Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';
import { isolationHeaders } from '../../demo/vite.config.js';
import { workedExample } from './smoke/workloads.mjs';
import { runCheck } from './check.mjs';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds and opens the page; returns `{ name, passed, failed, failures }` like a runtime's smoke run. */
export async function testViteConsumer(consumerDir) {
  const root = join(consumerDir, 'vite-app'); // copied there with the smoke suite
  const outDir = join(root, 'dist');
  const config = { configFile: false, root, base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022' } };
  await build(config);
  const server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: false, headers: isolationHeaders } });
  const userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-consumer-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  const summary = { name: `Chromium ${context.browser()?.version() ?? ''}`.trim(), passed: 0, failed: 0, skipped: 0, failures: [] };
  const problems = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
    await page.goto(server.resolvedUrls.local[0]);
    await page.waitForFunction(() => window.consumer, null, { timeout: 60_000 });
    summary.name += ` (${await page.evaluate(() => window.consumer.kernels)} kernels)`;
    const checks = [
      ['the page is cross-origin isolated', async () => {
        if (!(await page.evaluate(() => window.consumer.isolated))) throw new Error('crossOriginIsolated is false');
      }],
      ['worked example: loss 3.25, gradient (3.4, 1.7, 1.7, 5.1, -0.2), then 2.855 after one SGD step', async () => {
        const r = await page.evaluate(() => window.consumer.workedExample());
        const near = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
        const ok = near(r.loss, workedExample.loss) && r.gradient.every((g, i) => near(g, workedExample.gradient[i])) && near(r.after, workedExample.lossAfter);
        if (!ok) throw new Error(JSON.stringify(r));
      }],
      ...[false, true].map((worker) => [`${worker ? 'fitAsync({ worker: true })' : 'fit'} on two threads: bit-identical to one thread`, async () => {
        const two = await page.evaluate((w) => window.consumer.train(2, w), worker);
        const one = await page.evaluate(() => window.consumer.train(1, false));
        if (two.threads !== 2) throw new Error(`threads ${two.threads}: ${two.reason}`);
        if (!(two.losses[2] < two.before)) throw new Error(`loss ${two.losses} did not fall below ${two.before}`);
        if (two.lossBits !== one.lossBits || two.parameterBits !== one.parameterBits) throw new Error('two threads differ from one');
      }]),
      ['quantized models: every int8 kernel gives the same outputs, the relaxed dot is chosen, int8 and float16 classify as float32 does', async () => {
        const r = await page.evaluate(() => window.consumer.quantized());
        console.log(`        int8 kernels by variant: ${r.kernels.join(', ')}; chosen: ${r.kernel}`);
        if (!r.sameBits || r.kernel !== 'relaxed-dot' || r.int8Agree < 145 || r.float16Agree < 149) throw new Error(JSON.stringify(r));
      }],
      ['no page errors', async () => {
        if (problems.length) throw new Error(problems.join('; '));
      }],
    ];
    for (const [name, fn] of checks) await runCheck(summary, name, fn);
  } finally {
    await context.close();
    await server.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return summary;
}
