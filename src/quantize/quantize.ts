// `net.quantize(options)`: the network's layers with batch norm folded in (./fold.ts), their weights
// stored as int8 (symmetric, one float32 scale per output unit: scale = max|w|/127, q = round(w/scale))
// or as float16, biases in float32, written as a safetensors file (./file.ts).
import { ValueError } from '../core/errors.js';
import { parameterLayout } from '../model/layout.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { checkChoice, checkOptions, keysOf } from '../core/validate.js';
import { foldedLayers, type DenseLayer } from './fold.js';
import { FLOAT16_MAX, float16Bits, roundHalfEven } from './float16.js';
import { writeQuantizedFile } from './file.js';
import { ACTIVATION_FORMATS, MAX_INT8_INPUTS, WEIGHT_FORMATS, type ActivationFormat, type Quantization, type QuantizedLayer, type WeightFormat } from './model.js';

/** Options of `net.quantize`. */
export interface QuantizeOptions {
  /** 'int8' (a quarter of float32's bytes) or 'float16' (half). */
  weights: WeightFormat;
  /**
   * int8 only: 'dynamic' (the default) quantizes each row of a layer's inputs at run time and
   * multiplies in integers, the fast path; 'float32' decodes the weights to float32 at load and
   * computes as the float32 network does. float16 weights are always decoded ('float32').
   */
  activations?: ActivationFormat;
}

const QUANTIZE_KEYS = keysOf<QuantizeOptions>({ weights: true, activations: true });
/** Symmetric int8: q ∈ [−127, 127], so −w quantizes to −q. */
const INT8_MAX = 127;

/** Checks `options` and the network, then returns the quantized model's file; changes nothing. */
export function quantizeNetwork(fn: string, arch: Architecture, parameters: FloatArray, running: ArrayLike<number>, options: unknown): Uint8Array {
  const quantization = checkQuantizeOptions(fn, options);
  const layers = quantizedLayers(fn, arch, parameters, running, quantization);
  // The model computes in float32 with batch norm gone; layer norm stays (float16 models only).
  const architecture: Architecture = { ...arch, dtype: 'float32', normalization: arch.normalization.map((n) => (n === 'layer-norm' ? n : null)) };
  return writeQuantizedFile({ architecture, quantization, layers });
}

/** The network's layers as `net.quantize()` stores them (checked first); the ONNX export writes the same. */
export function quantizedLayers(fn: string, arch: Architecture, parameters: FloatArray, running: ArrayLike<number>, quantization: Quantization): QuantizedLayer[] {
  checkQuantizable(fn, arch, parameters, running, quantization);
  return foldedLayers(arch, parameters, running).map((layer, i) => quantizeLayer(fn, i, layer, quantization.weights));
}

function checkQuantizeOptions(fn: string, options: unknown): Quantization {
  const o = checkOptions(fn, 'options', options, false, QUANTIZE_KEYS) as Partial<QuantizeOptions>;
  if (o.weights === undefined) throw new ValueError(`${fn}: options.weights is required: 'int8' or 'float16'`);
  const weights = checkChoice(fn, 'options.weights', o.weights, WEIGHT_FORMATS);
  const activations = o.activations === undefined ? (weights === 'int8' ? 'dynamic' : 'float32') : checkChoice(fn, 'options.activations', o.activations, ACTIVATION_FORMATS);
  if (weights === 'float16' && activations === 'dynamic') {
    throw new ValueError(`${fn}: options.activations 'dynamic' needs int8 weights; float16 weights are decoded to float32 at load (leave activations out, or pass 'float32')`);
  }
  return { weights, activations };
}

