// What of a network the WebGPU backend cannot train, named for the error MLP.create and the
// loaders throw before anything is allocated.

import { lossParameter, type Architecture } from '../model/options.js';
import { unsupportedSpec, type GpuDenseSpec } from './dense-trainer.js';
import { DEFAULT_OPTIMIZER, type OptimizerConfig } from '../registry/optimizers.js';

/** What of `architecture` (and `optimizer`, when given) has no WebGPU kernel, or null. */
export function unsupportedOnWebGpu(architecture: Architecture, optimizer?: OptimizerConfig): string | null {
  if (architecture.dtype !== 'float32') return `dtype '${architecture.dtype}' (WebGPU computes in float32: pass dtype 'float32')`;
  const dropout = architecture.dropout.findIndex((rate) => rate !== 0);
  if (dropout >= 0) return `dropout (layer ${dropout})`;
  const normalized = architecture.normalization.findIndex((n) => n !== null);
  if (normalized >= 0) return `normalization '${architecture.normalization[normalized]}' (layer ${normalized})`;
  const options = Object.keys(architecture.lossOptions ?? {}).filter((key) => key !== 'delta' && key !== 'beta');
  if (options.length > 0) return `lossOptions.${options[0]}`;
  return unsupportedSpec({ activations: architecture.activations as GpuDenseSpec['activations'], loss: architecture.loss as GpuDenseSpec['loss'], optimizer: optimizer ?? DEFAULT_OPTIMIZER });
}

/** The dense spec of a network the backend supports (`unsupportedOnWebGpu` returned null). */
export function denseSpec(architecture: Architecture, optimizer: OptimizerConfig): GpuDenseSpec {
  return {
    sizes: architecture.layers,
    activations: architecture.activations as GpuDenseSpec['activations'],
    loss: architecture.loss as GpuDenseSpec['loss'],
    lossParameter: lossParameter(architecture),
    optimizer,
  };
}
