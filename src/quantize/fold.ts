// A network's dense layers in float64 with batch norm folded in, the form every quantized format
// starts from. In eval mode batch norm is an affine map per unit, y = (h − μ)·g + β with
// g = γ/√(σ² + ε), and h = W·x + b, so W′ = g·W (row by row) and b′ = (b − μ)·g + β give the same y.
// Layer norm divides by each row's own spread, which no weight can absorb: it stays as it is.
import type { Activation, Architecture, FloatArray } from '../model/options.js';
import { parameterLayout } from '../model/layout.js';
import { NORM_EPSILON } from '../registry/normalization-references.js';

/** One Linear (nn.Linear's layout, outputs × inputs) and what follows it. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  /** A layer norm's γ and β between the Linear and the activation; null where there is none. */
  readonly layerNorm: { readonly gamma: Float64Array; readonly beta: Float64Array } | null;
}

/** θ's layers with every batch norm folded into its Linear; `running` is Engine.runningStatistics (batch-norm layers' mean, then variance). */
export function foldedLayers(arch: Architecture, parameters: FloatArray, running: ArrayLike<number>): DenseLayer[] {
  let at = 0;
  return parameterLayout(arch).layers.map((layer) => {
    const { inputs: k, outputs: n, normalization } = layer;
    const weight = Float64Array.from(parameters.subarray(layer.weightOffset, layer.weightOffset + n * k));
    const bias = Float64Array.from(parameters.subarray(layer.biasOffset, layer.biasOffset + n));
    const gamma = normalization ? Float64Array.from(parameters.subarray(layer.normOffset, layer.normOffset + n)) : null;
    const beta = normalization ? Float64Array.from(parameters.subarray(layer.normOffset + n, layer.normOffset + 2 * n)) : null;
    if (normalization === 'batch-norm') {
      for (let j = 0; j < n; j++) {
        const g = gamma![j] / Math.sqrt(running[at + n + j] + NORM_EPSILON);
        for (let p = 0; p < k; p++) weight[j * k + p] *= g;
        bias[j] = (bias[j] - running[at + j]) * g + beta![j];
      }
      at += 2 * n;
    }
    const layerNorm = normalization === 'layer-norm' ? { gamma: gamma!, beta: beta! } : null;
    return { inputs: k, outputs: n, activation: layer.activation, weight, bias, layerNorm };
  });
}
