// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
// N bytes of JSON (space-padded to a multiple of 8, as the reference writer does), then raw
// little-endian tensor data. Tensor names and shapes are PyTorch's: a module holding
// `self.layers = nn.ModuleList([nn.Linear(...), ...])` has exactly these state_dict keys,
// `layers.{i}.weight` (outputs × inputs) and `layers.{i}.bias`, so load_state_dict takes the file as is.
// A layer with a normalization adds its module's keys under `layers.{i}.norm.`: `weight` (γ) and
// `bias` (β), and for batch norm `running_mean`, `running_var` and `num_batches_tracked` (I64,
// a scalar) — the keys of an nn.Linear subclass holding the norm as `self.norm`.
import { FormatError, ValueError, describe } from '../core/errors.js';
import type { Activation, Architecture, DType, FloatArray, Loss, Normalization } from '../model/options.js';
import { checkRunningState, type RunningState } from './running.js';
import { checkCreateOptions } from '../model/create-options.js';
import { parameterLayout, runningOffsets, runningStatisticsLength, type ParameterLayout } from '../model/layout.js';
import { dtypeBytes, readFloats, writeFloats } from './floats.js';
import { toBytes } from './bytes.js';
import { preprocessingMetadata } from '../preprocessing/architecture.js';
import { nearestNames } from '../core/suggest.js';

/** The reference implementation's limit on the JSON header (100 MB). */
const MAX_HEADER_BYTES = 100_000_000;
const DTYPE_CODES: Record<DType, string> = { float32: 'F32', float64: 'F64' };
/** num_batches_tracked: PyTorch's int64 scalar. */
const COUNT_BYTES = 8;

interface TensorEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

/** A stored tensor and where its values go: θ, the running statistics, or (num_batches_tracked) the count. */
interface Slot { name: string; shape: number[]; into: 'parameters' | 'running' | 'count'; offset: number }

/** Every tensor of a network, in writing order: per layer weight, bias, then its norm's. */
function tensorSlots(layout: ParameterLayout): Slot[] {
  const slots: Slot[] = [];
  const runningAt = runningOffsets(layout);
  layout.layers.forEach((layer, i) => {
    const n = layer.outputs;
    slots.push({ name: `layers.${i}.weight`, shape: [n, layer.inputs], into: 'parameters', offset: layer.weightOffset });
    slots.push({ name: `layers.${i}.bias`, shape: [n], into: 'parameters', offset: layer.biasOffset });
    if (!layer.normalization) return;
    slots.push({ name: `layers.${i}.norm.weight`, shape: [n], into: 'parameters', offset: layer.normOffset });
    slots.push({ name: `layers.${i}.norm.bias`, shape: [n], into: 'parameters', offset: layer.normOffset + n });
    const running = runningAt[i];
    if (running < 0) return;
    slots.push({ name: `layers.${i}.norm.running_mean`, shape: [n], into: 'running', offset: running });
    slots.push({ name: `layers.${i}.norm.running_var`, shape: [n], into: 'running', offset: running + n });
    slots.push({ name: `layers.${i}.norm.num_batches_tracked`, shape: [], into: 'count', offset: 0 });
  });
  return slots;
}

