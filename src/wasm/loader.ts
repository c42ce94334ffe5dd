import type { DType } from '../model/options.js';
import { ValueError, describe } from '../core/errors.js';
import { KERNEL_VARIANTS, compileWasm, kernelVariant, type KernelVariant, type WasmSource } from './variants.js';
import { kernelUrl } from './kernel-urls.js';

export { KERNEL_VARIANTS, setKernelVariant, kernelVariant, supportedKernelVariants, compileWasm } from './variants.js';
export type { KernelVariant, WasmSource } from './variants.js';

const sources = new Map<string, WasmSource>();
const modules = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Tells wasm-mlp where its .wasm files are, for bundlers or servers that move them, or hands
 * it the bytes directly. Optional: by default each file is loaded from beside this module.
 * Without `variant` the source serves every variant of the dtype. `{ threads: true }` sets
 * the threaded builds' source instead (networks with `threads` > 1; see "Multi-core training").
 * @throws ValueError for a dtype other than float32 and float64, or an unknown variant.
 */
export function setWasmSource(dtype: DType, source: WasmSource, variant?: KernelVariant, options: { threads?: boolean } = {}): void {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new ValueError(`setWasmSource: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  }
  if (variant !== undefined && !KERNEL_VARIANTS.includes(variant)) {
    throw new ValueError(`setWasmSource: variant must be one of ${KERNEL_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${describe(variant)}`);
  }
  for (const v of variant === undefined ? KERNEL_VARIANTS : [variant]) {
    sources.set(key(dtype, v, options?.threads === true), source);
    modules.delete(key(dtype, v, options?.threads === true));
  }
}

/**
 * The compiled kernels for a dtype and variant (threaded: over shared memory, with the parallel
 * phase loop); compiled once per process and shared by every network.
 */
export function kernelModule(dtype: DType, variant: KernelVariant = kernelVariant(), threads = false): Promise<WebAssembly.Module> {
  const id = key(dtype, variant, threads);
  let module = modules.get(id);
  if (!module) {
    module = compileWasm(sources.get(id) ?? kernelUrl(dtype, variant, threads));
    // A failed load may be retried with another source.
    module.catch(() => modules.delete(id));
    modules.set(id, module);
  }
  return module;
}

function key(dtype: DType, variant: KernelVariant, threads = false): string {
  return `${dtype}:${variant}${threads ? ':threads' : ''}`;
}
