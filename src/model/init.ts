import type { Activation, FloatArray, Init } from './options.js';
import type { ParameterLayout } from './layout.js';
import type { Random } from '../core/random.js';
import { activationRecord } from '../registry/activations.js';

/**
 * The initialisation users expect for an activation, from its record: He for ReLU-like ones
 * (they pass about half of a zero-mean input's variance: He keeps their scale through depth),
 * LeCun normal for SELU (its self-normalizing fixed point assumes it, as Keras's and PyTorch's
 * SELU docs say), Glorot otherwise.
 */
export function defaultInit(activation: Activation): Init {
  return activationRecord(activation).init;
}

/** The weights' variance of an initialisation for a layer of `inputs` → `outputs`. */
function weightVariance(kind: Init, inputs: number, outputs: number): number {
  if (kind.startsWith('he')) return 2 / inputs;
  if (kind.startsWith('lecun')) return 1 / inputs;
  return 2 / (inputs + outputs);
}

/**
 * Fills θ with weights drawn for each layer (weights row-major, biases zero, a normalization's
 * γ one and β zero). He keeps the
 * variance of ReLU outputs constant through depth (2/fanIn); LeCun keeps a unit-variance
 * input's (1/fanIn); Glorot balances forward and backward variance for symmetric activations
 * (2/(fanIn+fanOut)).
 */
export function initialise(theta: FloatArray, layout: ParameterLayout, random: Random, init?: Init): void {
  for (const layer of layout.layers) {
    const kind = init ?? defaultInit(layer.activation);
    const variance = weightVariance(kind, layer.inputs, layer.outputs);
    const count = layer.inputs * layer.outputs;
    if (kind.endsWith('uniform')) {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < count; i++) theta[layer.weightOffset + i] = (2 * random.next() - 1) * limit;
    } else {
      const std = Math.sqrt(variance);
      for (let i = 0; i < count; i++) theta[layer.weightOffset + i] = random.normal() * std;
    }
    theta.fill(0, layer.biasOffset, layer.biasOffset + layer.outputs);
    // A normalization starts as the identity, as PyTorch's: γ = 1, β = 0.
    if (layer.normalization) theta.fill(1, layer.normOffset, layer.normOffset + layer.outputs).fill(0, layer.normOffset + layer.outputs, layer.normOffset + 2 * layer.outputs);
  }
}
