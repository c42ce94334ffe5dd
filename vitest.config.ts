import { defineConfig } from 'vitest/config';
import { softwareVulkanEnvironment } from './test/webgpu/software-adapter.js';

// The tests in tiers, each a vitest project (`npm test` runs them all; `npm run test:<tier>` one):
//   unit         in-process checks of the library: kernels, engines, references, fixtures,
//                validation, files (the default: a new test file lands here unless listed below)
//   integration  what runs other processes or threads: the CLI, workers, thread pools, the
//                training jobs on real data, memory growth, the long fuzz
//   browser      headless Chromium: the playground, threads in a page, the README's browser example under each bundler
//   docs         the README's and docs/'s code blocks and sections, executed
//   packaging    the package as its users get it: types as a consumer compiles them, bundle size
// Tiers are assigned by file name here, so test files never move between folders.
const INTEGRATION = [
  'test/cli*.test.ts', 'test/threads*.test.ts', 'test/normalization-threads.test.ts', 'test/bit-identity.test.ts',
  'test/fit-async.test.ts', 'test/fit-dataset.test.ts', 'test/parity.test.ts', 'test/reliability.test.ts',
  'test/predict-into.test.ts', 'test/onnx.test.ts', 'test/fashion.test.ts', 'test/mnist-job.test.ts', 'test/memory.test.ts',
  'test/fuzz.test.ts', 'test/normalization-files.test.ts', 'test/webgpu/*.test.ts',
];
const BROWSER = ['test/playground.test.ts', 'test/browser-threads.test.ts', 'test/browser-loaders.test.ts', 'test/browser-webgpu.test.ts'];
const DOCS = ['test/readme-*.test.ts', 'test/docs-*.test.ts'];
const PACKAGING = ['test/consumer.test.ts', 'test/inference-size.test.ts'];
const TIERS = { integration: INTEGRATION, browser: BROWSER, docs: DOCS, packaging: PACKAGING };

// Node 20 runs relaxed-SIMD only behind a V8 flag, so there the kernel and build tests run a
// second time in workers started with it. Node ≥ 22 has it on by default (and rejects the flag),
// as browsers do, so the first run already covers it.
const RELAXED = ['test/kernels.test.ts', 'test/narrow-tiles.test.ts', 'test/variants.test.ts', 'test/bit-identity.test.ts', 'test/column-strips-pack.test.ts', 'test/input-strips.test.ts', 'test/optimizer-kernels.test.ts'];
const relaxedSimdByDefault = Number(process.versions.node.split('.')[0]) >= 22;

// The WebGPU tests' software adapter (test/webgpu/): the dynamic linker reads LD_LIBRARY_PATH when
// a process starts, so it is set here, before vitest forks its workers.
Object.assign(process.env, softwareVulkanEnvironment());

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...Object.values(TIERS).flat(), 'node_modules/**'] } },
      ...Object.entries(TIERS).map(([name, include]) => ({ extends: true, test: { name, include } })),
      ...(relaxedSimdByDefault ? [] : [{ extends: true, test: { name: 'relaxed-simd', include: RELAXED, execArgv: ['--experimental-wasm-relaxed-simd'] } }]),
    ],
  },
});
