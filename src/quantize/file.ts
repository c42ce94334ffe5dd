// The quantized model file: safetensors (8-byte little-endian header length, JSON header, raw
// little-endian data) with the format's standard dtypes. Per layer i:
//   int8:    layers.{i}.weight I8 [outputs, inputs], layers.{i}.weight_scale F32 [outputs], layers.{i}.bias F32 [outputs]
//   float16: layers.{i}.weight F16 [outputs, inputs], layers.{i}.bias F32 [outputs], and a kept
//            layer norm's layers.{i}.norm.weight and layers.{i}.norm.bias, F32 [outputs]
// `__metadata__` holds wasm-mlp's architecture (as `toSafetensors` writes it, batch norm folded away)
// and `quantization`, JSON of { weights, activations }: the key by which a reader tells the file apart.
import { quantizedHeader } from './detect.js';
import { preprocessingMetadata } from '../preprocessing/architecture.js';
import { FormatError, describe } from '../core/errors.js';
import { checkCreateOptions } from '../model/create-options.js';
import { float16Value } from './float16.js';
import { ACTIVATION_FORMATS, WEIGHT_FORMATS, type Quantization, type QuantizedLayer, type QuantizedModel } from './model.js';

const ELEMENT_BYTES = { I8: 1, F16: 2, F32: 4 } as const;
type ElementType = keyof typeof ELEMENT_BYTES;
/** The reference implementation's limit on the JSON header (100 MB). */

interface Tensor { name: string; dtype: ElementType; shape: number[] }

/** The tensors of a model's layers, in file order. */
function tensorsOf(quantization: Quantization, layers: readonly Pick<QuantizedLayer, 'inputs' | 'outputs' | 'layerNorm'>[]): Tensor[] {
  const int8 = quantization.weights === 'int8';
  return layers.flatMap(({ inputs, outputs, layerNorm }, i) => [
    { name: `layers.${i}.weight`, dtype: int8 ? 'I8' : 'F16', shape: [outputs, inputs] },
    ...(int8 ? [{ name: `layers.${i}.weight_scale`, dtype: 'F32', shape: [outputs] }] : []),
    { name: `layers.${i}.bias`, dtype: 'F32', shape: [outputs] },
    ...(layerNorm ? [{ name: `layers.${i}.norm.weight`, dtype: 'F32', shape: [outputs] }, { name: `layers.${i}.norm.bias`, dtype: 'F32', shape: [outputs] }] : []),
  ] as Tensor[]);
}

/** The values of a layer's tensor, by the name's last part. */
function valuesOf(layer: QuantizedLayer, name: string): Int8Array | Uint16Array | Float32Array {
  if (name.endsWith('.norm.weight')) return layer.layerNorm!.gamma;
  if (name.endsWith('.norm.bias')) return layer.layerNorm!.beta;
  if (name.endsWith('.weight_scale')) return layer.scale!;
  return name.endsWith('.bias') ? layer.bias : layer.weight;
}

/** The model as safetensors bytes. */
export function writeQuantizedFile(model: QuantizedModel): Uint8Array {
  const { architecture: arch, quantization } = model;
  const header: Record<string, unknown> = {
    __metadata__: {
      format: 'wasm-mlp',
      quantization: JSON.stringify({ weights: quantization.weights, activations: quantization.activations }),
      layers: JSON.stringify(arch.layers),
      activations: JSON.stringify(arch.activations),
      loss: arch.loss,
      dtype: 'float32',
      dropout: JSON.stringify(arch.dropout),
      ...(arch.lossOptions && { lossOptions: JSON.stringify(arch.lossOptions) }),
      ...(arch.normalization.some((n) => n !== null) && { normalization: JSON.stringify(arch.normalization) }),
      ...preprocessingMetadata(arch),
    },
  };
  const tensors = tensorsOf(quantization, model.layers);
  let offset = 0;
  for (const t of tensors) {
    const end = offset + t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = JSON.stringify(header);
  // Space-padded to a multiple of 8, as the reference writer does, so the data stays aligned.
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const encoded = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + encoded.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(encoded.length), true);
  out.set(encoded, 8);
  let at = 8 + encoded.length;
  for (const t of tensors) {
    const values = valuesOf(model.layers[Number(t.name.split('.')[1])], t.name);
    for (let i = 0; i < values.length; i++, at += ELEMENT_BYTES[t.dtype]) {
      if (t.dtype === 'I8') view.setInt8(at, values[i]);
      else if (t.dtype === 'F16') view.setUint16(at, values[i], true);
      else view.setFloat32(at, values[i], true);
    }
  }
  return out;
}

/**
 * Reads a quantized model file, checking it whole (header, shapes, dtypes, offsets tiling the data,
 * finite values, positive scales) before returning anything; null when the bytes are not one.
 */
