// The documentation site: `npm run docs:dev` serves it, `npm run docs:build` writes docs/.vitepress/dist.
// The pages import the built package (dist/, as a user's app does), so the worked example's
// page computes its numbers with the library itself in the browser.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitepress';

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

const guide = [
  ['Getting started', 'getting-started'],
  ['The worked example', 'worked-example'],
  ['Creating a network', 'networks'],
  ['Training with fit', 'training'],
  ['Optimizers and schedules', 'optimizers'],
  ['Losses and weighting', 'losses'],
  ['Normalization and dropout', 'normalization'],
  ['Data', 'data'],
  ['Preprocessing', 'preprocessing'],
  ['Off the main thread, several cores', 'threads'],
  ['Inference', 'inference'],
  ['Saving and formats', 'saving'],
  ['Quantized inference', 'quantization'],
  ['The command line', 'cli'],
  ['The playground', 'playground'],
  ['Errors and limits', 'errors-and-limits'],
  ['Determinism', 'determinism'],
  ['Supported environments', 'environments'],
  ['Migrating from brain.js and tfjs', 'migrating'],
  ['WebGPU (in progress)', 'webgpu'],
];
const internals = [
  ['Architecture', 'architecture'],
  ['Layout and kernels', 'kernels'],
  ['Barriers and threads', 'threads'],
  ['One network state', 'network-state'],
  ['Extending wasm-mlp', 'extending'],
  ['The build and the repository', 'build'],
  ['Benchmarking method', 'benchmarking'],
];

/**
 * The Node.js branch of the thread pool starts a `worker_threads` Worker with options computed
 * at run time, which VitePress's Vite (5) refuses to parse as a Web Worker (Vite 8, which the
 * package is tested with, accepts it); it never runs in a browser, so mark it for Vite to skip.
 */
const skipNodeWorkers = {
  name: 'wasm-mlp-skip-node-workers',
  enforce: 'pre',
  transform(code, id) {
    if (!id.includes('/dist/') || !code.includes('execArgv')) return null;
    return code.replace(/new (Worker|NodeWorker)\((new URL\([^)]*\)), \{ execArgv/g, 'new $1($2, /* @vite-ignore */ { execArgv');
  },
};

export default defineConfig({
  title: 'wasm-mlp',
  description: 'Multilayer perceptrons in Node.js and browsers, on WebAssembly kernels, with the numbers of PyTorch.',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  // Notes from other branches wait in _incoming/ until they are placed in a page.
  srcExclude: ['_incoming/**'],
  lastUpdated: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'API', link: '/api/' },
      { text: 'Internals', link: '/internals/architecture' },
      { text: 'Benchmarks', link: '/benchmarks' },
    ],
    sidebar: [
      { text: 'Guide', items: guide.map(([text, page]) => ({ text, link: `/guide/${page}` })) },
      { text: 'Reference', items: [{ text: 'API', link: '/api/' }, { text: 'Benchmarks', link: '/benchmarks' }] },
      { text: 'Internals', collapsed: true, items: internals.map(([text, page]) => ({ text, link: `/internals/${page}` })) },
    ],
    outline: [2, 3],
    search: { provider: 'local' },
  },
  vite: {
    // 'wasm-mlp' is this repository's build, as demo/vite.config.js aliases it.
    resolve: { alias: { 'wasm-mlp': dist } },
    plugins: [skipNodeWorkers],
    worker: { format: 'es', plugins: () => [skipNodeWorkers] },
    build: { chunkSizeWarningLimit: 2000 },
  },
});
