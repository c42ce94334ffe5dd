/// <reference types="@webgpu/types" />
// Getting a WebGPU device: from the browser's navigator.gpu or a GPU object the caller passes
// (in Node, the `webgpu` package's `create([])`), with an error that names what was missing.

import { WasmMlpError } from '../core/errors.js';
import { GpuContext } from './context.js';

/** No WebGPU implementation, no adapter, or no device could be had. */
export class WebGpuUnavailableError extends WasmMlpError {}

/**
 * A GpuContext on the first adapter `gpu` (default: `navigator.gpu`) offers.
 * @throws {WebGpuUnavailableError} when there is no `navigator.gpu`, `requestAdapter()` returns
 * null, or the device request fails.
 */
export async function requestGpuContext(gpu?: GPU): Promise<GpuContext> {
  const source = gpu ?? (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (!source) throw new WebGpuUnavailableError("webgpu: no WebGPU implementation: navigator.gpu is undefined and no GPU object was given (in Node, pass the 'webgpu' package's create([]))");
  const adapter = await source.requestAdapter();
  if (!adapter) throw new WebGpuUnavailableError('webgpu: requestAdapter() returned null: no GPU adapter is available (Chromium needs --enable-unsafe-webgpu for its software adapter; Dawn for Node needs a Vulkan loader and driver)');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice();
  } catch (error) {
    throw new WebGpuUnavailableError(`webgpu: requestDevice() failed on adapter '${adapter.info.description || adapter.info.vendor}': ${(error as Error).message}`);
  }
  return new GpuContext(device, adapter.info, { gpu: source, adapter });
}
