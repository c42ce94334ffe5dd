// What the rest of the library knows of the WebGPU backend without loading it: its errors, the
// shape of its engine, and which optimizers have kernels. The shaders, the device code and the
// trainer are imported only when a network asks for 'webgpu' or 'auto' (src/api/opening.ts), so
// a page that trains on wasm never downloads them.
import type { Engine } from '../engine/engine.js';
import type { OptimizerConfig } from '../registry/optimizers.js';
import { WasmMlpError } from '../core/errors.js';

/** No WebGPU implementation, no adapter, or no device could be had. */
export class WebGpuUnavailableError extends WasmMlpError {}

/** The GPU device was lost (the driver reset, the device was destroyed, the page's GPU process restarted). */
export class WebGpuDeviceLostError extends WasmMlpError {}

/** An engine of the WebGPU backend. */
export interface WebGpuEngine extends Engine {
  readonly backend: 'webgpu';
  readonly webgpu: WebGpuDevice;
}

/** The GPU side of a WebGPU engine (src/webgpu/engine.ts): its device, the network's buffers and the data set on it. */
export interface WebGpuDevice {
  /** The adapter's identity: GPUAdapterInfo's strings. */
  readonly adapterInfo: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string };
  /** The GPU copy must be refreshed from the mirror before its next use. */
  markStale(): void;
  /** Releases the data set's GPU buffers. */
  dropDataset(): void;
  /** Releases every GPU buffer. */
  dispose(): void;
  /** Trains `count` batches of the staged data set in `order`, from batch `first`; `commit` reads θ and the optimizer state back into the mirror. */
  trainBatches(fn: string, order: Int32Array, first: number, count: number, batchSize: number, learningRate: number, commit: boolean): Promise<GpuBatches>;
  /** Reads θ and the optimizer state back into the mirror. */
  pull(fn: string): Promise<void>;
  /** The network's outputs for `rows` rows of `x`, computed on the GPU. */
  forward(fn: string, x: Float32Array, rows: number): Promise<Float32Array>;
}

/** Whether `engine` belongs to the WebGPU backend. */
export function isWebGpuEngine(engine: Engine): engine is WebGpuEngine {
  return engine.backend === 'webgpu';
}

/** What an epoch on the GPU gives back: each batch's mean loss, and whether θ stayed finite. */
export interface GpuBatches {
  losses: Float32Array;
  /** Index of the first batch whose loss is not finite, or −1. */
  firstNonFinite: number;
  /** False when an update made θ non-finite (the mirror then keeps its state from before these batches). */
  finite: boolean;
}

/** The optimizers with a WebGPU kernel. */
export const GPU_OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;

/** What of `config` has no WebGPU kernel yet (e.g. "optimizer 'nadam'"), or null when all of it has. */
export function unsupportedOnGpu(config: OptimizerConfig): string | null {
  if (!(GPU_OPTIMIZERS as readonly string[]).includes(config.type)) return `optimizer '${config.type}'`;
  // A global norm is a reduction over every tensor before any update: not written for the GPU yet.
  if (config.clipNorm !== null) return 'optimizer.clipNorm';
  return null;
}
