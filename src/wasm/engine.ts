import { fillDataset, type Engine } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import type { instantiate } from './build/kernels.js';
import { arrayType, lossParameter } from '../model/options.js';
import { normStatisticsLength, parameterLayout, runningOffsets, runningStatisticsLength } from '../model/layout.js';
import { Arena } from './arena.js';
import { BlockAccess, type Blocks } from './blocks.js';
import { FailureCause, locate } from '../engine/divergence.js';
import { optimizerBlockLayout, writeOptimizer, type OptimizerBlockLayout } from './optimizer.js';
import { DEFAULT_OPTIMIZER, checkOptimizerState, initialStateValue, optimizerBufferNames, type OptimizerConfig, type StateName } from '../registry/optimizers.js';
import { Random } from '../core/random.js';
import { firstNonFinite } from '../model/data.js';

/** The exports of a kernel module (assembly/index.ts), as the compiler declares them. */
export type Kernels = Awaited<ReturnType<typeof instantiate>>;

/** Epochs per `trainEpochs` call into wasm: bounds the losses buffer, and one crossing per chunk costs nothing. */
const EPOCH_CHUNK = 1024;
/** SIMD kernels may read (never write) one vector past a buffer's last row. */
const SLACK_BYTES = 16;

/** What an engine computes on: a memory and kernels over it (src/wasm/shared-engine.ts supplies threaded ones). */
export interface KernelHost {
  memory: WebAssembly.Memory;
  kernels: Kernels;
  /** The module's block layouts and codes (readBlocks). */
  blocks: Blocks;
  /** The first byte the network's arena may use. */
  arenaStart: number;
  /** The threads' control block, or 0. */
  control: number;
  /** Called by the engine's dispose. */
  dispose?(): void;
}

/** A wasm engine (src/wasm/auto-engine.ts moves a network between two of them). */
export type WasmEngine = Engine;

/**
 * The WebAssembly backend. Each network owns a linear memory laid out once: its Network and
 * Layer blocks, θ, ∇θ (fixed), then batch buffers and an optional dataset (re-laid when they
 * must grow). The blocks' field offsets come from the module (src/wasm/blocks.ts).
 */
