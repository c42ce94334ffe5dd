// A quantized model with float32 activations (float16 weights, or int8 with `activations: 'float32'`)
// decoded to float32 θ, which the float32 forward pass runs as any network's.
import { parameterLayout } from '../model/layout.js';
import { float16Value } from './float16.js';
import type { QuantizedModel } from './model.js';

/** θ of the model's architecture: per layer the decoded weights, the bias, and a kept layer norm's γ and β. */
export function decodedParameters(model: QuantizedModel): Float32Array {
  const layout = parameterLayout(model.architecture);
  const theta = new Float32Array(layout.parameterCount);
  layout.layers.forEach((slot, l) => {
    const { weight, scale, bias, layerNorm } = model.layers[l];
    const k = slot.inputs;
    for (let i = 0; i < weight.length; i++) {
      theta[slot.weightOffset + i] = scale ? weight[i] * scale[Math.floor(i / k)] : float16Value(weight[i]);
    }
    theta.set(bias, slot.biasOffset);
    if (layerNorm) {
      theta.set(layerNorm.gamma, slot.normOffset);
      theta.set(layerNorm.beta, slot.normOffset + slot.outputs);
    }
  });
  return theta;
}