/** Writes θ (and batch norm's running statistics) as safetensors; the architecture goes into `__metadata__` as strings (the spec allows only strings there). */
export function writeSafetensors(arch: Architecture, parameters: FloatArray, running: RunningState | null = null): Uint8Array {
  const layout = parameterLayout(arch);
  const bytes = dtypeBytes(arch.dtype);
  const header: Record<string, unknown> = {
    __metadata__: {
      format: 'wasm-mlp',
      layers: JSON.stringify(arch.layers),
      activations: JSON.stringify(arch.activations),
      loss: arch.loss,
      dtype: arch.dtype,
      dropout: JSON.stringify(arch.dropout),
      ...(arch.lossOptions && { lossOptions: JSON.stringify(arch.lossOptions) }),
      ...(arch.normalization.some((n) => n !== null) && { normalization: JSON.stringify(arch.normalization) }),
      ...preprocessingMetadata(arch),
    },
  };
  const Float = arch.dtype === 'float64' ? Float64Array : Float32Array;
  const tensors = tensorSlots(layout).map((slot) => {
    const size = slot.shape.reduce((a, b) => a * b, 1);
    const values = slot.into === 'parameters' ? parameters.subarray(slot.offset, slot.offset + size)
      : slot.into === 'running' ? Float.from(Array.from({ length: size }, (_, k) => running!.runningStatistics[slot.offset + k])) : null;
    return { name: slot.name, shape: slot.shape, values, count: running?.batchesTracked ?? 0 };
  });
  let offset = 0;
  for (const t of tensors) {
    const end = offset + (t.values ? t.values.length * bytes : COUNT_BYTES);
    header[t.name] = { dtype: t.values ? DTYPE_CODES[arch.dtype] : 'I64', shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const encoded = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + encoded.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
  out.set(encoded, 8);
  let at = 8 + encoded.length;
  const view = new DataView(out.buffer);
  for (const t of tensors) {
    if (t.values) writeFloats(out, at, t.values, arch.dtype);
    else view.setBigInt64(at, BigInt(t.count), true);
    at += t.values ? t.values.length * bytes : COUNT_BYTES;
  }
  return out;
}

/** Options of `MLP.fromSafetensors` for files without wasm-mlp metadata (e.g. saved from PyTorch). */
export interface SafetensorsArchitecture {
  /** One per layer; required when the file's `__metadata__` has none. */
  activations?: Activation[];
  /** Default: the metadata's, else 'mse'. */
  loss?: Loss;
}

/** Parses safetensors bytes into an architecture and θ, checking every offset against the spec first. */
export function readSafetensors(fn: string, input: unknown, given: SafetensorsArchitecture): { architecture: Architecture; parameters: FloatArray; running: RunningState | null } {
  const bytes = toBytes(fn, input, 'a .safetensors file');
  const fail = (what: string) => new FormatError(`${fn}: not a valid safetensors file: ${what}`);
  if (bytes.length < 8) throw fail(`${bytes.length} bytes is shorter than the 8-byte header length (truncated?)`);
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES) throw fail(`the header length ${n} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  if (8 + n > bytes.length) throw fail(`the header length ${n} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    throw fail(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('the header is not a JSON object');
  const dataLength = bytes.length - 8 - n;
  const entries = checkEntries(header, dataLength, fail);
  const architecture = architectureOf(fn, header.__metadata__, entries, given, fail);
  const layout = parameterLayout(architecture);
  const expected = tensorSlots(layout);
  const extra = [...entries.keys()].filter((name) => !expected.some((e) => e.name === name));
  if (extra.length > 0) throw fail(`unexpected tensors ${extra.map((e) => JSON.stringify(e)).join(', ')} (expected only ${expected.map((e) => e.name).join(', ')})`);
  // Shapes first: once they match the data, θ's size is bounded by the file's and safe to allocate.
  for (const { name, shape, into } of expected) {
    const t = entries.get(name);
    if (!t) throw fail(`tensor "${name}" is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) throw fail(`tensor "${name}" has shape [${t.shape}], expected [${shape}]`);
    if ((into === 'count') !== (t.dtype === 'I64')) throw fail(`tensor "${name}" has dtype ${t.dtype}, expected ${into === 'count' ? 'I64' : 'F32 or F64'}`);
  }
  const Float = architecture.dtype === 'float64' ? Float64Array : Float32Array;
  const parameters = new Float(layout.parameterCount);
  const runningStatistics = new Float(runningStatisticsLength(layout));
  const counts: number[] = [];
  for (const { name, shape, into, offset } of expected) {
    const t = entries.get(name)!;
    const at = 8 + n + t.data_offsets[0];
    if (into === 'count') {
      counts.push(Number(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(at, true)));
      continue;
    }
    const values = readFloats(bytes, at, shape.reduce((a, b) => a * b, 1), architecture.dtype);
    for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) throw fail(`tensor "${name}"[${k}] is ${values[k]}, expected a finite number`);
    (into === 'parameters' ? parameters : runningStatistics).set(values, offset);
  }
  // One count for the network: PyTorch's layers all count the same training batches.
  if (counts.some((c) => c !== counts[0])) throw fail(`its num_batches_tracked differ between layers (${counts.join(', ')}); wasm-mlp keeps one count for all`);
  const running = checkRunningState(layout, counts.length > 0 ? runningStatistics : undefined, counts[0], fail);
  return { architecture, parameters, running };
}

/** Checks tensor entries as the reference reader does: known dtype, sizes matching shapes, offsets tiling the data exactly. */
function checkEntries(header: Record<string, unknown>, dataLength: number, fail: (what: string) => FormatError): Map<string, TensorEntry> {
  const entries = new Map<string, TensorEntry>();
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = value as Partial<TensorEntry>;
    if (typeof t !== 'object' || t === null || typeof t.dtype !== 'string' || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets) || t.data_offsets.length !== 2) {
      throw fail(`tensor "${name}" must have dtype, shape and data_offsets, got ${JSON.stringify(value)}`);
    }
    if (t.dtype !== 'F32' && t.dtype !== 'F64' && !(t.dtype === 'I64' && name.endsWith('.num_batches_tracked'))) {
      throw fail(`tensor "${name}" has dtype ${t.dtype}; wasm-mlp reads F32 and F64 (and I64 for a batch norm's num_batches_tracked)`);
    }
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !t.data_offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw fail(`tensor "${name}" has a malformed shape or data_offsets: ${JSON.stringify(value)}`);
    }
    const [start, end] = t.data_offsets;
    const size = t.shape.reduce((a: number, b: number) => a * b, 1) * (t.dtype === 'F32' ? 4 : 8);
    if (end < start || end - start !== size) throw fail(`tensor "${name}" spans bytes ${start}–${end}, but shape [${t.shape}] of ${t.dtype} needs ${size}`);
    entries.set(name, t as TensorEntry);
  }
  const sorted = [...entries.values()].sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
  let at = 0;
  for (const t of sorted) {
    if (t.data_offsets[0] !== at) throw fail(`tensor data has a gap or overlap at byte ${at} (a tensor starts at ${t.data_offsets[0]})`);
    at = t.data_offsets[1];
  }
  if (at !== dataLength) throw fail(`the tensors cover ${at} bytes of data but the file has ${dataLength} (truncated or trailing bytes?)`);
  return entries;
}

/** The architecture from wasm-mlp metadata, else from the weight shapes plus the caller's activations. */
function architectureOf(fn: string, metadata: unknown, entries: Map<string, TensorEntry>, given: SafetensorsArchitecture, fail: (what: string) => FormatError): Architecture {
  const meta = (typeof metadata === 'object' && metadata !== null ? metadata : {}) as Record<string, unknown>;
  const parse = (key: string) => {
    if (typeof meta[key] !== 'string') return undefined;
    try {
      return JSON.parse(meta[key] as string);
    } catch {
      throw fail(`__metadata__.${key} is not JSON text: ${describe(meta[key])}`);
    }
  };
  const dtypes = new Set([...entries.values()].map((t) => t.dtype).filter((d) => d !== 'I64'));
  if (dtypes.size > 1) throw fail('its tensors mix F32 and F64');
  const layers = parse('layers') ?? layersFromShapes(entries, fail);
  checkMetadataKeys(meta, fail);
  const activations = given.activations ?? parse('activations');
  if (activations === undefined && meta.format === 'wasm-mlp') throw fail('its wasm-mlp __metadata__ has no activations (a damaged file?)');
  if (activations === undefined) {
    throw new ValueError(`${fn}: the file has no wasm-mlp __metadata__.activations; pass options.activations (one per layer, ${layers.length - 1} here)`);
  }
  const options = {
    layers, activations, loss: given.loss ?? meta.loss ?? 'mse', lossOptions: given.loss === undefined ? parse('lossOptions') : undefined,
    dtype: dtypes.has('F64') ? 'float64' : 'float32', dropout: parse('dropout'), normalization: parse('normalization') ?? normalizationFromNames(entries, layers.length - 2),
    input: parse('input'), classNames: parse('classNames'),
  };
  try {
    return checkCreateOptions(fn, options).architecture;
  } catch (error) {
    if (given.activations !== undefined || given.loss !== undefined) throw error;
    throw fail(`its __metadata__ does not describe a valid network: ${(error as Error).message.replace(`${fn}: `, '')}`);
  }
}

/** The `__metadata__` keys writeSafetensors writes. */
const METADATA_KEYS = ['format', 'layers', 'activations', 'loss', 'dtype', 'dropout', 'lossOptions', 'normalization'];

/** A key one edit from one wasm-mlp writes, but not it, is a damaged byte, not another writer's field. */
function checkMetadataKeys(meta: Record<string, unknown>, fail: (what: string) => FormatError): void {
  for (const key of Object.keys(meta)) {
    if (METADATA_KEYS.includes(key)) continue;
    const near = nearestNames(key, METADATA_KEYS, true);
    if (near.length > 0) throw fail(`its __metadata__ has a key ${JSON.stringify(key)}, one character from wasm-mlp's '${near[0]}' (a damaged file?)`);
  }
}

/** Layer sizes from layers.{i}.weight shapes [outputs, inputs], which must chain. */
function layersFromShapes(entries: Map<string, TensorEntry>, fail: (what: string) => FormatError): number[] {
  const layers: number[] = [];
  for (let i = 0; entries.has(`layers.${i}.weight`); i++) {
    const shape = entries.get(`layers.${i}.weight`)!.shape;
    if (shape.length !== 2) throw fail(`tensor "layers.${i}.weight" has shape [${shape}], expected [outputs, inputs]`);
    if (i === 0) layers.push(shape[1]);
    else if (shape[1] !== layers[i]) throw fail(`tensor "layers.${i}.weight" takes ${shape[1]} inputs but layer ${i - 1} has ${layers[i]} outputs`);
    layers.push(shape[0]);
  }
  if (layers.length < 2) throw fail('it has no tensor "layers.0.weight"');
  return layers;
}

/** Normalizations from the tensor names of a file without metadata (PyTorch's): a running mean marks batch norm, a lone norm weight layer norm. */
function normalizationFromNames(entries: Map<string, TensorEntry>, hidden: number): (Normalization | null)[] | undefined {
  const found = Array.from({ length: Math.max(hidden, 0) }, (_, i) =>
    entries.has(`layers.${i}.norm.running_mean`) ? 'batch-norm' as const : entries.has(`layers.${i}.norm.weight`) ? 'layer-norm' as const : null);
  return found.some((n) => n !== null) ? found : undefined;
}
