import type { Architecture } from '../model/options.js';
import type { KernelHost, Kernels } from './engine.js';
import { kernelModule } from './loader.js';
import { readBlocks } from './blocks.js';

/** A fresh memory and the full kernels of the architecture's dtype, in the chosen variant: one thread. */
export async function singleThreadHost(arch: Architecture): Promise<KernelHost> {
  const module = await kernelModule(arch.dtype);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return { memory, kernels, blocks: readBlocks(module, instance.exports), arenaStart: kernels.heapBase(), control: 0 };
}
