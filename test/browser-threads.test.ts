// Multi-core training in headless Chromium: a page bundled by Vite (as a user's app, no plugins;
// the thread worker script included) trains on two threads when the page is cross-origin
// isolated, bit-identically to one thread, also inside fitAsync's worker (nested workers);
// dispose() ends the workers; without COOP/COEP `threads` falls back to one with the reason.
// Same Chromium (Debian's /usr/bin/chromium) and flags as test/playground.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type InlineConfig, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { isolationHeaders } from '../demo/vite.config.js';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('./fixtures/browser-threads', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-threads-page-'));
const config: InlineConfig = {
  configFile: false,
  root,
  base: './',
  logLevel: 'warn',
  resolve: { alias: { 'wasm-mlp': fileURLToPath(new URL('../dist/index.js', import.meta.url)) } },
  build: { outDir, emptyOutDir: true, target: 'es2022' },
};

interface Trained {
  threads: number;
  reason: string | null;
  before: number;
  losses: number[];
  lossBits: number[];
  parameters: number[];
  predictions: number[];
  parallelCalls: number;
}
type Run = { threads: number | 'auto'; dtype?: 'float32' | 'float64'; worker?: boolean };

let isolatedServer: PreviewServer;
let plainServer: PreviewServer;
let context: BrowserContext;
let userDataDir = '';
const problems: string[] = [];

async function openPage(server: PreviewServer): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(server.resolvedUrls!.local[0]);
  await page.waitForFunction(() => (window as any).threadsPage, null, { timeout: 30_000 });
  return page;
}

const train = (page: Page, run: Run) => page.evaluate((r) => (window as any).threadsPage.train(r), run) as Promise<Trained>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  if (!existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  await build(config);
  const server = (headers: Record<string, string>) => preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: false, headers } });
  isolatedServer = await server(isolationHeaders);
  plainServer = await server({});
  userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await isolatedServer?.close();
  await plainServer?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('threads in Chromium, on a cross-origin-isolated page', () => {
  let page: Page;
  beforeAll(async () => { page = await openPage(isolatedServer); });
  afterAll(async () => { await page?.close(); });

  it('is isolated, and the thread count is what was asked', async () => {
    expect(await page.evaluate(() => (window as any).threadsPage.isolated)).toBe(true);
    const cores: number = await page.evaluate(() => (window as any).threadsPage.cores);
    expect(await page.evaluate(() => (window as any).threadsPage.open('auto'))).toEqual({ threads: Math.min(cores, 16), reason: null });
    await page.evaluate(() => (window as any).kept.dispose());
  });

  it.each(['float32', 'float64'] as const)('%s: fit on two threads gives bit-for-bit the one-thread result', async (dtype) => {
    const one = await train(page, { threads: 1, dtype });
    const two = await train(page, { threads: 2, dtype });
    expect(one.parallelCalls).toBe(0);
    expect(two).toMatchObject({ threads: 2, reason: null });
    expect(two.parallelCalls).toBeGreaterThan(0); // the shared-memory path really ran
    expect(two.losses[two.losses.length - 1]).toBeLessThan(two.before); // it trained
    expect(two.lossBits).toEqual(one.lossBits);
    expect(two.parameters).toEqual(one.parameters);
    expect(two.predictions).toEqual(one.predictions);
    expect(problems).toEqual([]);
  });

  it('fitAsync({ worker: true }) trains on two threads inside its worker (nested workers), bit-for-bit', async () => {
    const started: string[] = [];
    const onWorker = (worker: { url(): string }) => started.push(worker.url());
    page.on('worker', onWorker);
    const two = await train(page, { threads: 2, dtype: 'float32', worker: true });
    page.off('worker', onWorker);
    const one = await train(page, { threads: 1, dtype: 'float32' });
    // The page's network starts one thread worker; fitAsync's worker, its copy of the network, another.
    expect(started).toHaveLength(3);
    expect(two.threads).toBe(2);
    expect(two.losses[two.losses.length - 1]).toBeLessThan(two.before);
    expect(two.lossBits).toEqual(one.lossBits);
    expect(two.parameters).toEqual(one.parameters);
    expect(problems).toEqual([]);
  });

  it('dispose() ends the thread workers without errors', async () => {
    // Only this network's workers count: on a loaded machine Chromium may report the earlier
    // tests' nested workers (inside fitAsync's ended worker) closed only later.
    for (let waited = 0; page.workers().length > 0 && waited < 10_000; waited += 100) await page.waitForTimeout(100);
    const earlier = new Set(page.workers());
    const ours = () => page.workers().filter((w) => !earlier.has(w));
    await page.evaluate(() => (window as any).threadsPage.open(2));
    expect(ours()).toHaveLength(1);
    const closed = new Promise<void>((resolve) => ours()[0].once('close', () => resolve()));
    await page.evaluate(() => (window as any).kept.dispose());
    await closed;
    expect(ours()).toHaveLength(0);
    // (The bundle minifies class names: the message tells the error apart.)
    expect(await page.evaluate(() => { try { (window as any).kept.predict(new Float64Array(128)); return 'no error'; } catch (error) { return (error as Error).message; } })).toMatch(/disposed/);
    await page.waitForTimeout(200);
    expect(problems).toEqual([]);
  });
});

describe('threads in Chromium, on a page without COOP/COEP', () => {
  let page: Page;
  beforeAll(async () => { page = await openPage(plainServer); });
  afterAll(async () => { await page?.close(); });

  it("falls back to one thread, says why, and computes the same numbers", async () => {
    expect(await page.evaluate(() => (window as any).threadsPage.isolated)).toBe(false);
    const one = await train(page, { threads: 1, dtype: 'float32' });
    expect(one.reason).toBeNull();
    for (const threads of ['auto', 2] as const) {
      const run = await train(page, { threads, dtype: 'float32' });
      expect(run.threads).toBe(1);
      expect(run.reason).toMatch(/cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
      expect(run.parallelCalls).toBe(0);
      expect(run.parameters).toEqual(one.parameters);
    }
    expect(page.workers()).toHaveLength(0);
    expect(problems).toEqual([]);
  });
});