export async function createWasmEngine(arch: Architecture, host: KernelHost): Promise<WasmEngine> {
  const { memory, kernels: k, blocks, arenaStart, control } = host;
  const Float = arrayType(arch.dtype);
  const bytes = Float.BYTES_PER_ELEMENT;
  if (k.floatBytes() !== bytes) throw new Error(`internal: ${arch.dtype} module computes in ${k.floatBytes()}-byte floats`);

  const layout = parameterLayout(arch);
  const arena = new Arena(memory, arenaStart);
  const count = layout.parameterCount;
  const nLayers = layout.layers.length;
  const net = arena.alloc(blocks.layersOffset + nLayers * blocks.layerStride, 'the network descriptor');
  const params = arena.alloc(count * bytes + SLACK_BYTES, `the network's ${count} parameters`);
  const grads = arena.alloc(count * bytes, `the network's ${count} gradients`);
  const gradAt = (offset: number) => grads + offset * bytes;
  const dropoutRandom = arena.alloc(16, 'the dropout generator');
  // Batch norm's running mean then variance per batch-norm layer, as the js engine lays them out.
  const runningCount = runningStatisticsLength(layout);
  const running = arena.alloc(runningCount * bytes, 'the running statistics');
  const runningAt = runningOffsets(layout).map((at, l) => {
    if (at < 0) return 0;
    new Float(memory.buffer, running + (at + layout.layers[l].outputs) * bytes, layout.layers[l].outputs).fill(1);
    return running + at * bytes;
  });
  new Uint32Array(memory.buffer, dropoutRandom, 4).set(new Random().getState());
  const lossWeights = writeLossWeights();
  const network = new BlockAccess(memory, blocks.Network, net);
  const failureWord = (net + blocks.Network.offset.failure) >> 2;
  const layerBlocks = layout.layers.map((_, l) => new BlockAccess(memory, blocks.Layer, net + blocks.layersOffset + l * blocks.layerStride));
  let optimizer = installOptimizer(DEFAULT_OPTIMIZER, 0);

  let capacity = 0;
  let sampleWeighting = false;
  let batch = { block: 0, x: 0, y: 0, w: 0, lossTerms: 0, z: [] as number[], a: [] as number[], mask: [] as number[], dropped: [] as number[], h: [] as number[], xhat: [] as number[], statistics: [] as number[] };
  let dataset: { block: number; x: number; y: number; w: number; order: number; state: number; losses: number; count: number; heldOut: number } | null = null;
  // What the last step or epoch was asked, to locate a failure in it; one object, updated in place (step allocates nothing).
  const lastRun = { rows: 0, batchSize: 0, learningRate: 0, epoch: false, set: false };
  function remember(rows: number, batchSize: number, learningRate: number, epoch: boolean) {
    lastRun.rows = rows;
    lastRun.batchSize = batchSize;
    lastRun.learningRate = learningRate;
    lastRun.epoch = epoch;
    lastRun.set = true;
  }
  const layerSize = (l: number) => layout.layers[l].size;

  // Typed-array views, re-made only when memory.grow has replaced the buffer.
  let generation = -1;
  let views = makeViews();
  function makeViews() {
    const buffer = memory.buffer;
    return {
      words: new Int32Array(buffer),
      params: new Float(buffer, params, count),
      grads: new Float(buffer, grads, count),
      x: new Float(buffer, batch.x, capacity * layout.inputSize),
      y: new Float(buffer, batch.y, capacity * layout.outputSize),
      w: new Float(buffer, batch.w, capacity),
      running: new Float(buffer, running, runningCount),
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
  let stagedViews = { rows: -1, views, x: views.x, y: views.y, w: views.w, out: views.y };
  function staged(rows: number) {
    const v = current();
    if (stagedViews.rows !== rows || stagedViews.views !== v) {
      const out = new Float(memory.buffer, batch.a[nLayers - 1], rows * layout.outputSize);
      stagedViews = { rows, views: v, x: v.x.subarray(0, rows * layout.inputSize), y: v.y.subarray(0, rows * layout.outputSize), w: v.w.subarray(0, rows), out };
    }
    return stagedViews;
  }
  /** Lays out a block for `config` with fresh state and the given step count; the caller frees the old block. */
  function installOptimizer(config: OptimizerConfig, step: number): { block: number; config: OptimizerConfig; layout: OptimizerBlockLayout } {
    const blockLayout = optimizerBlockLayout(blocks, config, count, bytes);
    const block = arena.alloc(blockLayout.bytes, `the '${config.type}' optimizer's state`);
    writeOptimizer(new BlockAccess(memory, blocks.Optimizer, block), blocks, config, blockLayout, step);
    const initial = initialStateValue(config);
    for (const offset of Object.values(blockLayout.stateOffsets)) new Float(memory.buffer, block + offset, count).fill(initial);
    return { block, config, layout: blockLayout };
  }
  function replaceOptimizer(config: OptimizerConfig, step: number) {
    const next = installOptimizer(config, step);
    arena.free(optimizer.block);
    optimizer = next;
    network.set('optimizer', optimizer.block);
  }
  function stateVector(name: StateName): FloatArray {
    return new Float(memory.buffer, optimizer.block + optimizer.layout.stateOffsets[name]!, count);
  }
  /** The loss's class or positive weights, once, as the network's floats (0: none). */
  function writeLossWeights(): { classes: number; positive: number } {
    const place = (values: readonly number[] | undefined, what: string) => {
      if (!values) return 0;
      const at = arena.alloc(values.length * bytes, what);
      new Float(memory.buffer, at, values.length).set(values);
      return at;
    };
    return { classes: place(arch.lossOptions?.classWeights, 'the class weights'), positive: place(arch.lossOptions?.posWeight, 'the positive weights') };
  }
  function writeDescriptor() {
    // The one counter the kernels keep in the block survives its rewrite.
    const tracked = network.get('batchesTracked');
    network.clear();
    network.set('batchesTracked', tracked);
    network.set('layerCount', nLayers);
    network.set('loss', blocks.lossCode(arch.loss));
    network.set('lossParameter', lossParameter(arch));
    network.set('classWeights', lossWeights.classes);
    network.set('posWeights', lossWeights.positive);
    network.set('labelSmoothing', arch.lossOptions?.labelSmoothing ?? 0);
    network.set('batchWeights', sampleWeighting ? batch.w : 0);
    network.set('parameterCount', count);
    network.set('parameters', params);
    network.set('gradient', grads);
    network.set('optimizer', optimizer.block);
    network.set('dropoutRandom', dropoutRandom);
    network.set('batchInputs', batch.x);
    network.set('batchTargets', batch.y);
    network.set('lossTerms', batch.lossTerms);
    network.set('control', control);
    if (dataset) {
      network.set('dataInputs', dataset.x);
      network.set('dataTargets', dataset.y);
      network.set('dataWeights', dataset.w);
      network.set('order', dataset.order);
      network.set('sampleCount', dataset.count);
      network.set('shuffleRandom', dataset.state);
      network.set('epochLosses', dataset.losses);
    }
    layout.layers.forEach((layer, l) => {
      const block = layerBlocks[l];
      block.set('inputs', layer.inputs);
      block.set('outputs', layer.outputs);
      block.set('activation', blocks.activationCode(layer.activation));
      block.set('weights', params + layer.weightOffset * bytes);
      block.set('bias', params + layer.biasOffset * bytes);
      block.set('gradWeights', gradAt(layer.weightOffset));
      block.set('gradBias', gradAt(layer.biasOffset));
      block.set('z', batch.z[l] ?? 0);
      block.set('a', batch.a[l] ?? 0);
      block.set('mask', batch.mask[l] ?? 0);
      block.set('dropped', batch.dropped[l] ?? 0);
      block.set('dropoutRate', arch.dropout[l] ?? 0);
      block.set('normalization', blocks.normalizationCode(layer.normalization));
      const norm = layer.normalization !== null;
      block.set('gamma', norm ? params + layer.normOffset * bytes : 0);
      block.set('beta', norm ? params + (layer.normOffset + layer.outputs) * bytes : 0);
      block.set('gradGamma', norm ? gradAt(layer.normOffset) : 0);
      block.set('gradBeta', norm ? gradAt(layer.normOffset + layer.outputs) : 0);
      block.set('h', batch.h[l] ?? 0);
      block.set('xhat', batch.xhat[l] ?? 0);
      block.set('statistics', batch.statistics[l] ?? 0);
      block.set('runningMean', runningAt[l]);
      block.set('runningVar', runningAt[l] && runningAt[l] + layer.outputs * bytes);
    });
  }
  network.clear();
  writeDescriptor();
  /** Readies the dataset for a whole-epoch call: its batch size, the staging rows, a clear failure word. */
  function beginDatasetCall(batchSize: number, learningRate: number) {
    if (!dataset) throw new Error('internal: no dataset set');
    engine.reserve(Math.min(batchSize, dataset.count));
    network.set('batchSize', batchSize);
    network.set('failure', FailureCause.None);
    remember(dataset.count, batchSize, learningRate, true);
    return dataset;
  }

  const engine: WasmEngine = {
    backend: 'wasm',
    layout,
    parameters: () => current().params,
    gradient: () => current().grads,
    reserve(rows) {
      if (rows <= capacity) return;
      // z and a for every layer; a mask and the dropped-out copy of a for layers with dropout;
      // h and x̂ for layers with a normalization, and its statistics (per row, or 3 per unit).
      const perRow = layout.layers.reduce((s, l, i) => s + l.outputs * (2 + ((arch.dropout[i] ?? 0) > 0 ? 2 : 0) + (l.normalization ? 2 : 0)), 0);
      const statistics = layout.layers.reduce((s, l) => s + (l.normalization ? normStatisticsLength(l, rows) : 0), 0);
      // Inputs, targets, sample weights and the loss terms (one per target), then the layers' buffers.
      const floats = rows * (layout.inputSize + 2 * layout.outputSize + 1 + perRow) + statistics;
      // Allocate the new block before freeing the old one: a failure leaves the engine as it was.
      const block = arena.alloc(floats * bytes + SLACK_BYTES, `a batch of ${rows} samples`);
      if (batch.block) arena.free(batch.block);
      let p = block;
      const take = (n: number) => { const at = p; p += n * bytes; return at; };
      batch = { block, x: take(rows * layout.inputSize), y: take(rows * layout.outputSize), w: take(rows), lossTerms: take(rows * layout.outputSize), z: [], a: [], mask: [], dropped: [], h: [], xhat: [], statistics: [] };
      layout.layers.forEach((layer, l) => {
        batch.z.push(take(rows * layer.outputs));
        batch.a.push(take(rows * layer.outputs));
        const dropout = (arch.dropout[l] ?? 0) > 0;
        batch.mask.push(dropout ? take(rows * layer.outputs) : 0);
        batch.dropped.push(dropout ? take(rows * layer.outputs) : 0);
        batch.h.push(layer.normalization ? take(rows * layer.outputs) : 0);
        batch.xhat.push(layer.normalization ? take(rows * layer.outputs) : 0);
        batch.statistics.push(layer.normalization ? take(normStatisticsLength(layer, rows)) : 0);
      });
      capacity = rows;
      generation = -1;
      writeDescriptor();
    },
    inputBuffer: (rows) => staged(rows).x,
    targetBuffer: (rows) => staged(rows).y,
    weightBuffer: (rows) => staged(rows).w,
    setSampleWeighting(on) {
      sampleWeighting = on;
      network.set('batchWeights', on ? batch.w : 0);
    },
    lossWeight: (rows) => k.lossWeight(net, rows),
    batchesWeight: () => network.get('resultWeight'),
    outputBuffer: (rows) => staged(rows).out,
    inputNonFinite: (rows) => k.firstNonFinite(batch.x, rows * layout.inputSize),
    // A view of another buffer (memory grown since it was made) is scanned in JavaScript.
    firstNonFiniteIn: (values) => (values.buffer === memory.buffer ? k.firstNonFinite(values.byteOffset, values.length) : firstNonFinite(values, false)),
    forward: (rows, batchStatistics = false) => k.forward(net, rows, batchStatistics),
    loss: (rows) => k.loss(net, rows),
    backward: (rows) => k.backward(net, rows),
    step(rows, learningRate) {
      remember(rows, rows, learningRate, false);
      return k.trainStep(net, rows, learningRate);
    },
    setOptimizer: (config) => replaceOptimizer(config, 0),
    optimizer: () => optimizer.config,
    resetOptimizer: () => replaceOptimizer(optimizer.config, 0),
    optimizerState: () => ({
      config: { ...optimizer.config },
      step: new BlockAccess(memory, blocks.Optimizer, optimizer.block).get('step'),
      buffers: optimizerBufferNames(optimizer.config).map((name) => stateVector(name).slice()),
    }),
    setOptimizerState(state) {
      const config = checkOptimizerState('setOptimizerState', state, count);
      replaceOptimizer(config, state.step);
      optimizerBufferNames(config).forEach((name, i) => stateVector(name).set(state.buffers[i]));
    },
    runningStatistics: () => current().running,
    batchesTracked: () => network.get('batchesTracked'),
    setBatchesTracked: (count) => network.set('batchesTracked', count),
    dropoutRandomState: () => Array.from(new Uint32Array(memory.buffer, dropoutRandom, 4)),
    setDropoutRandomState: (state) => new Uint32Array(memory.buffer, dropoutRandom, 4).set(state),
    preActivation: (l, rows) => new Float(memory.buffer, batch.z[l], rows * layout.layers[l].outputs),
    activation: (l, rows) => new Float(memory.buffer, batch.a[l], rows * layout.layers[l].outputs),
    allocateDataset(samples, weighted, heldOut = 0) {
      const rows = samples + heldOut;
      const xBytes = rows * layout.inputSize * bytes;
      const yBytes = rows * layout.outputSize * bytes;
      const wBytes = weighted ? rows * bytes : 0;
      // Ahead of the data, 8-byte aligned: one chunk of per-epoch losses and the shuffle generator's state.
      const head = EPOCH_CHUNK * 8 + 64;
      const block = arena.alloc(head + xBytes + yBytes + wBytes + samples * 4, `a dataset of ${rows} samples`);
      engine.clearDataset();
      const at = block + head;
      dataset = { block, losses: block, state: block + EPOCH_CHUNK * 8, x: at, y: at + xBytes, w: weighted ? at + xBytes + yBytes : 0, order: at + xBytes + yBytes + wBytes, count: samples, heldOut };
      generation = -1;
      writeDescriptor();
      return engine.datasetContents()!;
    },
    setDataset: (x, y, samples, w, heldOut) => fillDataset(engine, x, y, samples, w, heldOut),
    datasetOrder() {
      if (!dataset) throw new Error('internal: no dataset set');
      return current().order;
    },
    datasetContents() {
      if (!dataset) return null;
      const buffer = memory.buffer;
      const { x, y, w, count: samples, heldOut } = dataset;
      const rows = samples + heldOut;
      return {
        x: new Float(buffer, x, rows * layout.inputSize),
        y: new Float(buffer, y, rows * layout.outputSize),
        w: w ? new Float(buffer, w, rows) : undefined,
        count: samples,
        heldOut,
      };
    },
    trainEpochs(epochs, batchSize, learningRate, shuffle, random, losses) {
      const { state, losses: lossesAt } = beginDatasetCall(batchSize, learningRate);
      for (let done = 0; done < epochs; done += EPOCH_CHUNK) {
        const chunk = Math.min(EPOCH_CHUNK, epochs - done);
        network.set('failure', FailureCause.None);
        new Uint32Array(memory.buffer, state, 4).set(random.getState());
        k.trainEpochs(net, chunk, shuffle, learningRate);
        random.setState(Array.from(new Uint32Array(memory.buffer, state, 4)));
        // A failing step ends the call inside its epoch; only the epochs before it completed.
        const failed = network.get('failure') !== FailureCause.None;
        const completed = failed ? network.get('failedEpoch') : chunk;
        const values = new Float64Array(memory.buffer, lossesAt, chunk);
        for (let e = 0; e < completed; e++) losses.push(values[e]);
        if (failed) break;
      }
    },
    trainBatches(first, batches, batchSize, learningRate) {
      beginDatasetCall(batchSize, learningRate);
      return k.trainBatches(net, first, batches, learningRate);
    },
    failure() {
      // Read after every step: a plain view, not the general block access.
      const cause = current().words[failureWord] as FailureCause;
      if (cause === FailureCause.None || !lastRun.set) return null;
      const { learningRate, batchSize } = lastRun;
      const step = lastRun.epoch ? network.get('failedBatch') : 0;
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
      writeDescriptor();
    },
    byteLength: () => arena.byteLength,
    dispose() {
      dataset = null;
      host?.dispose?.();
    },
  };
  return engine;
}
