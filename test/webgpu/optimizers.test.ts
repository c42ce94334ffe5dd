// SGD, Adam/AdamW/AMSGrad, RMSprop and Adagrad on the GPU against src/js/optimizers.ts (torch.optim's per-element order),
// over several steps so the first-step momentum rule and the bias corrections are exercised.
import { describe, expect, test } from 'vitest';
import { createGpuOptimizerState, encodeOptimizerStep, unsupportedOnGpu, type GpuOptimizerConfig } from '../../src/webgpu/optimizers.js';
import { optimizerBufferNames, resolveOptimizer } from '../../src/registry/optimizers.js';
import { optimizerUpdate } from '../../src/js/optimizers.js';
import { maxRelativeError, randomFloats, testContext } from './gpu.js';

const CASES: Record<string, object> = {
  'plain SGD': { type: 'sgd', learningRate: 0.1 },
  'SGD with momentum, dampening and weight decay': { type: 'sgd', learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
  'SGD with Nesterov momentum': { type: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true },
  Adam: { type: 'adam', learningRate: 0.01 },
  'Adam with L2 weight decay': { type: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, weightDecay: 0.1 },
  'AdamW (decoupled decay)': { type: 'adamw', learningRate: 0.01, weightDecay: 0.1 },
  'Adam with AMSGrad, clipped by value': { type: 'adam', learningRate: 0.01, amsgrad: true, clipValue: 0.5 },
  RMSprop: { type: 'rmsprop', learningRate: 0.01 },
  'RMSprop, centered, with momentum and weight decay': { type: 'rmsprop', learningRate: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 },
  'Adagrad with learning-rate decay': { type: 'adagrad', learningRate: 0.05, learningRateDecay: 0.1 },
};

describe('webgpu optimizers', () => {
  for (const [name, options] of Object.entries(CASES)) {
    test(`${name}: 4 steps agree with the js reference`, async () => {
      const context = await testContext();
      const config = resolveOptimizer('test', options) as GpuOptimizerConfig;
      const length = 100;
      const params = randomFloats(length, 21);
      const gpuParams = context.storage(params);
      const state = createGpuOptimizerState(context, config, length);
      const buffers = Object.fromEntries(optimizerBufferNames(config).map((name) => [name, new Float32Array(length)]));
      const reference = { step: 0, buffers };
      for (let step = 0; step < 4; step++) {
        const grads = randomFloats(length, 30 + step);
        const gpuGrads = context.storage(grads);
        context.submit((encoder) => encodeOptimizerStep(context, encoder, config, state, gpuParams, gpuGrads, length, config.learningRate));
        optimizerUpdate(config, reference, params, grads, config.learningRate);
      }
      expect(state.step).toBe(4);
      const got = await context.read(gpuParams, length);
      // Centered RMSprop subtracts the squared mean from the mean square: the cancellation
      // magnifies float32's rounding (the reference computes between stores in float64).
      const tolerance = name.includes('centered') ? 1e-4 : 1e-5;
      expect(maxRelativeError(got, params)).toBeLessThan(tolerance);
      // The parameters moved: a no-op kernel would fail here.
      expect(maxRelativeError(got, randomFloats(length, 21))).toBeGreaterThan(1e-3);
    });
  }

  test('a tensor past 65,535 workgroups (a 2048×2048 layer and more) is updated to its last element', async () => {
    const context = await testContext();
    const config = resolveOptimizer('test', { type: 'sgd', learningRate: 0.5 }) as GpuOptimizerConfig;
    const length = 64 * 65535 + 200; // one workgroup row more than a single dimension holds
    const params = new Float32Array(length).fill(1);
    const grads = new Float32Array(length).map((_, i) => (i % 7) - 3);
    const gpuParams = context.storage(params);
    const state = createGpuOptimizerState(context, config, length);
    context.submit((encoder) => encodeOptimizerStep(context, encoder, config, state, gpuParams, context.storage(grads), length, config.learningRate));
    const got = await context.read(gpuParams, length);
    const want = params.map((p, i) => Math.fround(p - 0.5 * grads[i]));
    expect(maxRelativeError(got, want)).toBe(0);
  });

  test('what has no kernel yet is named', () => {
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'nadam' }))).toBe("optimizer 'nadam'");
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'rmsprop' }))).toBeNull();
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'sgd', clipNorm: 1 }))).toBe('optimizer.clipNorm');
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'adamw' }))).toBeNull();
  });
});
