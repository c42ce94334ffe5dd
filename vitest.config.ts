import { defineConfig } from 'vitest/config';

// Node 20 runs relaxed-SIMD only behind a V8 flag, so the kernel and build tests run a second
// time in workers started with it; browsers have it on by default.
const RELAXED = ['test/kernels.test.ts', 'test/variants.test.ts', 'test/bit-identity.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'node-relaxed-simd', include: RELAXED, execArgv: ['--experimental-wasm-relaxed-simd'] } },
    ],
  },
});
