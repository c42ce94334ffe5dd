import type { Engine } from '../engine.js';
import type { Architecture, FloatArray } from '../options.js';
import { ACTIVATIONS, LOSSES, arrayType } from '../options.js';
import { parameterLayout } from '../layout.js';
import { Arena } from './arena.js';
import { FailureCause, locate } from '../divergence.js';
import { optimizerBlockLayout, readOptimizerStep, writeOptimizerDescriptor, type OptimizerBlockLayout } from './optimizer.js';
import { DEFAULT_OPTIMIZER, checkOptimizerState, optimizerBuffers, type OptimizerConfig } from '../optimizers.js';
import { Random } from '../random.js';

/** The module's exports (assembly/index.ts): numbers and pointers only. */
export interface Kernels {
  heapBase(): number;
  floatBytes(): number;
  forward(desc: number, x: number, rows: number): void;
  loss(desc: number, y: number, rows: number): number;
  backward(desc: number, x: number, y: number, rows: number): number;
  sgdUpdate(params: number, grads: number, count: number, learningRate: number): void;
  trainStep(desc: number, params: number, grads: number, count: number, x: number, y: number, rows: number, learningRate: number): number;
  trainEpoch(desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, batchX: number, batchY: number, learningRate: number): number;
  updateIsFinite(params: number, grads: number, count: number, learningRate: number): boolean;
  firstNonFinite(values: number, count: number): number;
  trainEpochs(desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, batchX: number, batchY: number, learningRate: number, epochs: number, shuffle: number, state: number, losses: number): void;
  trainBatches(desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, firstBatch: number, batchCount: number, batchX: number, batchY: number, learningRate: number): number;
}

/** Epochs per `trainEpochs` call into wasm: bounds the losses buffer, and one crossing per chunk costs nothing. */
const EPOCH_CHUNK = 1024;
/** SIMD kernels may read (never write) one vector past a buffer's last row. */
const SLACK_BYTES = 16;

// Descriptor layout shared with assembly/network.ts.
const HEADER_WORDS = 8;
const RECORD_WORDS = 16;
const enum Field { Inputs, Outputs, Activation, Weights, Bias, GradWeights, GradBias, Z, A, Mask, Dropped, DropoutRate = 12 }
const enum Header { LayerCount, Loss, DropoutRandom, Optimizer, Failure, FailedBatch, FailedEpoch }

/** What an engine computes on: a memory and kernels over it (src/wasm/shared-engine.ts supplies threaded ones). */
export interface KernelHost {
  memory: WebAssembly.Memory;
  kernels: Kernels;
  /** Called by the engine's dispose. */
  dispose?(): void;
}

/**
 * The WebAssembly backend. Each network owns a linear memory laid out once: descriptor,
 * θ, ∇θ (fixed), then batch buffers and an optional dataset (re-laid when they must grow).
 */
