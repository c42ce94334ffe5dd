// backend 'webgpu' in headless Chromium on the browser's own navigator.gpu: with
// --enable-unsafe-webgpu, Chromium gives its SwiftShader adapter (asserted, so a missing or null
// adapter fails rather than passes). The page imports the library unbundled from dist/ and trains
// XOR with fitAsync, predicts with predictAsync, and hands the network to wasm through save().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('..', import.meta.url));
const page = readFileSync(fileURLToPath(new URL('./fixtures/browser-webgpu/index.html', import.meta.url)));
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

let server: Server;
let context: BrowserContext;
let userDataDir = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  // http://127.0.0.1 is a secure context, as WebGPU needs: the page, and dist/ beside it.
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname));
    const file = path === '/' ? null : join(root, path);
    if (file && !(path.startsWith('/dist/') && existsSync(file))) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': file ? TYPES[extname(file)] ?? 'application/octet-stream' : 'text/html' }).end(file ? readFileSync(file) : page);
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  userDataDir = mkdtempSync(join(tmpdir(), 'wasm-mlp-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await context?.close();
  server?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

describe("backend 'webgpu' in Chromium", () => {
  it('trains XOR on navigator.gpu (SwiftShader), predicts on the GPU, and a wasm copy agrees', async () => {
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    const address = server.address() as { port: number };
    await tab.goto(`http://127.0.0.1:${address.port}/`);
    await tab.waitForFunction(() => (window as any).webgpuPage, null, { timeout: 30_000 });
    const result = await tab.evaluate(() => (window as any).webgpuPage.xor()) as {
      adapter: { vendor: string; architecture: string }; backend: string; loss: number[]; outputs: number[][]; wasmOutputs: number[][]; syncError: string;
    };
    expect(problems).toEqual([]);
    expect(result.adapter).toEqual({ vendor: 'google', architecture: 'swiftshader' });
    expect(result.backend).toBe('webgpu');
    expect(result.loss.length).toBe(200);
    expect(result.loss.at(-1)!).toBeLessThan(result.loss[0] / 3);
    result.outputs.forEach((row, i) => expect(Math.abs(row[0] - result.wasmOutputs[i][0])).toBeLessThan(1e-5));
    expect(result.syncError).toMatch(/^predict: a network on backend 'webgpu' cannot predict synchronously .* use await net\.predictAsync/);
  }, 180_000);
});
