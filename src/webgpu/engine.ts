/// <reference types="@webgpu/types" />
// The WebGPU backend's engine: the network's state kept by a CPU engine (the wasm build: the
// mirror), and trained on the GPU. Every synchronous Engine call runs on the mirror, so saving,
// exporting, the state capture and evaluation work unchanged; `webgpu` trains batches and runs
// forward passes on the device. Which side is current is decided one way: after a GPU epoch its
// result is read back into the mirror, and the GPU copy is refreshed from the mirror before its
// next use whenever anything may have written the mirror since (a live view handed out, an
// optimizer set or restored), so the mirror is the network's state and the GPU never drifts from it.

import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import type { ThreadsOption } from '../threads/support.js';
import { ValueError, WasmMlpError } from '../core/errors.js';
import { createThreadedEngine } from '../wasm/shared-engine.js';
import { DEFAULT_OPTIMIZER, optimizerBufferNames, sameConfig, type OptimizerConfig } from '../registry/optimizers.js';
import type { GpuContext } from './context.js';
import { requestGpuContext } from './device.js';
import { GpuDenseTrainer, type DenseOptimizerState, type DenseParameters, type GpuDataset } from './dense-trainer.js';
import { denseSpec, unsupportedOnWebGpu } from './support.js';

import { WebGpuDeviceLostError, unsupportedOnGpu, type GpuBatches, type WebGpuDevice, type WebGpuEngine } from './contract.js';

export { WebGpuDeviceLostError, isWebGpuEngine, type GpuBatches, type WebGpuDevice, type WebGpuEngine } from './contract.js';

/**
 * A network built for the WebGPU backend: its mirror engine and its device.
 * @throws {ValueError} naming what of the network has no WebGPU kernel.
 * @throws {WebGpuUnavailableError} when no device can be had (see requestGpuContext).
 */
export async function createWebGpuEngine(fn: string, architecture: Architecture, threads: ThreadsOption, gpu: unknown): Promise<WebGpuEngine> {
  const missing = unsupportedOnWebGpu(architecture);
  if (missing) throw new ValueError(`${fn}: ${missing} is not supported on backend 'webgpu'; use backend 'wasm' for this network`);
  const context = await requestGpuContext(fn, gpu);
  const mirror = await createThreadedEngine(architecture, threads);
  const device = new GpuSide(context, architecture, mirror);
  const stale = () => device.markStale();
  const engine: WebGpuEngine = {
    ...mirror,
    backend: 'webgpu',
    webgpu: device,
    // A live view of θ may be written through: the GPU copy is refreshed before its next use.
    parameters: () => (stale(), mirror.parameters()),
    setOptimizer: (config) => (mirror.setOptimizer(config), stale()),
    setOptimizerState: (state) => (mirror.setOptimizerState(state), stale()),
    resetOptimizer: () => (mirror.resetOptimizer(), stale()),
    allocateDataset: (count, weighted, heldOut) => (device.dropDataset(), mirror.allocateDataset(count, weighted, heldOut)),
    setDataset: (x, y, count, weights, heldOut) => (device.dropDataset(), mirror.setDataset(x, y, count, weights, heldOut)),
    clearDataset: () => (device.dropDataset(), mirror.clearDataset()),
    dispose: () => (device.dispose(), mirror.dispose()),
  };
  return engine;
}

/** The GPU side of a WebGPU network: its trainer (built from the mirror on first use), the data set on the device, and the device's health. */
export class GpuSide implements WebGpuDevice {
  private trainer: GpuDenseTrainer | null = null;
  private optimizer: OptimizerConfig | null = null;
  private stale = true;
  private dataset: GpuDataset | null = null;
  private lost: string | null = null;

