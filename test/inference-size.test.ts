// What an app that only predicts ships: a Vite production build of a page importing only
// `wasm-mlp/inference` must stay within 30 kB gzip of JavaScript plus the .wasm a browser loads.
// The JavaScript counted is what the page loads for a float32 model: its entry chunk and every
// chunk that imports statically. Code for quantized models, input stages and the safetensors and
// JSON readers sits in chunks imported only for such a model, whose sizes are printed beside.
// The same page importing the full entry is built too, so both sizes are printed side by side.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const BUDGET = 30 * 1024;
const dist = (path: string) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface PageSize { js: number; lazyJs: number; wasm: { name: string; gzip: number }[]; jsText: string; loadedText: string }
interface ManifestChunk { file: string; isEntry?: boolean; imports?: string[] }

/** Builds a one-script page with `source` as its script; returns gzip sizes of what Vite emits. */
async function buildPage(source: string): Promise<PageSize> {
  const root = mkdtempSync(join(tmpdir(), 'wasm-mlp-size-'));
  dirs.push(root);
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(root, 'main.js'), source);
  const outDir = join(root, 'out');
  await build({
    configFile: false, root, base: './', logLevel: 'warn',
    resolve: { alias: { 'wasm-mlp/inference': dist('inference/index.js'), 'wasm-mlp': dist('index.js') } },
    // Every .wasm as its own file: Vite's default inlines assets under 4 KiB as base64 into the JS,
    // which would count the forward-only float32 builds (≈ 4 KiB each) as code.
    build: { outDir, emptyOutDir: true, target: 'es2022', assetsInlineLimit: 0, manifest: true },
  });
  const files = readdirSync(join(outDir, 'assets')).map((name) => ({ name, bytes: readFileSync(join(outDir, 'assets', name)) }));
  const js = files.filter((f) => f.name.endsWith('.js'));
  // The chunks the page loads before any dynamic import: the entry's and their static imports.
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const loaded = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || loaded.has(chunk.file)) return;
    loaded.add(chunk.file);
    chunk.imports?.forEach(visit);
  };
  Object.keys(manifest).filter((key) => manifest[key].isEntry).forEach(visit);
  const gzip = (f: { bytes: Buffer }) => gzipSync(f.bytes, { level: 9 }).length;
  const isLoaded = (f: { name: string }) => loaded.has(`assets/${f.name}`);
  if (!js.some(isLoaded)) throw new Error(`the build manifest names none of the emitted scripts: ${[...loaded].join(', ')}`);
  return {
    js: js.filter(isLoaded).reduce((sum, f) => sum + gzip(f), 0),
    lazyJs: js.filter((f) => !isLoaded(f)).reduce((sum, f) => sum + gzip(f), 0),
    jsText: js.map((f) => f.bytes.toString('utf8')).join('\n'),
    loadedText: js.filter(isLoaded).map((f) => f.bytes.toString('utf8')).join('\n'),
    wasm: files.filter((f) => f.name.endsWith('.wasm')).map((f) => ({ name: f.name, gzip: gzipSync(f.bytes, { level: 9 }).length })),
  };
}

const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;

describe('bundle size', () => {
  it('a page importing only wasm-mlp/inference ships ≤ 30 kB gzip of JS + the wasm it loads; the full entry is measured beside it', async () => {
    if (!existsSync(dist('inference/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const inference = await buildPage(`import { Predictor } from 'wasm-mlp/inference';
      const bytes = await (await fetch('./model.wmlp')).arrayBuffer();
      const predictor = await Predictor.load(bytes);
      document.body.textContent = String(predictor.predict(new Float32Array(predictor.inputSize)));`);
    const full = await buildPage(`import { MLP } from 'wasm-mlp';
      const net = await MLP.load(await (await fetch('./model.wmlp')).arrayBuffer());
      document.body.textContent = String(net.predict(new Float32Array(net.layers[0])));`);
    const largest = (p: PageSize) => Math.max(...p.wasm.map((w) => w.gzip));
    const loaded = inference.js + largest(inference);
    console.log([
      `wasm-mlp/inference: JS ${kB(inference.js)} + largest forward-only .wasm ${kB(largest(inference))} = ${kB(loaded)} gzip loaded; ${kB(inference.lazyJs)} more JS only for quantized models, input stages, safetensors and JSON files; ${inference.wasm.length} .wasm variants emitted, ${kB(inference.wasm.reduce((s, w) => s + w.gzip, 0))} gzip in all`,
      `wasm-mlp (full):    JS ${kB(full.js)} + largest .wasm ${kB(largest(full))} = ${kB(full.js + largest(full))} gzip loaded, ${kB(full.lazyJs)} more JS on demand (WebGPU, readers); ${full.wasm.length} .wasm files emitted, ${kB(full.wasm.reduce((s, w) => s + w.gzip, 0))} gzip in all`,
    ].join('\n'));
    // Only the forward-only builds reach the inference page, and neither the MLP class, the ONNX
    // encoder nor the activation records' `toFunction` sources (src/registry/activations.ts).
    expect(inference.wasm.map((w) => w.name.replace(/-[A-Za-z0-9_-]{8}\.wasm$/, '')).sort()).toEqual(
      ['inference.f32.relaxed-simd', 'inference.f32.scalar', 'inference.f32.simd', 'inference.f64.relaxed-simd', 'inference.f64.scalar', 'inference.f64.simd']);
    expect(inference.jsText).not.toMatch(/protobuf|fitAsync|toSafetensors|ACTIVATE\b/);
    expect(loaded).toBeLessThanOrEqual(BUDGET);
    // The quantized reader, the input stage's raw-row code and the other files' readers are split out, not dropped.
    expect(inference.lazyJs).toBeGreaterThan(1024);
    expect(loaded).toBeLessThan(full.js + full.lazyJs + largest(full));
    // The WebGPU backend's shaders and device code load only for backend 'webgpu' or 'auto'.
    expect(full.loadedText).not.toMatch(/@compute|requestAdapter/);
    expect(full.jsText).toMatch(/@compute/);
  }, 120_000);
});
