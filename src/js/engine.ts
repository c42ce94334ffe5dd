import { fillDataset, type Engine } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { arrayType, lossParameter } from '../model/options.js';
import { parameterLayout, runningOffsets, runningStatisticsLength } from '../model/layout.js';
import * as math from './math.js';
import { firstNonFinite, updateIsFinite } from './health.js';
import { FailureCause, locate } from '../engine/divergence.js';
import type { StepFailure } from '../engine/engine.js';
import { optimizerUpdate, type OptimizerSlots } from './optimizers.js';
import { dropoutBackward, dropoutForward } from './regularization.js';
import { DEFAULT_OPTIMIZER, checkOptimizerState, initialStateValue, optimizerBufferNames, type OptimizerConfig } from '../registry/optimizers.js';
import { Random } from '../core/random.js';
import { isWeighted, lossWeight, weightedLossValue, weightedOutputDelta, type Weighting } from './weighting.js';
import { normalizationRecord } from '../registry/normalizations.js';
import { normParameterGradient, type NormalizationReference } from '../registry/normalization-references.js';

/**
 * The pure-TypeScript backend: the same engine contract as the wasm one, on ordinary typed
 * arrays. It is the reference the wasm kernels are tested against and the pure-JS baseline
 * the benchmarks measure.
 */