  constructor(
    readonly context: GpuContext,
    private readonly architecture: Architecture,
    private readonly mirror: Engine,
  ) {
    void context.device.lost.then((info) => {
      this.lost = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  /** The adapter's identity (vendor, architecture, description). */
  get adapterInfo(): GPUAdapterInfo {
    return this.context.adapterInfo;
  }

  /** Something may have written the mirror: refresh the GPU copy before its next use. */
  markStale(): void {
    this.stale = true;
  }

  /** Forgets the data set on the device (the mirror's changed or was released). */
  dropDataset(): void {
    this.dataset?.x.destroy();
    this.dataset?.y.destroy();
    this.dataset = null;
  }

  /** Frees the device memory the network holds. */
  dispose(): void {
    this.dropDataset();
    this.trainer?.destroy();
    this.trainer = null;
  }

  /**
   * Trains batches first…first+count−1 of an epoch (rows in `order`) on the GPU, in one
   * submission, and reads back their losses; with `commit`, θ and the optimizer state too, into
   * the mirror (unless a loss or θ is not finite: then the mirror keeps what it had).
   * @throws {WebGpuDeviceLostError} when the device is lost; the mirror keeps what it had.
   */
  async trainBatches(fn: string, order: Int32Array, first: number, count: number, batchSize: number, learningRate: number, commit: boolean): Promise<GpuBatches> {
    return this.guard(fn, async () => {
      const trainer = await this.ready(fn, batchSize);
      const data = await this.uploadDataset(fn);
      const orderBuffer = this.context.indices(new Uint32Array(order.buffer, order.byteOffset, order.length));
      const losses = this.context.storage(count);
      try {
        await this.validated(fn, () => trainer.trainBatches(data, orderBuffer, first, count, batchSize, learningRate, losses));
        const read = await trainer.readState(true, [{ buffer: losses, length: count }]);
        const batchLosses = read.extra[0];
        const firstNonFinite = batchLosses.findIndex((loss) => !Number.isFinite(loss));
        const finite = firstNonFinite < 0 && read.parameters.weights.every(allFinite) && read.parameters.biases.every(allFinite);
        if (!finite) this.stale = true; // the device holds what the mirror refuses: refresh it before the next use
        else if (commit) this.commit(read.parameters, read.optimizer);
        return { losses: batchLosses, firstNonFinite, finite };
      } finally {
        orderBuffer.destroy();
        losses.destroy();
      }
    });
  }

  /** Reads θ and the optimizer's state back into the mirror (after batches trained without `commit`). */
  async pull(fn: string): Promise<void> {
    await this.guard(fn, async () => {
      if (this.stale || !this.trainer) return; // the mirror is already current
      const read = await this.trainer.readState(true);
      this.commit(read.parameters, read.optimizer);
    });
  }

  /** The outputs of `rows` rows of x (the network's inputs, float32, already checked), computed on the GPU. */
  async forward(fn: string, x: Float32Array, rows: number): Promise<Float32Array> {
    return this.guard(fn, async () => {
      const { inputSize, outputSize } = this.mirror.layout;
      // A forward pass needs no optimizer: one the GPU cannot train with must not stop it.
      const own = this.mirror.optimizer();
      const config = unsupportedOnGpu(own) ? DEFAULT_OPTIMIZER : own;
      const trainer = await this.ready(fn, Math.min(rows, this.trainer?.batchCapacity ?? PREDICT_ROWS), config);
      const out = new Float32Array(rows * outputSize);
      for (let start = 0; start < rows; start += trainer.batchCapacity) {
        const n = Math.min(trainer.batchCapacity, rows - start);
        const input = this.context.storage(x.subarray(start * inputSize, (start + n) * inputSize));
        try {
          out.set(await trainer.predict(input, n), start * outputSize);
        } finally {
          input.destroy();
        }
      }
      return out;
    });
  }

  /** The trainer, current with the mirror and able to take batches of `rows`; rebuilt only when its optimizer or capacity no longer fits. */
  private async ready(fn: string, rows: number, config = this.mirror.optimizer()): Promise<GpuDenseTrainer> {
    const fits = this.trainer !== null && this.trainer.batchCapacity >= rows && this.optimizer !== null && sameConfig(this.optimizer, config);
    if (fits && !this.stale) return this.trainer!;
    if (fits) {
      // Same shapes: the mirror's θ and state go into the buffers the trainer has.
      const { parameters, state } = this.fromMirror(config);
      this.trainer!.load(parameters, state);
      this.stale = false;
      return this.trainer!;
    }
    this.trainer?.destroy();
    this.trainer = null;
    const missing = unsupportedOnWebGpu(this.architecture, config);
    if (missing) throw new ValueError(`${fn}: ${missing} is not supported on backend 'webgpu'`);
    const { parameters, state } = this.fromMirror(config);
    const capacity = Math.max(rows, 1);
    const made = await this.context.allocating(() => GpuDenseTrainer.create(this.context, denseSpec(this.architecture, config), parameters, capacity, state), (trainer) => trainer.destroy());
    if ('error' in made) throw new WasmMlpError(`${fn}: the GPU could not allocate the network's buffers (${describeBytes(this.mirror.layout.parameterCount, capacity, this.architecture)}): ${made.error.message}`);
    this.trainer = made.made;
    this.optimizer = config;
    this.stale = false;
    return this.trainer;
  }

  /** The training rows of the mirror's data set, on the device (uploaded once per data set). */
  private async uploadDataset(fn: string): Promise<GpuDataset> {
    if (this.dataset) return this.dataset;
    const contents = this.mirror.datasetContents();
    if (!contents) throw new WasmMlpError(`${fn}: internal: no data set staged for the GPU`);
    const { inputSize, outputSize } = this.mirror.layout;
    const rows = contents.count;
    const made = await this.context.allocating(
      () => ({ x: this.context.storage(contents.x.subarray(0, rows * inputSize) as Float32Array), y: this.context.storage(contents.y.subarray(0, rows * outputSize) as Float32Array), count: rows }),
      (data) => (data.x.destroy(), data.y.destroy()),
    );
    if ('error' in made) throw new WasmMlpError(`${fn}: the GPU could not hold the data set (${rows} rows, ${((rows * (inputSize + outputSize) * 4) / 2 ** 20).toFixed(1)} MiB): ${made.error.message}`);
    this.dataset = made.made;
    return this.dataset;
  }

  /** θ and the optimizer's state of the mirror, split per tensor as the trainer takes them. */
  private fromMirror(config: OptimizerConfig): { parameters: DenseParameters; state: DenseOptimizerState } {
    const theta = this.mirror.parameters() as Float32Array;
    const saved = this.mirror.optimizerState();
    const layers = this.mirror.layout.layers;
    const slice = (v: Float32Array | Float64Array, at: number, n: number) => new Float32Array(v.subarray(at, at + n));
    const tensors = layers.flatMap((l) => [[l.weightOffset, l.inputs * l.outputs], [l.biasOffset, l.outputs]] as const);
    const names = optimizerBufferNames(config);
    return {
      parameters: { weights: layers.map((l) => theta.slice(l.weightOffset, l.weightOffset + l.inputs * l.outputs)), biases: layers.map((l) => theta.slice(l.biasOffset, l.biasOffset + l.outputs)) },
      state: { step: saved.step, tensors: tensors.map(([at, n]) => names.map((_, k) => slice(saved.buffers[k], at, n))) },
    };
  }

  /** Writes what the GPU computed into the mirror (never marking it stale: the two agree after). */
  private commit(parameters: DenseParameters, optimizer: DenseOptimizerState): void {
    const theta = this.mirror.parameters();
    const saved = this.mirror.optimizerState();
    this.mirror.layout.layers.forEach((l, i) => {
      theta.set(parameters.weights[i], l.weightOffset);
      theta.set(parameters.biases[i], l.biasOffset);
      saved.buffers.forEach((buffer, k) => {
        buffer.set(optimizer.tensors[2 * i][k], l.weightOffset);
        buffer.set(optimizer.tensors[2 * i + 1][k], l.biasOffset);
      });
    });
    this.mirror.setOptimizerState({ ...saved, step: optimizer.step });
  }

  /** Records GPU work under a validation error scope: an invalid command is a bug to report, never zeros read back in silence. */
  private async validated(fn: string, record: () => void): Promise<void> {
    this.context.device.pushErrorScope('validation');
    try {
      record();
    } finally {
      const error = await this.context.device.popErrorScope();
      if (error) throw new WasmMlpError(`${fn}: internal: the GPU refused the recorded work: ${error.message}`);
    }
  }

  /** Runs a GPU operation, turning a lost device (now, or discovered by a failing call) into a WebGpuDeviceLostError. */
  private async guard<T>(fn: string, body: () => Promise<T>): Promise<T> {
    if (this.lost) throw this.lostError(fn);
    try {
      return await body();
    } catch (error) {
      // A call on a destroyed device fails before `lost` settles: give it a moment to.
      await Promise.race([this.context.device.lost, new Promise((resolve) => setTimeout(resolve, 50))]);
      if (this.lost) throw this.lostError(fn);
      throw error;
    }
  }

  private lostError(fn: string): WebGpuDeviceLostError {
    this.dispose();
    return new WebGpuDeviceLostError(`${fn}: the GPU device was lost (${this.lost}); the network keeps its state from before the call that was interrupted (save() it, or load it on backend 'wasm' to go on)`);
  }
}

/** Rows of a forward pass per GPU batch when the network has no trainer yet. */
const PREDICT_ROWS = 1024;

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function describeBytes(parameters: number, rows: number, architecture: Architecture): string {
  const activations = architecture.layers.slice(1).reduce((sum, units) => sum + units, 0) * rows * 3;
  return `about ${(((parameters * 5 + activations) * 4) / 2 ** 20).toFixed(1)} MiB for ${parameters} parameters and batches of ${rows} rows`;
}
