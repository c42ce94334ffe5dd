// Shared test fixtures: seeded random data and networks, so every failure is reproducible.
import { MLP, type Activation, type Backend, type DType, type Loss, type LossOptions } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { ACTIVATIONS, slopeFromZ } from '../src/registry/activations.js';

export interface NetSpec {
  layers: number[];
  activations: Activation[];
  loss: Loss;
  lossOptions?: LossOptions;
}

/** Targets suited to a loss: real values, one-hot rows, or probabilities in [0, 1]. */
export function randomData(spec: NetSpec, rows: number, seed: number): { X: Float64Array; Y: Float64Array } {
  const random = new Random(seed);
  const inputs = spec.layers[0];
  const outputs = spec.layers[spec.layers.length - 1];
  const X = Float64Array.from({ length: rows * inputs }, () => random.normal());
  const Y = new Float64Array(rows * outputs);
  for (let i = 0; i < rows; i++) {
    if (spec.loss === 'cross-entropy') Y[i * outputs + random.int(outputs)] = 1;
    else for (let j = 0; j < outputs; j++) Y[i * outputs + j] = spec.loss === 'binary-cross-entropy' ? random.next() : random.normal();
  }
  return { X, Y };
}

export function createNet(spec: NetSpec, backend: Backend, dtype: DType, seed = 7): Promise<MLP> {
  return MLP.create({ ...spec, backend, dtype, seed });
}

/** The activations whose derivative is taken from z (GELU, SiLU, ELU, SELU, softplus, Mish, hardswish): their kernel code's flag. */
export const SMOOTH_ACTIVATIONS: Activation[] = ACTIVATIONS.filter(slopeFromZ);

/** Every hidden activation with every output/loss pairing, at depths 1 to 3; the smooth ones with two pairings each and as an output. */
export function networkSpecs(): NetSpec[] {
  const hidden: Activation[] = ['linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh'];
  const heads: { activation: Activation; loss: Loss }[] = [
    { activation: 'linear', loss: 'mse' },
    { activation: 'sigmoid', loss: 'mse' },
    { activation: 'tanh', loss: 'mse' },
    { activation: 'softmax', loss: 'mse' },
    { activation: 'softmax', loss: 'cross-entropy' },
    { activation: 'sigmoid', loss: 'binary-cross-entropy' },
  ];
  const specs: NetSpec[] = [];
  hidden.forEach((act, i) => {
    for (const head of heads) {
      const depth = 1 + ((i + specs.length) % 3);
      const layers = [4, ...[5, 3, 6].slice(0, depth), 3];
      specs.push({ layers, activations: [...Array(depth).fill(act), head.activation], loss: head.loss });
    }
  });
  // The smooth activations, each under two heads at a varying depth, and as an mse output.
  SMOOTH_ACTIVATIONS.forEach((act, i) => {
    for (const head of [heads[i % heads.length], heads[(i + 3) % heads.length]]) {
      const depth = 1 + (i % 3);
      specs.push({ layers: [4, ...[5, 3, 6].slice(0, depth), 3], activations: [...Array(depth).fill(act), head.activation], loss: head.loss });
    }
    specs.push({ layers: [4, 5, 2], activations: [hidden[i % hidden.length], act], loss: 'mse' });
  });
  // The robust regression losses, with default and chosen parameters, under plain and smooth outputs.
  const robust: NetSpec[] = [
    { layers: [4, 5, 3], activations: ['tanh', 'linear'], loss: 'l1' },
    { layers: [4, 6, 5, 3], activations: ['relu', 'gelu', 'tanh'], loss: 'huber' },
    { layers: [4, 5, 3], activations: ['sigmoid', 'linear'], loss: 'huber', lossOptions: { delta: 0.3 } },
    { layers: [4, 5, 3], activations: ['leaky-relu', 'silu'], loss: 'smooth-l1' },
    { layers: [4, 6, 5, 3], activations: ['tanh', 'elu', 'linear'], loss: 'smooth-l1', lossOptions: { beta: 0.2 } },
  ];
  specs.push(...robust);
  // A network with no hidden layer at all.
  specs.push({ layers: [3, 2], activations: ['linear'], loss: 'mse' });
  return specs;
}

/** Largest relative difference between two vectors (absolute below 1). */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** The engine behind a network, for tests of the engine-level API (checkpoint state): the test seam's. */
export { engineOf } from '../src/api/test-seam.js';

/** ∂L/∂θᵢ by central differences (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h; leaves θ as it found it. */
export function centralDifferences(net: MLP, X: Float64Array, Y: Float64Array, h = 1e-5): Float64Array {
  const theta = net.getParameters();
  const numeric = new Float64Array(theta.length);
  const probe = theta.slice();
  for (let i = 0; i < theta.length; i++) {
    probe[i] = theta[i] + h;
    net.setParameters(probe);
    const up = net.loss(X, Y);
    probe[i] = theta[i] - h;
    net.setParameters(probe);
    numeric[i] = (up - net.loss(X, Y)) / (2 * h);
    probe[i] = theta[i];
  }
  net.setParameters(theta);
  return numeric;
}
