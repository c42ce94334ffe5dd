// `toFunction(quantizedBytes)`: a quantized model as a dependency-free ES module, as `net.toFunction()`
// writes a network's. The module embeds the stored weights (int8 and their scales, or float16 bits:
// a quarter or half of float32's base64) and decodes them once, at import, into the float32 values
// that `Predictor.load` decodes (scale·q rounded to float32, or the float16 value); `predict` then
// computes over them in float64 as the module of a float32 network does. It does not quantize
// activations: an int8 model's module agrees with its `activations: 'float32'` predictions.
import { FormatError } from '../core/errors.js';
import { toBytes } from '../io/bytes.js';
import { base64, standaloneModule } from '../io/standalone.js';
import type { OutputScaling } from '../preprocessing/standalone-source.js';
import { checkTextExport } from '../model/limits.js';
import { decodedParameters } from './decode.js';
import { readQuantizedFile } from './file.js';

/**
 * The source of an ES module exporting `predict` (and `layers`, `activations`) for a quantized
 * model file from `net.quantize()`, with its weights stored as in the file.
 * @throws {FormatError} when the bytes are not a valid quantized model file.
 */
export function toFunction(bytes: Uint8Array | ArrayBuffer): string {
  return quantizedModule(bytes);
}

/** `toFunction`'s module, with `output` (the CLI's target scaling) mapping outputs back to a target's units. */
export function quantizedModule(bytes: Uint8Array | ArrayBuffer, output?: OutputScaling): string {
  const model = readQuantizedFile('toFunction', toBytes('toFunction', bytes, 'a quantized model file (net.quantize())'));
  if (!model) throw new FormatError('toFunction: the bytes are not a quantized model file (net.quantize()); for a network, call net.toFunction()');
  const theta = decodedParameters(model);
  checkTextExport('toFunction', theta.length);
  const int8 = model.quantization.weights === 'int8';
  const weights = new Uint8Array(model.layers.reduce((s, l) => s + l.weight.byteLength, 0));
  const floats: number[] = [];
  let at = 0;
  for (const layer of model.layers) {
    weights.set(new Uint8Array(layer.weight.buffer, layer.weight.byteOffset, layer.weight.byteLength), at);
    at += layer.weight.byteLength;
    floats.push(...(layer.scale ?? []), ...layer.bias, ...(layer.layerNorm ? [...layer.layerNorm.gamma, ...layer.layerNorm.beta] : []));
  }
  const floatBytes = new Uint8Array(Float32Array.from(floats).buffer);
  const shapes = model.layers.map((l) => [l.outputs, l.inputs, l.layerNorm ? 1 : 0]);
  const source = `dequantize(${JSON.stringify(base64(weights))}, decode(${JSON.stringify(base64(floatBytes))}), ${JSON.stringify(shapes)})`;
  return `${standaloneModule(model.architecture, theta, new Float32Array(0), output, source)}
// The stored ${model.quantization.weights} weights to θ (per layer weights, bias${int8 ? '' : ', a layer norm\'s γ and β'}), as wasm-mlp's Predictor decodes them.
function dequantize(text, floats, shapes) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const theta = new Float64Array(${theta.length});
  let w = 0, f = 0, t = 0;
  for (const [n, k, norm] of shapes) {
${int8 ? `    const scale = floats.subarray(f, f += n);
    for (let i = 0; i < n * k; i++) theta[t++] = Math.fround(((bytes[w++] << 24) >> 24) * scale[Math.floor(i / k)]);`
    : `    for (let i = 0; i < n * k; i++, w += 2) theta[t++] = half(bytes[w] | (bytes[w + 1] << 8));`}
    for (let i = 0; i < n * (norm ? 3 : 1); i++) theta[t++] = floats[f++];
  }
  return theta;
}
${int8 ? '' : `
function half(h) {
  const e = (h >> 10) & 31, m = h & 1023, sign = h & 32768 ? -1 : 1;
  return e === 0 ? sign * m / 16777216 : sign * (1 + m / 1024) * 2 ** (e - 15);
}
`}`;
}
