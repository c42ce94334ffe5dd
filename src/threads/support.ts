import { ValueError, describe } from '../core/errors.js';
import { CONSTANTS } from '../kernels/kernel-interface.js';

/** `threads` of `MLP.create`: a thread count, or 'auto' for every available core. */
export type ThreadsOption = number | 'auto';

/** More threads than this is a typo, not a machine (the kernels' balance table holds this many). */
const MAX_THREADS = CONSTANTS.MAX_THREADS;

/**
 * Below this many multiply-adds per thread and forward pass (batch rows × parameters), waking
 * another thread and the barriers between phases cost more than the thread saves: such calls
 * use fewer threads, down to one (the worked example's 2-1-1 network, 2-D toys).
 */
export const WORK_PER_THREAD = 1 << 20;

/** Whether batches of `rows` rows on a network of `parameters` parameters would ever run on more than one thread (`work`: the threshold per thread). */
export function batchesUseThreads(rows: number, parameters: number, work = WORK_PER_THREAD): boolean {
  return rows * parameters >= 2 * work;
}

/** Throws unless value is an integer in [1, 256] or 'auto'. */
export function checkThreads(fn: string, value: unknown): ThreadsOption {
  if (value === undefined) return 1;
  if (value === 'auto') return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw new ValueError(`${fn}: threads must be an integer in [1, ${MAX_THREADS}] or 'auto', got ${describe(value)}`);
  }
  return value;
}

/** Why WebAssembly threads cannot run here, or null when they can. */
export function threadsUnavailableReason(): string | null {
  if (typeof SharedArrayBuffer === 'undefined' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) {
    return 'SharedArrayBuffer is unavailable: in a browser the page must be cross-origin isolated (serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this JavaScript engine has no shared WebAssembly memory (the threads proposal)';
  }
  if (!isNode() && typeof Worker === 'undefined') return 'Web Workers are unavailable here';
  return null;
}

/** Logical cores available to this process (os.availableParallelism, navigator.hardwareConcurrency). */
export async function availableCores(): Promise<number> {
  if (isNode()) {
    const nodeOs = 'node:os';
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeOs)) as typeof import('node:os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? cores : 1;
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}