export function readQuantizedFile(fn: string, bytes: Uint8Array): QuantizedModel | null {
  const found = quantizedHeader(bytes);
  if (!found) return null;
  const { header, dataStart } = found;
  const fail = (what: string) => new FormatError(`${fn}: not a valid quantized model file: ${what}`);
  const meta = header.__metadata__ as Record<string, unknown>;
  const parse = (key: string) => {
    if (meta[key] === undefined) return undefined;
    try {
      return JSON.parse(meta[key] as string);
    } catch {
      throw fail(`__metadata__.${key} is not JSON text: ${describe(meta[key])}`);
    }
  };
  const quantization = checkQuantization(parse('quantization'), fail);
  let architecture;
  try {
    architecture = checkCreateOptions(fn, {
      layers: parse('layers'), activations: parse('activations'), loss: meta.loss, lossOptions: parse('lossOptions'), dropout: parse('dropout'), normalization: parse('normalization'),
      input: parse('input'), classNames: parse('classNames'),
    }).architecture;
  } catch (error) {
    throw fail(`its __metadata__ does not describe a valid network: ${(error as Error).message.replace(`${fn}: `, '')}`);
  }
  const kept = architecture.normalization.findIndex((n) => n !== null && (n === 'batch-norm' || quantization.weights === 'int8'));
  if (kept >= 0) throw fail(`layer ${kept} has a ${architecture.normalization[kept]}, which a ${quantization.weights} model cannot hold (batch norm is folded into its Linear; int8 models have no layer norm)`);
  const shapes = architecture.activations.map((activation, i) => ({ inputs: architecture.layers[i], outputs: architecture.layers[i + 1], activation, layerNorm: architecture.normalization[i] ? {} : null }));
  const expected = tensorsOf(quantization, shapes as QuantizedLayer[]);
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  const extra = names.filter((name) => !expected.some((t) => t.name === name));
  if (extra.length > 0) throw fail(`unexpected tensors ${extra.map((e) => JSON.stringify(e)).join(', ')} (expected only ${expected.map((t) => t.name).join(', ')})`);
  const at = new Map<string, number>();
  const spans: [number, number][] = [];
  for (const t of expected) {
    const entry = header[t.name] as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | undefined;
    if (typeof entry !== 'object' || entry === null) throw fail(`tensor "${t.name}" is missing`);
    const { dtype, shape, data_offsets: offsets } = entry;
    if (dtype !== t.dtype) throw fail(`tensor "${t.name}" has dtype ${describe(dtype)}, expected ${t.dtype}`);
    if (!Array.isArray(shape) || shape.length !== t.shape.length || shape.some((d, k) => d !== t.shape[k])) {
      throw fail(`tensor "${t.name}" has shape ${JSON.stringify(shape)}, expected [${t.shape}]`);
    }
    const size = t.shape.reduce((a, b) => a * b, 1) * ELEMENT_BYTES[t.dtype];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(Number.isSafeInteger) || offsets[1] - offsets[0] !== size || offsets[0] < 0) {
      throw fail(`tensor "${t.name}" has data_offsets ${JSON.stringify(offsets)}, but [${t.shape}] of ${t.dtype} needs ${size} bytes`);
    }
    at.set(t.name, dataStart + offsets[0]);
    spans.push(offsets as [number, number]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let end = 0;
  for (const [start, stop] of spans) {
    if (start !== end) throw fail(`tensor data has a gap or overlap at byte ${end}`);
    end = stop;
  }
  if (dataStart + end !== bytes.length) throw fail(`the tensors cover ${end} bytes of data but the file has ${bytes.length - dataStart} (truncated or trailing bytes?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = (name: string, length: number, positive = false) => {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) {
      const v = (out[i] = view.getFloat32(at.get(name)! + 4 * i, true));
      if (!Number.isFinite(v) || (positive && !(v > 0))) throw fail(`tensor "${name}"[${i}] is ${v}, expected a ${positive ? 'positive' : 'finite'} number${positive ? ' (a scale)' : ''}`);
    }
    return out;
  };
  const layers = shapes.map(({ inputs, outputs, activation, layerNorm }, i): QuantizedLayer => {
    const name = `layers.${i}.weight`;
    const start = at.get(name)!;
    let weight: Int8Array | Uint16Array;
    if (quantization.weights === 'int8') weight = new Int8Array(bytes.slice(start, start + outputs * inputs).buffer);
    else {
      weight = new Uint16Array(outputs * inputs);
      for (let p = 0; p < weight.length; p++) {
        weight[p] = view.getUint16(start + 2 * p, true);
        if (!Number.isFinite(float16Value(weight[p]))) throw fail(`tensor "${name}"[${p}] is ${float16Value(weight[p])}, expected a finite number`);
      }
    }
    return {
      inputs, outputs, activation, weight,
      scale: quantization.weights === 'int8' ? read(`layers.${i}.weight_scale`, outputs, true) : null,
      bias: read(`layers.${i}.bias`, outputs),
      layerNorm: layerNorm ? { gamma: read(`layers.${i}.norm.weight`, outputs), beta: read(`layers.${i}.norm.bias`, outputs) } : null,
    };
  });
  return { architecture, quantization, layers };
}

function checkQuantization(value: unknown, fail: (what: string) => FormatError): Quantization {
  const q = value as Partial<Quantization> | null;
  const valid = typeof q === 'object' && q !== null && WEIGHT_FORMATS.includes(q.weights!) && ACTIVATION_FORMATS.includes(q.activations!)
    && !(q.weights === 'float16' && q.activations === 'dynamic');
  if (!valid) throw fail(`__metadata__.quantization must be { weights: 'int8', activations: 'dynamic' | 'float32' } or { weights: 'float16', activations: 'float32' }, got ${JSON.stringify(value)}`);
  return { weights: q.weights!, activations: q.activations! };
}