/** Every value the model would hold is finite; the layers suit the format. */
function checkQuantizable(fn: string, arch: Architecture, parameters: FloatArray, running: ArrayLike<number>, q: Quantization): void {
  parameterLayout(arch).layers.forEach((layer, l) => {
    for (let i = layer.weightOffset; i < layer.weightOffset + layer.size; i++) {
      if (Number.isFinite(parameters[i])) continue;
      const at = i - layer.weightOffset;
      const what = at < layer.inputs * layer.outputs ? `weight[${Math.floor(at / layer.inputs)}][${at % layer.inputs}]`
        : at < (layer.inputs + 1) * layer.outputs ? `bias[${at - layer.inputs * layer.outputs}]` : `normalization parameter ${at - (layer.inputs + 1) * layer.outputs}`;
      throw new ValueError(`${fn}: layer ${l}'s ${what} is ${parameters[i]}; a network with a non-finite parameter cannot be quantized (train it again, or restore a checkpoint)`);
    }
    if (q.weights === 'int8' && layer.normalization === 'layer-norm') {
      throw new ValueError(`${fn}: layer ${l} has a layer norm, which divides each row by its own spread and so cannot be folded into int8 weights; quantize with { weights: 'float16' }, which keeps it in float32`);
    }
    if (q.weights === 'int8' && layer.inputs > MAX_INT8_INPUTS) {
      throw new ValueError(`${fn}: layer ${l} has ${layer.inputs} inputs; int8 layers take at most ${MAX_INT8_INPUTS} (beyond that the integer sums could overflow 32 bits); use { weights: 'float16' }`);
    }
  });
  for (let i = 0; i < running.length; i++) {
    if (!Number.isFinite(running[i])) throw new ValueError(`${fn}: batch norm's running statistic ${i} is ${running[i]}; a network with a non-finite statistic cannot be quantized`);
  }
}

function quantizeLayer(fn: string, l: number, layer: DenseLayer, weights: WeightFormat): QuantizedLayer {
  const { inputs: k, outputs: n, activation } = layer;
  const bias = Float32Array.from(layer.bias);
  const big = bias.findIndex((b) => !Number.isFinite(b));
  if (big >= 0) throw beyondFloat32(fn, l, `bias[${big}] is ${layer.bias[big]}`);
  const layerNorm = layer.layerNorm && { gamma: Float32Array.from(layer.layerNorm.gamma), beta: Float32Array.from(layer.layerNorm.beta) };
  if (weights === 'float16') {
    const bits = new Uint16Array(n * k);
    for (let i = 0; i < bits.length; i++) {
      const w = layer.weight[i];
      // Beyond 65520 a value rounds to float16's Infinity.
      if (Math.abs(w) >= FLOAT16_MAX + 16) {
        throw new ValueError(`${fn}: layer ${l}'s weight[${Math.floor(i / k)}][${i % k}] is ${w} (after folding batch norm), beyond float16's largest value ${FLOAT16_MAX}; use { weights: 'int8' } or keep the float32 network`);
      }
      bits[i] = float16Bits(w);
    }
    return { inputs: k, outputs: n, activation, weight: bits, scale: null, bias, layerNorm };
  }
  const q = new Int8Array(n * k);
  const scale = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const row = layer.weight.subarray(j * k, (j + 1) * k);
    let maxAbs = 0;
    for (let p = 0; p < k; p++) maxAbs = Math.max(maxAbs, Math.abs(row[p]));
    // A unit whose weights are all zero (or too small for a float32 scale) stores q = 0 with
    // scale 1: W = 0 exactly, as in the float32 network.
    scale[j] = Math.fround(maxAbs / INT8_MAX) || 1;
    if (!Number.isFinite(scale[j])) throw beyondFloat32(fn, l, `weights of unit ${j} reach ${maxAbs}`);
    if (maxAbs === 0 || Math.fround(maxAbs / INT8_MAX) === 0) continue;
    for (let p = 0; p < k; p++) q[j * k + p] = Math.max(-INT8_MAX, Math.min(INT8_MAX, roundHalfEven(row[p] / scale[j])));
  }
  return { inputs: k, outputs: n, activation, weight: q, scale, bias, layerNorm: null };
}

/** A value finite in float64 (or made by folding batch norm) that float32, the model's precision, cannot hold. */
function beyondFloat32(fn: string, l: number, what: string): ValueError {
  return new ValueError(`${fn}: layer ${l}'s ${what} (after folding batch norm), beyond float32's range; a quantized model computes in float32`);
}
