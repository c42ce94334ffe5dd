import type { Activation, Architecture } from './options.js';

/** Where one dense layer's parameters sit in the flat θ vector (element offsets). */
export interface LayerLayout {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  /** Start of the weight matrix, outputs × inputs, row-major (nn.Linear.weight). */
  readonly weightOffset: number;
  /** Start of the bias vector, length outputs (nn.Linear.bias). */
  readonly biasOffset: number;
}

/** θ's layout: layer by layer, weights then bias, exactly PyTorch's `parameters()` order. */
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
    layers.push({ inputs, outputs, activation: arch.activations[l], weightOffset: offset, biasOffset: offset + inputs * outputs });
    offset += inputs * outputs + outputs;
  }
  return { layers, parameterCount: offset, inputSize: arch.layers[0], outputSize: arch.layers[arch.layers.length - 1] };
}
