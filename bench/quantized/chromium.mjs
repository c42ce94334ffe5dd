// Builds bench/quantized/ with Vite (wasm-mlp from dist/), opens it in Debian's headless Chromium
// and returns its speed rows.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { chromium } from 'playwright-core';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export async function chromiumSpeed(networks, settings) {
  const work = mkdtempSync(join(os.tmpdir(), 'wasm-mlp-bench-quantized-'));
  const config = {
    configFile: false, root: here('.'), base: './', logLevel: 'warn',
    resolve: { alias: { 'wasm-mlp/inference': here('../../dist/inference/index.js'), 'wasm-mlp': here('../../dist/index.js') } },
    build: { outDir: join(work, 'out'), emptyOutDir: true, target: 'es2022' },
  };
  let server, context;
  try {
    await build(config);
    server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    context = await chromium.launchPersistentContext(join(work, 'chromium'), {
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(server.resolvedUrls.local[0]);
    await page.waitForFunction(() => window.benchPage, null, { timeout: 60_000 });
    const result = await page.evaluate(([n, s]) => window.benchPage.run(n, s), [networks, settings]);
    if (errors.length) throw new Error(`the page failed: ${errors.join('; ')}`);
    return { name: result.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium', rows: result.rows };
  } finally {
    await context?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}