export function createJsEngine(arch: Architecture): Engine {
  const Float = arrayType(arch.dtype);
  const layout = parameterLayout(arch);
  const params = new Float(layout.parameterCount);
  const grads = new Float(layout.parameterCount);
  const view = (array: FloatArray, offset: number, length: number) => array.subarray(offset, offset + length);
  const layers = layout.layers.map((layer, l) => ({
    ...layer,
    weights: view(params, layer.weightOffset, layer.inputs * layer.outputs),
    bias: view(params, layer.biasOffset, layer.outputs),
    gradWeights: view(grads, layer.weightOffset, layer.inputs * layer.outputs),
    gradBias: view(grads, layer.biasOffset, layer.outputs),
    z: new Float(0),
    a: new Float(0),
    dropoutRate: arch.dropout[l] ?? 0,
    mask: new Float(0),
    dropped: new Float(0),
    /** act'(z) while backpropagating through an activation that `slopeFromZ`. */
    slopes: new Float(0),
    gamma: view(params, layer.normOffset, layer.normalization ? layer.outputs : 0),
    beta: view(params, layer.normOffset + layer.outputs, layer.normalization ? layer.outputs : 0),
    gradGamma: view(grads, layer.normOffset, layer.normalization ? layer.outputs : 0),
    gradBeta: view(grads, layer.normOffset + layer.outputs, layer.normalization ? layer.outputs : 0),
    /** With a normalization: the Linear's output h (δh after backward), x̂, and layer norm's 1/σ per row. */
    h: new Float(0),
    xhat: new Float(0),
    rowInvStd: new Float(0),
    batch: { mean: new Float(layer.outputs), invStd: new Float(layer.outputs), unbiasedVar: new Float(layer.outputs) },
    runningMean: new Float(0),
    runningVar: new Float(0),
    /** Its normalization's reference, looked up once here rather than on every pass. */
    norm: layer.normalization ? normalizationRecord(layer.normalization).reference : null as NormalizationReference | null,
  }));
  // Batch norm's running statistics, one vector: per batch-norm layer its mean, then its variance (1s at start, as torch).
  const running = new Float(runningStatisticsLength(layout));
  runningOffsets(layout).forEach((at, l) => {
    if (at < 0) return;
    const n = layers[l].outputs;
    layers[l].runningMean = running.subarray(at, at + n);
    layers[l].runningVar = running.subarray(at + n, at + 2 * n).fill(1);
  });
  let batchesTracked = 0;
  /** The layers whose normalization updates running statistics after a step. */
  const tracking = layers.flatMap((layer) => (layer.norm?.afterStep ? [{ layer, afterStep: layer.norm.afterStep }] : []));
  const last = layers[layers.length - 1];
  const layerSize = (l: number) => layers[l].size;
  let capacity = 0;
  let input = new Float(0);
  let target = new Float(0);
  let sampleWeights = new Float(0);
  let dataset: { x: FloatArray; y: FloatArray; w: FloatArray | null; count: number; heldOut: number; order: Int32Array } | null = null;
  const weighting: Weighting = {
    sample: null,
    classes: arch.lossOptions?.classWeights ?? null,
    positive: arch.lossOptions?.posWeight ?? null,
    smoothing: arch.lossOptions?.labelSmoothing ?? 0,
  };
  let sampleWeighting = false;
  let batchesWeight = 0;
  /** The loss's weighting for a batch of `rows` (sample weights only while they are switched on). */
  const weightingOf = (rows: number) => {
    weighting.sample = sampleWeighting ? sampleWeights.subarray(0, rows) : null;
    return weighting;
  };
  // Divergence guard, as assembly/network.ts: why the last step was refused, and where.
  let cause: FailureCause = FailureCause.None;
  let failed: { step: number; rows: number; learningRate: number } | null = null;
  let optimizer: OptimizerConfig = DEFAULT_OPTIMIZER;
  let slots = freshSlots(optimizer);
  const dropoutRandom = new Random();

  function freshSlots(config: OptimizerConfig): OptimizerSlots {
    const buffers: OptimizerSlots['buffers'] = {};
    for (const name of optimizerBufferNames(config)) buffers[name] = new Float(layout.parameterCount).fill(initialStateValue(config));
    return { step: 0, buffers };
  }
  const hasDropout = layers.some((layer) => layer.dropoutRate > 0);
  /** What layer l hands the next layer: its dropped-out activations while training. */
  const passedOn = (l: number, training: boolean) => (training && layers[l].dropoutRate > 0 ? layers[l].dropped : layers[l].a);

  /** Layer l's Linear → normalization: z from the input x (the batch's statistics when `batchStatistics`). */
  function linear(layer: (typeof layers)[number], x: FloatArray, rows: number, batchStatistics: boolean): void {
    const n = layer.outputs;
    if (!layer.norm) return math.denseForward(layer.z, x, layer.weights, layer.bias, rows, n, layer.inputs);
    math.denseForward(layer.h, x, layer.weights, layer.bias, rows, n, layer.inputs);
    layer.norm.forward(layer, rows, n, batchStatistics);
  }

  /** δ of the Linear's output from δz (in z) through the normalization, with ∇γ and ∇β; returns the buffer holding it. */
  function linearDelta(layer: (typeof layers)[number], rows: number): FloatArray {
    const n = layer.outputs;
    if (!layer.norm) return layer.z;
    normParameterGradient(layer.gradGamma, layer.gradBeta, layer.z, layer.xhat, rows, n);
    layer.norm.backward(layer, rows, n);
    return layer.h;
  }

  function forwardPass(rows: number, training: boolean, batchStatistics = training): void {
    let x: FloatArray = input;
    layers.forEach((layer, l) => {
      linear(layer, x, rows, batchStatistics);
      math.activate(layer.activation, layer.a, layer.z, rows, layer.outputs);
      if (training && layer.dropoutRate > 0) dropoutForward(layer.dropped, layer.mask, layer.a, rows * layer.outputs, layer.dropoutRate, dropoutRandom);
      x = passedOn(l, training);
    });
  }

  function backwardPass(rows: number, training: boolean): number {
    const value = engine.loss(rows);
    for (const layer of layers) if (math.slopeFromZ(layer.activation)) math.storeSlopes(layer.activation, layer.slopes, layer.z, rows * layer.outputs);
    const w = weightingOf(rows);
    if (isWeighted(w)) weightedOutputDelta(arch.loss, last.activation, last.z, last.a, target, rows, last.outputs, last.slopes, lossParameter(arch), w);
    else math.outputDelta(arch.loss, last.activation, last.z, last.a, target, rows, last.outputs, last.slopes, lossParameter(arch));
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const x = l === 0 ? input : passedOn(l - 1, training);
      math.weightGradient(layer.gradWeights, layer.gradBias, linearDelta(layer, rows), x, rows, layer.outputs, layer.inputs);
      if (l > 0) {
        const below = layers[l - 1];
        math.inputGradient(below.z, layer.normalization ? layer.h : layer.z, layer.weights, rows, layer.outputs, layer.inputs);
        math.activationBackward(below.activation, below.z, math.slopeFromZ(below.activation) ? below.slopes : below.a, rows, below.outputs);
        // Dropout's mask and the activation derivative are both elementwise factors of δ.
        if (training && below.dropoutRate > 0) dropoutBackward(below.z, below.mask, rows * below.outputs);
      }
    }
    return value;
  }

  const engine: Engine = {
    backend: 'js',
    layout,
    parameters: () => params,
    gradient: () => grads,
    reserve(rows) {
      if (rows <= capacity) return;
      capacity = rows;
      input = new Float(rows * layout.inputSize);
      target = new Float(rows * layout.outputSize);
      sampleWeights = new Float(rows);
      for (const layer of layers) {
        layer.z = new Float(rows * layer.outputs);
        layer.a = new Float(rows * layer.outputs);
        if (math.slopeFromZ(layer.activation)) layer.slopes = new Float(rows * layer.outputs);
        if (layer.dropoutRate > 0) {
          layer.mask = new Float(rows * layer.outputs);
          layer.dropped = new Float(rows * layer.outputs);
        }
        if (layer.normalization) {
          layer.h = new Float(rows * layer.outputs);
          layer.xhat = new Float(rows * layer.outputs);
          layer.rowInvStd = new Float(rows);
        }
      }
    },
    inputBuffer: (rows) => input.subarray(0, rows * layout.inputSize),
    targetBuffer: (rows) => target.subarray(0, rows * layout.outputSize),
    weightBuffer: (rows) => sampleWeights.subarray(0, rows),
    setSampleWeighting(on) {
      sampleWeighting = on;
    },
    lossWeight: (rows) => lossWeight(arch.loss, target, rows, last.outputs, weightingOf(rows)),
    batchesWeight: () => batchesWeight,
    outputBuffer: (rows) => last.a.subarray(0, rows * layout.outputSize),
    inputNonFinite: (rows) => firstNonFinite(input.subarray(0, rows * layout.inputSize)),
    firstNonFiniteIn: (values) => firstNonFinite(values),
    forward: (rows, batchStatistics = false) => forwardPass(rows, false, batchStatistics),
    loss(rows) {
      const w = weightingOf(rows);
      if (isWeighted(w)) return weightedLossValue(arch.loss, last.z, last.a, target, rows, last.outputs, lossParameter(arch), w);
      return math.lossValue(arch.loss, last.z, last.a, target, rows, last.outputs, lossParameter(arch));
    },
    backward: (rows) => backwardPass(rows, false),
    step(rows, learningRate) {
      // A refused step leaves the network as it was, the dropout generator's state included.
      const random = hasDropout ? dropoutRandom.getState() : null;
      forwardPass(rows, true);
      const value = backwardPass(rows, true);
      cause = value - value !== 0 ? FailureCause.Loss : updateIsFinite(params, grads, learningRate) ? FailureCause.None : FailureCause.Update;
      failed = cause === FailureCause.None ? null : { step: 0, rows, learningRate };
      if (!failed) {
        optimizerUpdate(optimizer, slots, params, grads, learningRate);
        for (const { layer, afterStep } of tracking) afterStep(layer, layer.outputs);
        if (tracking.length > 0) batchesTracked++;
      } else if (random) dropoutRandom.setState(random);
      return value;
    },
    setOptimizer(config) {
      slots = freshSlots(config);
      optimizer = config;
    },
    optimizer: () => optimizer,
    resetOptimizer() {
      slots = freshSlots(optimizer);
    },
    optimizerState: () => ({
      config: { ...optimizer },
      step: slots.step,
      buffers: optimizerBufferNames(optimizer).map((name) => slots.buffers[name]!.slice()),
    }),
    setOptimizerState(state) {
      const config = checkOptimizerState('setOptimizerState', state, layout.parameterCount);
      const next = freshSlots(config);
      optimizerBufferNames(config).forEach((name, i) => next.buffers[name]!.set(state.buffers[i]));
      next.step = state.step;
      optimizer = config;
      slots = next;
    },
    runningStatistics: () => running,
    batchesTracked: () => batchesTracked,
    setBatchesTracked(count) {
      batchesTracked = count;
    },
    dropoutRandomState: () => dropoutRandom.getState(),
    setDropoutRandomState: (state) => dropoutRandom.setState(state),
    preActivation: (l, rows) => layers[l].z.subarray(0, rows * layers[l].outputs),
    activation: (l, rows) => layers[l].a.subarray(0, rows * layers[l].outputs),
    allocateDataset(count, weighted, heldOut = 0) {
      const rows = count + heldOut;
      dataset = { x: new Float(rows * layout.inputSize), y: new Float(rows * layout.outputSize), w: weighted ? new Float(rows) : null, count, heldOut, order: new Int32Array(count) };
      return engine.datasetContents()!;
    },
    setDataset: (x, y, count, w, heldOut) => fillDataset(engine, x, y, count, w, heldOut),
    datasetContents() {
      return dataset && { x: dataset.x, y: dataset.y, w: dataset.w ?? undefined, count: dataset.count, heldOut: dataset.heldOut };
    },
    datasetOrder() {
      if (!dataset) throw new Error('internal: no dataset set');
      return dataset.order;
    },
    trainBatches(first, batches, batchSize, learningRate) {
      if (!dataset) throw new Error('internal: no dataset set');
      const { x, y, w, count, order } = dataset;
      const inputs = layout.inputSize;
      const outputs = layout.outputSize;
      engine.reserve(Math.min(batchSize, count));
      let total = 0;
      batchesWeight = 0;
      const end = Math.min(count, (first + batches) * batchSize);
      for (let start = first * batchSize; start < end; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        for (let i = 0; i < rows; i++) {
          const sample = order[start + i];
          input.set(x.subarray(sample * inputs, (sample + 1) * inputs), i * inputs);
          target.set(y.subarray(sample * outputs, (sample + 1) * outputs), i * outputs);
          if (w && sampleWeighting) sampleWeights[i] = w[sample];
        }
        // Each batch counts by its loss's weight (its rows when nothing is weighted).
        const weight = engine.lossWeight(rows);
        total += engine.step(rows, learningRate) * weight;
        batchesWeight += weight;
        if (failed) {
          failed.step = start / batchSize;
          break;
        }
      }
      return total;
    },
    failure(): StepFailure | null {
      if (!failed) return null;
      const { rows, learningRate } = failed;
      const where = locate(cause, layers.length, {
        activationsFinite: (l) => firstNonFinite(engine.activation(l, rows)) < 0,
        gradientFinite: (l) => firstNonFinite(view(grads, layers[l].weightOffset, layerSize(l))) < 0,
        updateFinite: (l) => updateIsFinite(view(params, layers[l].weightOffset, layerSize(l)), view(grads, layers[l].weightOffset, layerSize(l)), learningRate),
      });
      return { step: failed.step, ...where };
    },
    trainEpochs(epochs, batchSize, learningRate, shuffle, random, losses) {
      const order = engine.datasetOrder();
      for (let e = 0; e < epochs; e++) {
        for (let i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) random.shuffle(order);
        const total = engine.trainBatches(0, Math.ceil(order.length / batchSize), batchSize, learningRate);
        const loss = batchesWeight === 0 ? 0 : total / batchesWeight;
        if (failed) break;
        losses.push(loss);
      }
    },
    clearDataset() {
      dataset = null;
    },
    byteLength() {
      const arrays = [params, grads, input, target, sampleWeights, ...layers.flatMap((l) => [l.z, l.a, l.mask, l.dropped, l.slopes, l.h, l.xhat, l.rowInvStd]), running, ...Object.values(slots.buffers), ...(dataset ? [dataset.x, dataset.y, dataset.order, ...(dataset.w ? [dataset.w] : [])] : [])];
      return arrays.reduce((sum, array) => sum + array.byteLength, 0);
    },
    dispose() {
      dataset = null;
    },
  };
  return engine;
}
