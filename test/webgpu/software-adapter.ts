// The WebGPU device the tests run on: Dawn for Node (the `webgpu` package) over a Vulkan driver.
// With no GPU here that is SwiftShader's Vulkan ICD, which Debian's chromium package installs
// with its own Vulkan loader. The loader is found by the dynamic linker, so LD_LIBRARY_PATH must
// hold its directory when the test process starts: vitest.config.ts sets it with
// `softwareVulkanEnvironment()` before the workers fork.

import { existsSync } from 'node:fs';

/** Where Debian's chromium keeps libvk_swiftshader.so, its ICD JSON and libvulkan.so.1. */
export const CHROMIUM_DIR = '/usr/lib/chromium';

/**
 * The environment that points Vulkan at SwiftShader: VK_ICD_FILENAMES (unless set already) and
 * chromium's directory prepended to LD_LIBRARY_PATH; empty where chromium's files are absent.
 */
export function softwareVulkanEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const icd = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
  if (!existsSync(icd) || !existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`)) return {};
  const paths = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return {
    VK_ICD_FILENAMES: env.VK_ICD_FILENAMES ?? icd,
    LD_LIBRARY_PATH: [CHROMIUM_DIR, ...paths.filter((p) => p !== CHROMIUM_DIR)].join(':'),
  };
}
