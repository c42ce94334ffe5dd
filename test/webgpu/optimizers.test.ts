// SGD and Adam/AdamW on the GPU against src/js/optimizers.ts (torch.optim's per-element order),
// over several steps so the first-step momentum rule and the bias corrections are exercised.
import { describe, expect, test } from 'vitest';
import { createGpuOptimizerState, encodeOptimizerStep, unsupportedOnGpu } from '../../src/webgpu/optimizers.js';
import { resolveOptimizer, type OptimizerConfig } from '../../src/registry/optimizers.js';
import { optimizerUpdate } from '../../src/js/optimizers.js';
import { maxRelativeError, randomFloats, testContext } from './gpu.js';

const CASES: Record<string, object> = {
  'plain SGD': { type: 'sgd', learningRate: 0.1 },
  'SGD with momentum, dampening and weight decay': { type: 'sgd', learningRate: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 },
  'SGD with Nesterov momentum': { type: 'sgd', learningRate: 0.05, momentum: 0.8, nesterov: true },
  Adam: { type: 'adam', learningRate: 0.01 },
  'Adam with L2 weight decay': { type: 'adam', learningRate: 0.01, beta1: 0.8, beta2: 0.99, weightDecay: 0.1 },
  'AdamW (decoupled decay)': { type: 'adamw', learningRate: 0.01, weightDecay: 0.1 },
};

describe('webgpu optimizers', () => {
  for (const [name, options] of Object.entries(CASES)) {
    test(`${name}: 4 steps agree with the js reference`, async () => {
      const context = await testContext();
      const config = resolveOptimizer('test', options) as Extract<OptimizerConfig, { type: 'sgd' | 'adam' | 'adamw' }>;
      const length = 100;
      const params = randomFloats(length, 21);
      const gpuParams = context.storage(params);
      const state = createGpuOptimizerState(context, config, length);
      const reference = { step: 0, buffers: { momentumBuffer: new Float32Array(length), m: new Float32Array(length), v: new Float32Array(length) } };
      for (let step = 0; step < 4; step++) {
        const grads = randomFloats(length, 30 + step);
        const gpuGrads = context.storage(grads);
        context.submit((encoder) => encodeOptimizerStep(context, encoder, config, state, gpuParams, gpuGrads, length, config.learningRate));
        optimizerUpdate(config, reference, params, grads, config.learningRate);
      }
      expect(state.step).toBe(4);
      const got = await context.read(gpuParams, length);
      expect(maxRelativeError(got, params)).toBeLessThan(1e-5);
      // The parameters moved: a no-op kernel would fail here.
      expect(maxRelativeError(got, randomFloats(length, 21))).toBeGreaterThan(1e-3);
    });
  }

  test('what has no kernel yet is named', () => {
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'rmsprop' }))).toBe("optimizer 'rmsprop'");
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'adam', amsgrad: true }))).toBe('optimizer.amsgrad');
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'sgd', clipNorm: 1 }))).toBe('optimizer.clipNorm');
    expect(unsupportedOnGpu(resolveOptimizer('test', { type: 'adamw' }))).toBeNull();
  });
});