export async function createWasmEngine(arch: Architecture, host: KernelHost): Promise<Engine> {
  const { memory, kernels: k } = host;
  const Float = arrayType(arch.dtype);
  const bytes = Float.BYTES_PER_ELEMENT;
  if (k.floatBytes() !== bytes) throw new Error(`internal: ${arch.dtype} module computes in ${k.floatBytes()}-byte floats`);

  const layout = parameterLayout(arch);
  const arena = new Arena(memory, k.heapBase());
  const count = layout.parameterCount;
  const nLayers = layout.layers.length;
  const desc = arena.alloc((HEADER_WORDS + RECORD_WORDS * nLayers) * 4, 'the network descriptor');
  const params = arena.alloc(count * bytes + SLACK_BYTES, `the network's ${count} parameters`);
  const grads = arena.alloc(count * bytes, `the network's ${count} gradients`);
  const dropoutRandom = arena.alloc(16, 'the dropout generator');
  new Uint32Array(memory.buffer, dropoutRandom, 4).set(new Random().getState());
  let optimizer = installOptimizer(DEFAULT_OPTIMIZER, 0);

  let capacity = 0;
  let batch = { block: 0, x: 0, y: 0, z: [] as number[], a: [] as number[], mask: [] as number[], dropped: [] as number[] };
  let dataset: { block: number; x: number; y: number; order: number; state: number; losses: number; count: number } | null = null;
  // What the last step or epoch was asked, to locate a failure in it.
  let lastRun: { rows: number; batchSize: number; learningRate: number; epoch: boolean } | null = null;
  const layerSize = (l: number) => layout.layers[l].outputs * (layout.layers[l].inputs + 1);

  // Typed-array views, re-made only when memory.grow has replaced the buffer.
  let generation = -1;
  let views = makeViews();
  function makeViews() {
    const buffer = memory.buffer;
    return {
      desc: new Int32Array(buffer, desc, HEADER_WORDS + RECORD_WORDS * nLayers),
      params: new Float(buffer, params, count),
      grads: new Float(buffer, grads, count),
      x: new Float(buffer, batch.x, capacity * layout.inputSize),
      y: new Float(buffer, batch.y, capacity * layout.outputSize),
      order: dataset ? new Int32Array(buffer, dataset.order, dataset.count) : new Int32Array(0),
    };
  }
  function current() {
    if (generation !== arena.generation) {
      views = makeViews();
      generation = arena.generation;
    }
    return views;
  }
  // The staging views of the last batch size, so repeated steps of one size allocate nothing.
  let stagedViews = { rows: -1, views, x: views.x, y: views.y, out: views.y };
  function staged(rows: number) {
    const v = current();
    if (stagedViews.rows !== rows || stagedViews.views !== v) {
      const out = new Float(memory.buffer, batch.a[nLayers - 1], rows * layout.outputSize);
      stagedViews = { rows, views: v, x: v.x.subarray(0, rows * layout.inputSize), y: v.y.subarray(0, rows * layout.outputSize), out };
    }
    return stagedViews;
  }
  /** Lays out a block for `config` with fresh state and the given step count; the caller frees the old block. */
  function installOptimizer(config: OptimizerConfig, step: number): { block: number; config: OptimizerConfig; layout: OptimizerBlockLayout } {
    const blockLayout = optimizerBlockLayout(config, count, bytes);
    const block = arena.alloc(blockLayout.bytes, `the '${config.type}' optimizer's state`);
    writeOptimizerDescriptor(memory.buffer, block, config, blockLayout, step);
    for (const { slot, initial } of optimizerBuffers(config)) new Float(memory.buffer, block + blockLayout.slotOffsets[slot], count).fill(initial);
    return { block, config, layout: blockLayout };
  }
  function replaceOptimizer(config: OptimizerConfig, step: number) {
    const next = installOptimizer(config, step);
    arena.free(optimizer.block);
    optimizer = next;
    writeDescriptor();
  }
  function optimizerVector(slot: number): FloatArray {
    return new Float(memory.buffer, optimizer.block + optimizer.layout.slotOffsets[slot], count);
  }
  function writeDescriptor() {
    const d = current().desc;
    d[Header.LayerCount] = nLayers;
    d[Header.Loss] = LOSSES.indexOf(arch.loss);
    d[Header.DropoutRandom] = dropoutRandom;
    d[Header.Optimizer] = optimizer.block;
    layout.layers.forEach((layer, l) => {
      const r = HEADER_WORDS + l * RECORD_WORDS;
      d[r + Field.Inputs] = layer.inputs;
      d[r + Field.Outputs] = layer.outputs;
      d[r + Field.Activation] = ACTIVATIONS.indexOf(layer.activation);
      d[r + Field.Weights] = params + layer.weightOffset * bytes;
      d[r + Field.Bias] = params + layer.biasOffset * bytes;
      d[r + Field.GradWeights] = grads + layer.weightOffset * bytes;
      d[r + Field.GradBias] = grads + layer.biasOffset * bytes;
      d[r + Field.Z] = batch.z[l] ?? 0;
      d[r + Field.A] = batch.a[l] ?? 0;
      d[r + Field.Mask] = batch.mask[l] ?? 0;
      d[r + Field.Dropped] = batch.dropped[l] ?? 0;
      new Float64Array(memory.buffer, desc + (r + Field.DropoutRate) * 4, 1)[0] = arch.dropout[l] ?? 0;
    });
  }
  writeDescriptor();

  const engine: Engine = {
    backend: 'wasm',
    layout,
    parameters: () => current().params,
    gradient: () => current().grads,
    reserve(rows) {
      if (rows <= capacity) return;
      // z and a for every layer; a mask and the dropped-out copy of a for layers with dropout.
      const perRow = layout.layers.reduce((s, l, i) => s + l.outputs * ((arch.dropout[i] ?? 0) > 0 ? 4 : 2), 0);
      const floats = rows * (layout.inputSize + layout.outputSize + perRow);
      // Allocate the new block before freeing the old one: a failure leaves the engine as it was.
      const block = arena.alloc(floats * bytes + SLACK_BYTES, `a batch of ${rows} samples`);
      if (batch.block) arena.free(batch.block);
      let p = block;
      const take = (n: number) => { const at = p; p += n * bytes; return at; };
      batch = { block, x: take(rows * layout.inputSize), y: take(rows * layout.outputSize), z: [], a: [], mask: [], dropped: [] };
      layout.layers.forEach((layer, l) => {
        batch.z.push(take(rows * layer.outputs));
        batch.a.push(take(rows * layer.outputs));
        const dropout = (arch.dropout[l] ?? 0) > 0;
        batch.mask.push(dropout ? take(rows * layer.outputs) : 0);
        batch.dropped.push(dropout ? take(rows * layer.outputs) : 0);
      });
      capacity = rows;
      generation = -1;
      writeDescriptor();
    },
    inputBuffer: (rows) => staged(rows).x,
    targetBuffer: (rows) => staged(rows).y,
    outputBuffer: (rows) => staged(rows).out,
    inputNonFinite: (rows) => k.firstNonFinite(batch.x, rows * layout.inputSize),
    forward: (rows) => k.forward(desc, batch.x, rows),
    loss: (rows) => k.loss(desc, batch.y, rows),
    backward: (rows) => k.backward(desc, batch.x, batch.y, rows),
    sgdUpdate: (learningRate) => k.sgdUpdate(params, grads, count, learningRate),
    step(rows, learningRate) {
      lastRun = { rows, batchSize: rows, learningRate, epoch: false };
      return k.trainStep(desc, params, grads, count, batch.x, batch.y, rows, learningRate);
    },
    setOptimizer: (config) => replaceOptimizer(config, 0),
    optimizer: () => optimizer.config,
    resetOptimizer: () => replaceOptimizer(optimizer.config, 0),
    optimizerState: () => ({
      config: { ...optimizer.config },
      step: readOptimizerStep(memory.buffer, optimizer.block),
      buffers: optimizerBuffers(optimizer.config).map(({ slot }) => optimizerVector(slot).slice()),
    }),
    setOptimizerState(state) {
      const config = checkOptimizerState('setOptimizerState', state, count);
      replaceOptimizer(config, state.step);
      optimizerBuffers(config).forEach(({ slot }, i) => optimizerVector(slot).set(state.buffers[i]));
    },
    dropoutRandomState: () => Array.from(new Uint32Array(memory.buffer, dropoutRandom, 4)),
    setDropoutRandomState: (state) => new Uint32Array(memory.buffer, dropoutRandom, 4).set(state),
    preActivation: (l, rows) => new Float(memory.buffer, batch.z[l], rows * layout.layers[l].outputs),
    activation: (l, rows) => new Float(memory.buffer, batch.a[l], rows * layout.layers[l].outputs),
    setDataset(x, y, samples) {
      const xBytes = samples * layout.inputSize * bytes;
      const yBytes = samples * layout.outputSize * bytes;
      // Ahead of the data, 8-byte aligned: one chunk of per-epoch losses and the shuffle generator's state.
      const head = EPOCH_CHUNK * 8 + 64;
      const block = arena.alloc(head + xBytes + yBytes + samples * 4, `a dataset of ${samples} samples`);
      engine.clearDataset();
      const at = block + head;
      dataset = { block, losses: block, state: block + EPOCH_CHUNK * 8, x: at, y: at + xBytes, order: at + xBytes + yBytes, count: samples };
      generation = -1;
      const buffer = memory.buffer;
      new Float(buffer, dataset.x, samples * layout.inputSize).set(x.subarray(0, samples * layout.inputSize));
      new Float(buffer, dataset.y, samples * layout.outputSize).set(y.subarray(0, samples * layout.outputSize));
    },
    datasetOrder() {
      if (!dataset) throw new Error('internal: no dataset set');
      return current().order;
    },
    trainEpoch(batchSize, learningRate) {
      if (!dataset) throw new Error('internal: no dataset set');
      engine.reserve(Math.min(batchSize, dataset.count));
      lastRun = { rows: dataset.count, batchSize, learningRate, epoch: true };
      current().desc[Header.Failure] = FailureCause.None;
      return k.trainEpoch(desc, params, grads, count, dataset.x, dataset.y, dataset.order, dataset.count, batchSize, batch.x, batch.y, learningRate);
    },
    trainEpochs(epochs, batchSize, learningRate, shuffle, random, losses) {
      if (!dataset) throw new Error('internal: no dataset set');
      engine.reserve(Math.min(batchSize, dataset.count));
      const { x, y, order, state, losses: lossesAt, count: samples } = dataset;
      lastRun = { rows: samples, batchSize, learningRate, epoch: true };
      for (let done = 0; done < epochs; done += EPOCH_CHUNK) {
        const chunk = Math.min(EPOCH_CHUNK, epochs - done);
        current().desc[Header.Failure] = FailureCause.None;
        new Uint32Array(memory.buffer, state, 4).set(random.getState());
        k.trainEpochs(desc, params, grads, count, x, y, order, samples, batchSize, batch.x, batch.y, learningRate, chunk, shuffle ? 1 : 0, state, lossesAt);
        random.setState(Array.from(new Uint32Array(memory.buffer, state, 4)));
        // A failing step ends the call inside its epoch; only the epochs before it completed.
        const failed = current().desc[Header.Failure] !== FailureCause.None;
        const completed = failed ? current().desc[Header.FailedEpoch] : chunk;
        const values = new Float64Array(memory.buffer, lossesAt, chunk);
        for (let e = 0; e < completed; e++) losses.push(values[e]);
        if (failed) break;
      }
    },
    trainBatches(first, batches, batchSize, learningRate) {
      if (!dataset) throw new Error('internal: no dataset set');
      engine.reserve(Math.min(batchSize, dataset.count));
      lastRun = { rows: dataset.count, batchSize, learningRate, epoch: true };
      current().desc[Header.Failure] = FailureCause.None;
      return k.trainBatches(desc, params, grads, count, dataset.x, dataset.y, dataset.order, dataset.count, batchSize, first, batches, batch.x, batch.y, learningRate);
    },
    failure() {
      const d = current().desc;
      const cause = d[Header.Failure] as FailureCause;
      if (cause === FailureCause.None || !lastRun) return null;
      const { learningRate, batchSize } = lastRun;
      const step = lastRun.epoch ? d[Header.FailedBatch] : 0;
      const rows = Math.min(batchSize, lastRun.rows - step * batchSize);
      const where = locate(cause, nLayers, {
        activationsFinite: (l) => k.firstNonFinite(batch.a[l], rows * layout.layers[l].outputs) < 0,
        gradientFinite: (l) => k.firstNonFinite(grads + layout.layers[l].weightOffset * bytes, layerSize(l)) < 0,
        updateFinite: (l) => {
          const offset = layout.layers[l].weightOffset * bytes;
          return k.updateIsFinite(params + offset, grads + offset, layerSize(l), learningRate);
        },
      });
      return { step, ...where };
    },
    clearDataset() {
      if (!dataset) return;
      arena.free(dataset.block);
      dataset = null;
      generation = -1;
    },
    byteLength: () => arena.byteLength,
    dispose() {
      dataset = null;
      host?.dispose?.();
    },
  };
  return engine;
}
