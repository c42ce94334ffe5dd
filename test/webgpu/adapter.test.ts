// Which adapter the WebGPU tests run on, asserted, so a null or "null backend" adapter cannot
// make them pass silently; and the errors when there is no WebGPU at all.
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { requestGpuContext, WebGpuUnavailableError } from '../../src/webgpu/device.js';
import { WasmMlpError } from '../../src/core/errors.js';
import { testContext } from './gpu.js';

describe('webgpu adapter', () => {
  test('Dawn for Node gives a real Vulkan adapter (SwiftShader here), with a working device', async () => {
    const context = await testContext();
    const info = context.adapterInfo;
    // The ICD the environment names decides the adapter; where that is chromium's SwiftShader
    // (vitest.config.ts), the adapter must say so: Google's SwiftShader, a CPU fallback adapter.
    if (process.env.VK_ICD_FILENAMES?.includes('swiftshader')) {
      expect(info.vendor).toBe('google');
      expect(info.architecture).toBe('swiftshader');
      expect(info.description).toMatch(/SwiftShader/);
    }
    expect(info.description).not.toMatch(/null/i);
    expect(context.device.limits.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(8192); // two 32×32 f32 tiles
    expect(context.device.limits.maxComputeInvocationsPerWorkgroup).toBeGreaterThanOrEqual(64);
  });

  test('no navigator.gpu and no GPU given: a WebGpuUnavailableError naming both', async () => {
    const error = await requestGpuContext('webgpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebGpuUnavailableError);
    expect(error).toBeInstanceOf(WasmMlpError);
    expect((error as Error).message).toMatch(/navigator\.gpu is undefined and no options\.gpu was given/);
  });

  test('requestAdapter() returning null: a WebGpuUnavailableError, not a null adapter used later', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(requestGpuContext('webgpu', noAdapter)).rejects.toThrow(/requestAdapter\(\) returned null/);
  });

  test('requestDevice() failing: the adapter and the cause are named', async () => {
    const adapter = { info: { description: 'Test Adapter', vendor: 'test' }, limits: {}, requestDevice: async () => { throw new Error('out of memory'); } };
    const gpu = { requestAdapter: async () => adapter } as unknown as GPU;
    await expect(requestGpuContext('webgpu', gpu)).rejects.toThrow("webgpu: backend 'webgpu': requestDevice() failed on adapter 'Test Adapter': out of memory");
  });

  test('without a Vulkan loader, Dawn gives no adapter and the error says so (the tests would fail, not pass on a null adapter)', () => {
    // A fresh process without chromium's directory on LD_LIBRARY_PATH: Dawn finds no libvulkan.so.1.
    const env = { ...process.env, LD_LIBRARY_PATH: '' };
    const device = new URL('../../dist/webgpu/device.js', import.meta.url).href;
    const script = `import { create } from 'webgpu'; import { requestGpuContext } from '${device}';
      const gpu = create([]);
      await requestGpuContext('webgpu', gpu).then((c) => console.log('adapter', c.adapterInfo.architecture), (e) => console.log(e.name + ': ' + e.message));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
    if (process.env.LD_LIBRARY_PATH?.includes('/usr/lib/chromium') && !hasSystemVulkanLoader()) {
      expect(run.stdout).toMatch(/^WebGpuUnavailableError: webgpu: backend 'webgpu': requestAdapter\(\) returned null/);
    } else {
      expect(run.stdout).toMatch(/^(adapter|WebGpuUnavailableError)/); // a system loader may still find a driver
    }
  });
});

/** Whether the system has its own Vulkan loader (Debian's libvulkan1), besides chromium's. */
function hasSystemVulkanLoader(): boolean {
  return spawnSync('sh', ['-c', 'ldconfig -p | grep -q libvulkan.so.1']).status === 0;
}
