// The playground (demo/) end to end in headless Chromium: built with Vite exactly as a user's
// app would be (no plugins), served statically, driven with playwright-core. Needs Debian's
// chromium at /usr/bin/chromium (.ci/run installs it). Screenshots go to test-artifacts/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const configFile = join(root, 'demo/vite.config.js');
const artifacts = join(root, 'test-artifacts');

let server: PreviewServer;
let context: BrowserContext;
let page: Page;
let userDataDir = '';
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  await build({ configFile, logLevel: 'warn' });
  server = await preview({ configFile, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1180, height: 760 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`); });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  mkdirSync(artifacts, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe('the playground in Chromium', () => {
  it('loads, trains in a worker, lowers the loss and redraws the boundary', async () => {
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForFunction(() => (window as unknown as { playground?: { net: unknown } }).playground?.net, null, { timeout: 30_000 });
    // vite.config.js sends COOP/COEP, so the page may share memory and its network is threaded ('auto').
    const threading = await page.evaluate(() => {
      const { net } = (window as any).playground;
      return { isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, threads: net.threads as number, reason: net.threadsFallbackReason as string | null, shown: document.getElementById('threads')!.textContent, note: document.getElementById('threads-note')!.textContent };
    });
    expect(threading.isolated).toBe(true);
    expect(threading.reason).toBeNull();
    expect(threading.threads).toBe(Math.min(threading.cores, 16));
    expect(threading.shown).toBe(String(threading.threads));
    expect(threading.note).toContain(`Up to ${threading.threads} threads`);
    await page.selectOption('#dataset', 'spiral');
    await page.waitForFunction(() => (window as any).playground.epoch === 0 && (window as any).playground.data.points.length === 400);
    const before = await page.evaluate(() => {
      const { net, data } = (window as any).playground;
      return { loss: net.loss(data.X, data.labels) as number, picture: (document.getElementById('boundary') as HTMLCanvasElement).toDataURL() };
    });

    await page.click('#start');
    await page.waitForFunction(() => (window as any).playground.epoch >= 150, null, { timeout: 45_000 });
    const rate = Number((await page.textContent('#rate'))!.replace(/,/g, ''));
    await page.click('#start'); // pause
    await page.waitForFunction(() => !(window as any).playground.training);
    await page.waitForTimeout(100);

    const after = await page.evaluate(() => {
      const { net, data, losses, epoch } = (window as any).playground;
      return {
        loss: net.loss(data.X, data.labels) as number, losses: losses as number[], epoch: epoch as number,
        picture: (document.getElementById('boundary') as HTMLCanvasElement).toDataURL(),
        shown: document.getElementById('loss')!.textContent, accuracy: document.getElementById('accuracy')!.textContent,
      };
    });
    await page.screenshot({ path: join(artifacts, 'playground.png') });

    // Training (in the worker) lowered the loss of the page's own network, whose θ came back from it.
    expect(after.epoch).toBeGreaterThanOrEqual(150);
    expect(after.loss).toBeLessThan(before.loss * 0.6);
    expect(after.losses[after.losses.length - 1]).toBeLessThan(after.losses[0]);
    expect(Number(after.shown)).toBeCloseTo(after.losses[after.losses.length - 1], 3);
    expect(parseFloat(after.accuracy!)).toBeGreaterThan(60);
    expect(after.picture).not.toBe(before.picture);
    expect(rate).toBeGreaterThan(0);
    expect(await page.textContent('#status')).toMatch(/Paused after epoch \d+/);
    expect(problems).toEqual([]);
  });

  it('shows the seed’s worked example step by step', async () => {
    await page.click('#tab-seed');
    await expect.poll(() => page.textContent('#seed-position')).toMatch(/step 0 of 7/);
    for (let i = 0; i < 5; i++) await page.click('#seed-next');
    const text = await page.textContent('#seed-steps li.current');
    expect(text).toContain('5. One gradient-descent step');
    expect(text).toContain('(0.966, 0.983, −0.017, 0.949, 0.002)');
    expect(await page.textContent('#seed-net')).toContain('w0 = 0.966');
    expect(await page.textContent('#seed-steps')).toContain('∇θ L(D) = (3.4, 1.7, 1.7, 5.1, −0.2)');
    await page.screenshot({ path: join(artifacts, 'playground-seed.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
