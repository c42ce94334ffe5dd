/// <reference types="@webgpu/types" />
// Getting a WebGPU device: from the `gpu` option (a GPU such as navigator.gpu or the `webgpu`
// package's `create([])`, a GPUAdapter, or a GPUDevice the application already uses), else from
// navigator.gpu, with an error that names what was missing. Networks given the same object share
// one device, so a page with several networks compiles each kernel once.

import { GpuContext } from './context.js';

import { WebGpuUnavailableError } from './contract.js';

export { WebGpuUnavailableError } from './contract.js';

/** What the `gpu` option takes: a GPU (navigator.gpu's kind), a GPUAdapter, or a GPUDevice. */
export type GpuSource = GPU | GPUAdapter | GPUDevice;

const contexts = new WeakMap<object, Promise<GpuContext>>();

function isDevice(value: object): value is GPUDevice {
  return 'queue' in value && typeof (value as GPUDevice).createBuffer === 'function';
}
function isAdapter(value: object): value is GPUAdapter {
  return typeof (value as GPUAdapter).requestDevice === 'function';
}
function isGpu(value: object): value is GPU {
  return typeof (value as GPU).requestAdapter === 'function';
}

/**
 * The GpuContext of `source` (default: `navigator.gpu`), made once per source object. A lost
 * device is forgotten, so the next network asks for a new one.
 * @throws {WebGpuUnavailableError} when there is no `navigator.gpu` and no source, the source is
 * none of GPU, GPUAdapter and GPUDevice, `requestAdapter()` returns null, or the device request fails.
 */
export function requestGpuContext(fn: string, source?: unknown): Promise<GpuContext> {
  const given = source ?? (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (given === undefined || given === null) {
    return Promise.reject(new WebGpuUnavailableError(`${fn}: backend 'webgpu' needs WebGPU, but navigator.gpu is undefined and no options.gpu was given (in Node, pass the 'webgpu' package's create([]): MLP.create({ backend: 'webgpu', gpu: create([]), … }); in Chromium, WebGPU needs a secure context)`));
  }
  if (typeof given !== 'object' || !(isDevice(given) || isAdapter(given) || isGpu(given))) {
    return Promise.reject(new WebGpuUnavailableError(`${fn}: options.gpu must be a GPU (navigator.gpu, or the 'webgpu' package's create([])), a GPUAdapter or a GPUDevice, got ${typeof given}`));
  }
  let context = contexts.get(given);
  if (!context) {
    context = open(fn, given);
    contexts.set(given, context);
    context.then((c) => c.device.lost.then(() => contexts.delete(given)), () => contexts.delete(given));
  }
  return context;
}

async function open(fn: string, source: GpuSource): Promise<GpuContext> {
  if (isDevice(source)) return new GpuContext(source, (source as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? ({ vendor: '', architecture: '', device: '', description: 'a GPUDevice given by the application' } as GPUAdapterInfo));
  const gpu = isAdapter(source) ? null : source;
  const adapter = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : (source as GPUAdapter);
  if (!adapter) throw new WebGpuUnavailableError(`${fn}: backend 'webgpu': requestAdapter() returned null, no GPU adapter is available (Chromium needs --enable-unsafe-webgpu for its software adapter; Dawn for Node needs a Vulkan loader and driver)`);
  let device: GPUDevice;
  try {
    // The largest buffers the adapter allows: a data set is uploaded whole, and the default 128 MiB binding is small for one.
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
  } catch (error) {
    throw new WebGpuUnavailableError(`${fn}: backend 'webgpu': requestDevice() failed on adapter '${adapter.info.description || adapter.info.vendor}': ${(error as Error).message}`);
  }
  return new GpuContext(device, adapter.info, { gpu: gpu ?? undefined, adapter });
}
