// The documentation site as a reader gets it: `npm run docs:build` (the API reference from the
// doc comments, then VitePress) must succeed; every internal link of every built page must reach
// a page, and its #anchor an element of that page; and the worked example's page, opened in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core), must compute the
// step's numbers with the library in the page: loss 3.25 before, 2.855… after. Screenshots at
// 1280 × 720 and 390 × 844 go to test-artifacts/docs-site/. DOCS_SITE_BUILT=1 tests the site
// already in docs/.vitepress/dist instead of building it again.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const site = join(root, 'docs/.vitepress/dist');
const artifacts = join(root, 'test-artifacts/docs-site');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Every file under a folder, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** The built file a site path names, with cleanUrls: /guide/cli → guide/cli.html, /api/ → api/index.html. */
function fileFor(path: string): string | null {
  const clean = decodeURIComponent(path.replace(/^\//, ''));
  for (const candidate of [clean, `${clean}.html`, join(clean, 'index.html')]) {
    const full = join(site, candidate);
    if (candidate && existsSync(full) && statSync(full).isFile()) return full;
  }
  return clean === '' ? join(site, 'index.html') : null;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

let built = false;
beforeAll(async () => {
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  if (process.env.DOCS_SITE_BUILT !== '1') await promisify(execFile)(process.execPath, ['scripts/build-docs.mjs'], { cwd: root, timeout: 600_000, maxBuffer: 64 << 20 });
  built = true;
}, 600_000);

describe('the built site', () => {
  it('has every page of docs/ but none of docs/_incoming, and the API reference', () => {
    expect(built).toBe(true);
    const pages = files(site).filter((f) => f.endsWith('.html'));
    for (const page of ['index.html', 'guide/getting-started.html', 'guide/worked-example.html', 'guide/errors-and-limits.html', 'guide/migrating.html', 'internals/architecture.html', 'benchmarks.html', 'api/index.html', 'api/index/classes/MLP.html', 'api/inference/classes/Predictor.html']) {
      expect(pages, page).toContain(page);
    }
    expect(pages.some((p) => p.startsWith('_incoming'))).toBe(false);
    const mlp = readFileSync(join(site, 'api/index/classes/MLP.html'), 'utf8');
    expect(mlp).toContain('predictInto');
    expect(mlp).toMatch(/Throws/);
  });

  it('links every internal link to a page that exists, and every #anchor to an element of it', () => {
    const ids = new Map<string, Set<string>>();
    const idsOf = (file: string) => {
      if (!ids.has(file)) ids.set(file, new Set([...readFileSync(file, 'utf8').matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
      return ids.get(file)!;
    };
    const broken: string[] = [];
    let checked = 0;
    for (const page of files(site).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(site, page), 'utf8');
      for (const [, href] of html.matchAll(/<a\b[^>]*?\shref="([^"]*)"/g)) {
        if (/^([a-z]+:|\/\/)/i.test(href)) continue; // another site
        const [path, hash] = href.split('#');
        const base = '/' + page.replace(/(index)?\.html$/, '');
        const target = path === '' ? join(site, page) : fileFor(new URL(path, `http://site${base}`).pathname);
        checked++;
        if (!target) broken.push(`${page}: ${href} (no such page)`);
        else if (hash && target.endsWith('.html') && !idsOf(target).has(decodeURIComponent(hash))) broken.push(`${page}: ${href} (no #${hash} in ${relative(site, target)})`);
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(broken).toEqual([]);
  });
});

describe('the worked example, live in Chromium', () => {
  let server: Server;
  let context: BrowserContext;
  let origin = '';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const file = fileFor(new URL(request.url ?? '/', 'http://site').pathname);
      if (!file) { response.writeHead(404).end(); return; }
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wasm-mlp-docs-chromium-')), { executablePath: CHROMIUM, headless: true, args: FLAGS });
    mkdirSync(artifacts, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it.each([[1280, 720], [390, 844]])('at %i × %i the page computes loss 3.25 → 2.855… with the library', async (width, height) => {
    expect(built).toBe(true);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => { if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`); });
    await page.setViewportSize({ width, height });
    await page.goto(`${origin}/guide/worked-example`);
    await page.waitForSelector('.live-worked-example[data-state="done"], .live-worked-example[data-state="failed"]', { timeout: 60_000 });
    expect(await page.locator('.live-worked-example').getAttribute('data-state'), await page.locator('.live-worked-example').innerText()).toBe('done');
    const value = (id: string) => page.locator(`[data-value="${id}"]`).innerText();
    expect(await value('loss-before')).toBe('3.25');
    expect(await value('gradient')).toBe('(3.4, 1.7, 1.7, 5.1, -0.2)');
    expect(await value('theta-after')).toBe('(0.966, 0.983, -0.017, 0.949, 0.002)');
    expect(await value('loss-after')).toMatch(/^2\.855647324\d$/);
    expect(await value('summary-after')).toBe('2.855');
    // The walkthrough workedExample() printed in the page, line for line the library's own.
    const walkthrough = await page.locator('.walkthrough').textContent();
    expect(walkthrough).toContain('L(D) = ½ (2.89 + 3.61) = 3.25');
    expect(walkthrough).toContain('∇θ L(D) = (3.4, 1.7, 1.7, 5.1, −0.2)');
    await page.locator('.live-worked-example').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifacts, `worked-example-${width}x${height}.png`) });
    // The table fits the width: no horizontal scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
