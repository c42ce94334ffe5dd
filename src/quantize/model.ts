// A quantized network in memory: what `net.quantize()` writes to a file and `Predictor.load` reads
// back. Its architecture computes in float32 and has no batch norm (folded into the Linears).
import type { Activation, Architecture } from '../model/options.js';

/** How the weights are stored: int8 with one float32 scale per output unit (symmetric), or float16. */
export type WeightFormat = 'int8' | 'float16';
/**
 * How int8 layers take their inputs: 'dynamic' quantizes each row to 7 bits at run time and
 * multiplies in integers; 'float32' decodes the weights to float32 at load (float16 always does).
 */
export type ActivationFormat = 'dynamic' | 'float32';

/** The formats of a quantized model. */
export interface Quantization {
  readonly weights: WeightFormat;
  readonly activations: ActivationFormat;
}

export const WEIGHT_FORMATS: readonly WeightFormat[] = ['int8', 'float16'];
export const ACTIVATION_FORMATS: readonly ActivationFormat[] = ['dynamic', 'float32'];

/** One Linear as stored, nn.Linear's layout (outputs × inputs). */
export interface QuantizedLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  /** int8 values, or float16 bits. */
  readonly weight: Int8Array | Uint16Array;
  /** int8: W ≈ weight[j, ·] × scale[j]; null for float16. */
  readonly scale: Float32Array | null;
  readonly bias: Float32Array;
  /** A layer norm kept in float32 (float16 models only). */
  readonly layerNorm: { readonly gamma: Float32Array; readonly beta: Float32Array } | null;
}

export interface QuantizedModel {
  readonly architecture: Architecture;
  readonly quantization: Quantization;
  readonly layers: readonly QuantizedLayer[];
}

/** int8 weights multiply 7-bit inputs into i32 sums: this many inputs per layer keep |Σ| below 2^31. */
export const MAX_INT8_INPUTS = 65536;
