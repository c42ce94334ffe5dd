import type { DType } from '../model/options.js';
import { ValueError, describe } from '../core/errors.js';
import { KERNEL_VARIANTS, compileWasm, kernelVariant, type KernelVariant, type WasmSource } from './variants.js';
import { inferenceUrl } from './inference-urls.js';

const sources = new Map<string, WasmSource>();
const modules = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Tells the inference entry where its forward-only .wasm files are (bundlers or servers that
 * move them), or hands it the bytes. Without `variant` the source serves every variant of the dtype.
 * @throws ValueError for a dtype other than float32 and float64, or an unknown variant.
 */
export function setInferenceWasmSource(dtype: DType, source: WasmSource, variant?: KernelVariant): void {
  if (dtype !== 'float32' && dtype !== 'float64') throw new ValueError(`setInferenceWasmSource: dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  if (variant !== undefined && !KERNEL_VARIANTS.includes(variant)) {
    throw new ValueError(`setInferenceWasmSource: variant must be one of ${KERNEL_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${describe(variant)}`);
  }
  for (const v of variant === undefined ? KERNEL_VARIANTS : [variant]) {
    sources.set(`${dtype}:${v}`, source);
    modules.delete(`${dtype}:${v}`);
  }
}

/** The compiled forward-only kernels of a dtype, in the variant the full entry would choose; compiled once per process. */
export function inferenceModule(dtype: DType, variant: KernelVariant = kernelVariant()): Promise<WebAssembly.Module> {
  const id = `${dtype}:${variant}`;
  let module = modules.get(id);
  if (!module) {
    module = compileWasm(sources.get(id) ?? inferenceUrl(dtype, variant));
    module.catch(() => modules.delete(id));
    modules.set(id, module);
  }
  return module;
}
