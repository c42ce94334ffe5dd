import type { Engine } from '../engine.js';
import type { Architecture, FloatArray } from '../options.js';
import { arrayType } from '../options.js';
import { parameterLayout } from '../layout.js';
import * as math from './math.js';

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
  const layers = layout.layers.map((layer) => ({
    ...layer,
    weights: view(params, layer.weightOffset, layer.inputs * layer.outputs),
    bias: view(params, layer.biasOffset, layer.outputs),
    gradWeights: view(grads, layer.weightOffset, layer.inputs * layer.outputs),
    gradBias: view(grads, layer.biasOffset, layer.outputs),
    z: new Float(0),
    a: new Float(0),
  }));
  const last = layers[layers.length - 1];
  let capacity = 0;
  let input = new Float(0);
  let target = new Float(0);
  let dataset: { x: FloatArray; y: FloatArray; count: number; order: Int32Array } | null = null;

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
      for (const layer of layers) {
        layer.z = new Float(rows * layer.outputs);
        layer.a = new Float(rows * layer.outputs);
      }
    },
    inputBuffer: (rows) => input.subarray(0, rows * layout.inputSize),
    targetBuffer: (rows) => target.subarray(0, rows * layout.outputSize),
    forward(rows) {
      let x: FloatArray = input;
      for (const layer of layers) {
        math.denseForward(layer.z, x, layer.weights, layer.bias, rows, layer.outputs, layer.inputs);
        math.activate(layer.activation, layer.a, layer.z, rows, layer.outputs);
        x = layer.a;
      }
    },
    loss: (rows) => math.lossValue(arch.loss, last.z, last.a, target, rows, last.outputs),
    backward(rows) {
      const value = engine.loss(rows);
      math.outputDelta(arch.loss, last.activation, last.z, last.a, target, rows, last.outputs);
      for (let l = layers.length - 1; l >= 0; l--) {
        const layer = layers[l];
        const x = l === 0 ? input : layers[l - 1].a;
        math.weightGradient(layer.gradWeights, layer.gradBias, layer.z, x, rows, layer.outputs, layer.inputs);
        if (l > 0) {
          const below = layers[l - 1];
          math.inputGradient(below.z, layer.z, layer.weights, rows, layer.outputs, layer.inputs);
          math.activationBackward(below.activation, below.z, below.a, rows, below.outputs);
        }
      }
      return value;
    },
    sgdUpdate: (learningRate) => math.sgdUpdate(params, grads, learningRate),
    step(rows, learningRate) {
      engine.forward(rows);
      const value = engine.backward(rows);
      engine.sgdUpdate(learningRate);
      return value;
    },
    preActivation: (l, rows) => layers[l].z.subarray(0, rows * layers[l].outputs),
    activation: (l, rows) => layers[l].a.subarray(0, rows * layers[l].outputs),
    setDataset(x, y, count) {
      dataset = { x: Float.from(x), y: Float.from(y), count, order: new Int32Array(count) };
    },
    datasetOrder() {
      if (!dataset) throw new Error('internal: no dataset set');
      return dataset.order;
    },
    trainEpoch(batchSize, learningRate) {
      if (!dataset) throw new Error('internal: no dataset set');
      return engine.trainBatches(0, Math.ceil(dataset.count / batchSize), batchSize, learningRate) / dataset.count;
    },
    trainBatches(first, batches, batchSize, learningRate) {
      if (!dataset) throw new Error('internal: no dataset set');
      const { x, y, count, order } = dataset;
      const inputs = layout.inputSize;
      const outputs = layout.outputSize;
      engine.reserve(Math.min(batchSize, count));
      let total = 0;
      const end = Math.min(count, (first + batches) * batchSize);
      for (let start = first * batchSize; start < end; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        for (let i = 0; i < rows; i++) {
          const sample = order[start + i];
          input.set(x.subarray(sample * inputs, (sample + 1) * inputs), i * inputs);
          target.set(y.subarray(sample * outputs, (sample + 1) * outputs), i * outputs);
        }
        total += engine.step(rows, learningRate) * rows;
      }
      return total;
    },
    clearDataset() {
      dataset = null;
    },
    dispose() {
      dataset = null;
    },
  };
  return engine;
}
