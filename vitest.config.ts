import { defineConfig } from 'vitest/config';
import { softwareVulkanEnvironment } from './test/webgpu/software-adapter.js';

// Node 20 runs relaxed-SIMD only behind a V8 flag, so there the kernel and build tests run a
// second time in workers started with it. Node ≥ 22 has it on by default (and rejects the flag),
// as browsers do, so the first run already covers it.
const RELAXED = ['test/kernels.test.ts', 'test/variants.test.ts', 'test/bit-identity.test.ts'];
const relaxedSimdByDefault = Number(process.versions.node.split('.')[0]) >= 22;

// The WebGPU tests' software adapter (test/webgpu/): the dynamic linker reads LD_LIBRARY_PATH when
// a process starts, so it is set here, before vitest forks its workers.
Object.assign(process.env, softwareVulkanEnvironment());

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'] } },
      ...(relaxedSimdByDefault ? [] : [{ extends: true, test: { name: 'node-relaxed-simd', include: RELAXED, execArgv: ['--experimental-wasm-relaxed-simd'] } }]),
    ],
  },
});
