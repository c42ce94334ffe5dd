// End to end: ten training steps of small dense networks on the GPU (GpuDenseTrainer) against
// the same ten `step` calls on the js and wasm float32 backends, from the same initial θ; and the
// same run twice on the GPU, bit for bit.
import { describe, expect, test } from 'vitest';
import { MLP, type Activation, type Loss, type OptimizerOptions } from '../../src/index.js';
import { GpuDenseTrainer, type DenseParameters, type GpuDenseSpec } from '../../src/webgpu/dense-trainer.js';
import { resolveOptimizer } from '../../src/registry/optimizers.js';
import { WasmMlpError } from '../../src/core/errors.js';
import { maxRelativeError, randomFloats, testContext } from './gpu.js';

interface Case {
  layers: number[];
  activations: Activation[];
  loss: Loss;
  optimizer: OptimizerOptions;
}

const CASES: Record<string, Case> = {
  '4-8-3 relu → softmax, cross-entropy, Adam': { layers: [4, 8, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', optimizer: { type: 'adam', learningRate: 0.01 } },
  '3-6-5-2 tanh, sigmoid → linear, MSE, SGD with momentum': { layers: [3, 6, 5, 2], activations: ['tanh', 'sigmoid', 'linear'], loss: 'mse', optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } },
  '5-4-1 relu → sigmoid, MSE, AdamW': { layers: [5, 4, 1], activations: ['relu', 'sigmoid'], loss: 'mse', optimizer: { type: 'adamw', learningRate: 0.02, weightDecay: 0.01 } },
};

const ROWS = 7;
const STEPS = 10;

/** θ in the library's flat layout, split into nn.Linear's weight [out×in] and bias per layer. */
function split(net: MLP, theta: Float32Array): DenseParameters {
  const layers = net.layout.layers;
  return {
    weights: layers.map((l) => theta.slice(l.weightOffset, l.weightOffset + l.inputs * l.outputs)),
    biases: layers.map((l) => theta.slice(l.biasOffset, l.biasOffset + l.outputs)),
  };
}

function batch(c: Case): { x: Float32Array; y: Float32Array } {
  const inputs = c.layers[0];
  const outputs = c.layers[c.layers.length - 1];
  const x = randomFloats(ROWS * inputs, 40, -2, 2);
  const y = c.loss === 'cross-entropy' ? new Float32Array(ROWS * outputs).map((_, i) => (i % outputs === Math.floor(i / outputs) % outputs ? 1 : 0)) : randomFloats(ROWS * outputs, 41);
  return { x, y };
}

async function cpuRun(c: Case, backend: 'js' | 'wasm'): Promise<{ initial: Float32Array; final: Float32Array; net: MLP }> {
  const net = await MLP.create({ layers: c.layers, activations: c.activations, loss: c.loss, dtype: 'float32', backend, seed: 3 });
  net.setOptimizer(c.optimizer);
  const initial = Float32Array.from(net.getParameters());
  const { x, y } = batch(c);
  for (let s = 0; s < STEPS; s++) net.step(x, y);
  return { initial, final: Float32Array.from(net.getParameters()), net };
}

async function gpuRun(c: Case, net: MLP, initial: Float32Array): Promise<DenseParameters> {
  const context = await testContext();
  const spec: GpuDenseSpec = { sizes: c.layers, activations: c.activations as GpuDenseSpec['activations'], loss: c.loss as GpuDenseSpec['loss'], optimizer: resolveOptimizer('test', c.optimizer) };
  const trainer = GpuDenseTrainer.create(context, spec, split(net, initial), ROWS);
  const { x, y } = batch(c);
  // The batch is uploaded once; all ten steps are one submission.
  trainer.train(context.storage(x), context.storage(y), ROWS, spec.optimizer.learningRate, STEPS);
  return trainer.parameters();
}

const flat = (p: DenseParameters) => Float32Array.from(p.weights.flatMap((w, l) => [...w, ...p.biases[l]]));

describe('webgpu dense training', () => {
  for (const [name, c] of Object.entries(CASES)) {
    test(`${name}: ${STEPS} steps agree with the js and wasm float32 backends within 1e-4 relative`, async () => {
      const js = await cpuRun(c, 'js');
      const wasm = await cpuRun(c, 'wasm');
      expect(Array.from(wasm.initial)).toEqual(Array.from(js.initial));
      const gpu = flat(await gpuRun(c, js.net, js.initial));
      const want = flat(split(js.net, js.final));
      expect(maxRelativeError(gpu, want, 1e-3)).toBeLessThan(1e-4);
      expect(maxRelativeError(gpu, flat(split(wasm.net, wasm.final)), 1e-3)).toBeLessThan(1e-4);
      // Training moved θ, so agreement is not the trivial one of two untouched copies.
      expect(maxRelativeError(want, flat(split(js.net, js.initial)), 1e-3)).toBeGreaterThan(1e-3);
    });
  }

  test('the same run twice on one adapter gives bit-identical parameters', async () => {
    const c = CASES['4-8-3 relu → softmax, cross-entropy, Adam'];
    const net = await MLP.create({ layers: c.layers, activations: c.activations, loss: c.loss, seed: 5 });
    const initial = Float32Array.from(net.getParameters());
    const first = flat(await gpuRun(c, net, initial));
    const second = flat(await gpuRun(c, net, initial));
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  test('two epochs over an uploaded data set in batches of 8 (8, 8, 4) agree with step per batch on the js backend', async () => {
    const context = await testContext();
    const c = CASES['3-6-5-2 tanh, sigmoid → linear, MSE, SGD with momentum'];
    const count = 20;
    const x = randomFloats(count * 3, 50, -2, 2);
    const y = randomFloats(count * 2, 51);
    const net = await MLP.create({ layers: c.layers, activations: c.activations, loss: c.loss, dtype: 'float32', backend: 'js', seed: 9 });
    net.setOptimizer(c.optimizer);
    const spec: GpuDenseSpec = { sizes: c.layers, activations: ['tanh', 'sigmoid', 'linear'], loss: 'mse', optimizer: resolveOptimizer('test', c.optimizer) };
    const trainer = GpuDenseTrainer.create(context, spec, split(net, Float32Array.from(net.getParameters())), 8);
    trainer.trainEpochs({ x: context.storage(x), y: context.storage(y), count }, 8, 2, spec.optimizer.learningRate);
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let start = 0; start < count; start += 8) {
        const end = Math.min(count, start + 8);
        net.step(x.slice(start * 3, end * 3), y.slice(start * 2, end * 2));
      }
    }
    const want = flat(split(net, Float32Array.from(net.getParameters())));
    expect(maxRelativeError(flat(await trainer.parameters()), want, 1e-3)).toBeLessThan(1e-4);
    expect(() => trainer.trainEpochs({ x: context.storage(x), y: context.storage(y), count }, 9, 1, 0.1)).toThrow('webgpu: batchSize must be an integer from 1 to 8, got 9');
  });

  test("predict agrees with the js backend's predict (softmax rows)", async () => {
    const context = await testContext();
    const c = CASES['4-8-3 relu → softmax, cross-entropy, Adam'];
    const net = await MLP.create({ layers: c.layers, activations: c.activations, loss: c.loss, seed: 5, backend: 'js' });
    const spec: GpuDenseSpec = { sizes: c.layers, activations: ['relu', 'softmax'], loss: 'cross-entropy', optimizer: resolveOptimizer('test', c.optimizer) };
    const trainer = GpuDenseTrainer.create(context, spec, split(net, Float32Array.from(net.getParameters())), ROWS);
    const { x } = batch(c);
    const got = await trainer.predict(context.storage(x), ROWS);
    const want = net.predict(x) as Float32Array;
    expect(maxRelativeError(got, want, 1e-6)).toBeLessThan(1e-5);
  });

  test('what has no WebGPU kernel yet is refused by name', async () => {
    const context = await testContext();
    const params = { weights: [new Float32Array(6)], biases: [new Float32Array(3)] };
    const spec = (over: Partial<GpuDenseSpec>): GpuDenseSpec => ({ sizes: [2, 3], activations: ['relu'], loss: 'mse', optimizer: resolveOptimizer('test', { type: 'sgd' }), ...over });
    const refuse = (over: Partial<GpuDenseSpec>) => () => GpuDenseTrainer.create(context, spec(over), params, 4);
    expect(refuse({ activations: ['gelu' as never] })).toThrow(new WasmMlpError("webgpu: activation 'gelu' (layer 0; WebGPU has linear, relu, sigmoid, tanh, leaky-relu, softmax) is not yet supported on WebGPU"));
    expect(refuse({ optimizer: resolveOptimizer('test', { type: 'nadam' }) })).toThrow("webgpu: optimizer 'nadam' is not yet supported on WebGPU");
    expect(refuse({ loss: 'cross-entropy' })).toThrow(/cross-entropy needs softmax/);
    expect(() => GpuDenseTrainer.create(context, spec({}), { weights: [new Float32Array(5)], biases: [new Float32Array(3)] }, 4)).toThrow('webgpu: weights[0] has 5 values, expected 6');
    expect(refuse({ activations: ['relu', 'relu'] })).toThrow('webgpu: 2 activations for 2 layer sizes, expected 1 (one per weight layer)');
    expect(refuse({ sizes: [2, 0] })).toThrow('webgpu: layer sizes must be positive integers, got [2, 0]');
    expect(() => GpuDenseTrainer.create(context, spec({}), params, 0)).toThrow('webgpu: batchCapacity must be a positive integer, got 0');
    const trainer = GpuDenseTrainer.create(context, spec({}), params, 4);
    expect(() => trainer.train(context.storage(6), context.storage(12), 4, 0.1)).toThrow('webgpu: a batch of 4 rows needs x of 32 and y of 48 bytes, got 24 and 48');
    expect(() => trainer.train(context.storage(8), context.storage(12), 5, 0.1)).toThrow('webgpu: a batch of 5 rows, expected 1 to 4');
  });
});
