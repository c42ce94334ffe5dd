// fit's epochs on the WebGPU backend: the same epoch loop (src/fit.ts fitEpochs) with an epoch
// trainer whose batches run on the GPU. The sample order is drawn here, from the network's
// generator exactly as ROWS_TRAINER draws it, so an epoch sees the batches a wasm epoch sees; the
// epoch's batches are one submission (one per batch when onBatchEnd must be able to stop after
// any of them), and the loop waits for the read-back of their losses and of θ at a 'wait' pause.

import { ValueError } from '../core/errors.js';
import { ROWS_TRAINER, type EpochTrainer, type Trained } from './fit.js';
import type { Engine } from '../engine/engine.js';
import { isWebGpuEngine, unsupportedOnGpu, type GpuBatches } from '../webgpu/contract.js';
import type { OptimizerConfig } from '../registry/optimizers.js';

/** The epoch trainer for `engine`'s rows: on the GPU for a WebGPU network, else fit's own. */
export function rowsTrainer(engine: Engine): EpochTrainer {
  return isWebGpuEngine(engine) ? WEBGPU_TRAINER : ROWS_TRAINER;
}

/**
 * What fit's options ask that the WebGPU backend does not train (checked before anything changes).
 * @throws {ValueError} for training sample weights, `worker: true`, or an optimizer without a WebGPU kernel.
 */
export function checkWebGpuFit(fn: string, options: { sampleWeight?: unknown; worker?: unknown } | undefined, optimizer: OptimizerConfig): void {
  const missing = unsupportedOnGpu(optimizer);
  if (missing) throw new ValueError(`${fn}: ${missing} is not supported on backend 'webgpu'; choose another optimizer (options.optimizer), or train this network on backend 'wasm'`);
  if (options?.sampleWeight !== undefined) throw new ValueError(`${fn}: options.sampleWeight is not supported on backend 'webgpu' yet (validation data may be weighted); train this network on backend 'wasm'`);
  if (options?.worker === true) throw new ValueError(`${fn}: options.worker is not supported on backend 'webgpu': the GPU already trains off the main thread, so fitAsync without a worker leaves the page responsive`);
}

const WEBGPU_TRAINER: EpochTrainer = {
  *epoch(run, epoch, learningRate) {
    const { engine, random, train, options: o } = run;
    if (!isWebGpuEngine(engine)) throw new Error('internal: the WebGPU epoch trainer needs a WebGPU engine');
    const batchSize = Math.min(o.batchSize ?? 32, train.rows);
    const batches = Math.ceil(train.rows / batchSize);
    const order = engine.datasetOrder();
    for (let s = 0; s < train.rows; s++) order[s] = s;
    if (o.shuffle) random.shuffle(order);
    const chunk = o.onBatchEnd ? 1 : batches;
    const trained: Trained = { total: 0, samples: 0, batches: 0, stop: null, failure: null };
    for (let first = 0; first < batches; first += chunk) {
      const count = Math.min(chunk, batches - first);
      let result: GpuBatches | null = null;
      let failed: unknown = null;
      const settled = engine.webgpu.trainBatches(o.caller, order, first, count, batchSize, learningRate, true).then((r) => void (result = r), (error: unknown) => void (failed = error ?? new Error('the GPU work failed')));
      yield { kind: 'wait', until: settled };
      // A network disposed meanwhile says so, rather than with the error its freed buffers caused.
      run.checkLive();
      if (failed !== null) throw failed;
      const r = result as GpuBatches | null;
      if (!r) throw new Error('internal: the GPU batches settled without a result');
      if (!r.finite) {
        // The mirror kept the state from before this submission: its steps are not applied.
        trained.failure = { step: first, layer: engine.layout.layers.length - 1, phase: r.firstNonFinite >= 0 ? 'loss' : 'update' };
        return trained;
      }
      for (let k = 0; k < count; k++) {
        const b = first + k;
        const size = Math.min(batchSize, train.rows - b * batchSize);
        trained.total += r.losses[k] * size;
        trained.samples += size;
        trained.batches++;
        const answer = o.onBatchEnd ? yield { kind: 'batch', batch: b, logs: { loss: r.losses[k], size, epoch, learningRate } } : undefined;
        run.checkLive();
        if (answer === false) return { ...trained, stop: 'callback' };
        if (o.signal?.aborted && b < batches - 1) return { ...trained, stop: 'aborted' };
      }
    }
    return trained;
  },
};
