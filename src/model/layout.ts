import type { Activation, Architecture, Normalization } from './options.js';
import { ValueError } from '../core/errors.js';
import { overBatch } from '../registry/normalizations.js';

/** Where one dense layer's parameters sit in the flat θ vector (element offsets). */
export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  /** Start of the weight matrix, outputs × inputs, row-major (nn.Linear.weight). */
  readonly weightOffset: number;
  /** Start of the bias vector, length outputs (nn.Linear.bias). */
  readonly biasOffset: number;
  /** The normalization between the Linear and the activation, or null. */
  readonly normalization: Normalization | null;
  /** Start of its γ (the norm's weight), length outputs, then β (its bias); −1 without one. */
  readonly normOffset: number;
  /** Parameters of the layer: weights, bias, and γ and β of its normalization. */
  readonly size: number;
}

/**
 * θ's layout: layer by layer, weights then bias, then the normalization's γ and β — exactly
 * the order of PyTorch's `Sequential(Linear, Norm, act, …).parameters()`.
 */
export interface ParameterLayout {
  readonly layers: readonly LayerLayout[];
  readonly parameterCount: number;
  readonly inputSize: number;
  readonly outputSize: number;
}

export function parameterLayout(arch: Architecture): ParameterLayout {
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l < arch.activations.length; l++) {
    const inputs = arch.layers[l];
    const outputs = arch.layers[l + 1];
    const normalization = arch.normalization[l] ?? null;
    const dense = inputs * outputs + outputs;
    const size = dense + (normalization ? 2 * outputs : 0);
    layers.push({ inputs, outputs, activation: arch.activations[l], weightOffset: offset, biasOffset: offset + inputs * outputs, normalization, normOffset: normalization ? offset + dense : -1, size });
    offset += size;
  }
  return { layers, parameterCount: offset, inputSize: arch.layers[0], outputSize: arch.layers[arch.layers.length - 1] };
}

/** True when some layer normalizes over the batch's rows (and keeps running statistics). */
export function hasBatchNorm(layout: ParameterLayout): boolean {
  return layout.layers.some((layer) => overBatch(layer.normalization));
}

/** Length of the running statistics (Engine.runningStatistics): per batch-norm layer, its running mean then its running variance. */
export function runningStatisticsLength(layout: ParameterLayout): number {
  return layout.layers.reduce((sum, layer) => sum + (overBatch(layer.normalization) ? 2 * layer.outputs : 0), 0);
}

/**
 * Where each layer's running mean starts in the running statistics (its variance follows, n
 * later), or −1 for a layer that keeps none: the one order of the engines, files and exports.
 */
export function runningOffsets(layout: ParameterLayout): number[] {
  let at = 0;
  return layout.layers.map((layer) => {
    if (!overBatch(layer.normalization)) return -1;
    const start = at;
    at += 2 * layer.outputs;
    return start;
  });
}

/**
 * Floats of a normalized layer's statistics in a batch of `rows`: per unit its mean, 1/σ and
 * unbiased variance for one over the batch, else 1/σ per row (as assembly/normalization.ts keeps them).
 */
export function normStatisticsLength(layer: LayerLayout, rows: number): number {
  return overBatch(layer.normalization) ? 3 * layer.outputs : rows;
}

/**
 * Batch normalization divides by the batch's spread: a training batch of one row has none
 * (PyTorch raises "Expected more than 1 value per channel when training").
 */
export function checkBatchStatisticsRows(fn: string, layout: ParameterLayout, rows: number, what: string): void {
  if (rows >= 2 || !hasBatchNorm(layout)) return;
  const l = layout.layers.findIndex((layer) => overBatch(layer.normalization));
  throw new ValueError(`${fn}: ${what} has ${rows} row, but ${layout.layers[l].normalization} (layer ${l}) normalizes over a training batch's rows and needs at least 2 (PyTorch raises "Expected more than 1 value per channel when training")`);
}
