// One PyTorch fixture case (test/fixtures/make-*-fixtures.py) checked on a network: the output,
// loss and ∇θ at θ₀, then the loss and θ over the recorded steps. float64 agrees to 1e-9
// relative; float32 within its rounding (θ and data start rounded to float32, then errors of
// ~6e-8 per operation compound).
import { expect } from 'vitest';
import { MLP, type Activation, type Backend, type DType, type Loss, type LossOptions, type OptimizerOptions } from '../src/index.js';
import { maxRelativeError } from './helpers.js';

export interface TorchCase {
  name: string;
  network: { layers: number[]; activations: Activation[]; loss: Loss; lossOptions?: LossOptions };
  /** One weight per row of X, for every call (make-weighting-fixtures.py). */
  sampleWeight?: number[];
  optimizer: OptimizerOptions;
  theta: number[];
  X: number[][];
  Y: number[][];
  predictions: number[];
  loss: number;
  gradient: number[];
  losses: number[];
  thetas: number[][];
}

const tolerance = { float64: 1e-9, float32: 1e-5 };
export const relative = (got: number, expected: number) => Math.abs(got - expected) / Math.max(Math.abs(expected), 1e-300);

export async function checkTorchCase(c: TorchCase, backend: Backend, dtype: DType): Promise<void> {
  const net = await MLP.create({ ...c.network, backend, dtype });
  net.setParameters(c.theta);
  net.setOptimizer(c.optimizer);
  const limit = tolerance[dtype];
  const weights = c.sampleWeight ? { sampleWeight: c.sampleWeight } : undefined;
  expect(maxRelativeError(net.predict(c.X).flat(), c.predictions)).toBeLessThan(limit);
  expect(relative(net.loss(c.X, c.Y, weights), c.loss)).toBeLessThan(limit);
  expect(maxRelativeError(net.gradient(c.X, c.Y, weights), c.gradient)).toBeLessThan(limit);
  c.thetas.forEach((expected, s) => {
    expect(relative(net.step(c.X, c.Y, weights), c.losses[s])).toBeLessThan(limit);
    expect(maxRelativeError(net.getParameters(), expected)).toBeLessThan(limit);
  });
  net.dispose();
}
