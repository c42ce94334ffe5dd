// What a model file is, read from its first bytes, so that MLP.load and Predictor.load take any
// file the package writes — a checkpoint (net.save(), .wmlp), a JSON model (net.toJSON(), .json),
// a command-line model (`wasm-mlp train`, .json; .wmlp before) or safetensors (.safetensors) —
// and a file of another kind gets an error that says what it is and what reads it, instead of
// one format's reader misreading it (a JSON file read as safetensors has a "header length" of
// 8386104319403238000).
import { FormatError } from '../core/errors.js';
import { CHECKPOINT_MAGIC } from './checkpoint.js';

/** A file the package reads, by kind; JSON kinds come parsed. */
export type SniffedModel =
  | { kind: 'checkpoint'; bytes: Uint8Array }
  | { kind: 'safetensors'; bytes: Uint8Array }
  | { kind: 'model-json'; json: object }
  | { kind: 'cli-model'; json: { checkpoint?: unknown }; checkpoint: Uint8Array };

/** The JSON `format` field of a `net.toJSON()` model and of a `wasm-mlp train` model. */
const MODEL_JSON_FORMAT = 'wasm-mlp';
const CLI_MODEL_FORMAT = 'wasm-mlp-cli-model';
/** What every error lists as the files the loaders read. */
const READABLE = 'a checkpoint (net.save(), .wmlp), a JSON model (net.toJSON() or `wasm-mlp train`, .json) or a safetensors file (.safetensors)';

/**
 * Sorts the bytes into one of the kinds the loaders read. Throws a FormatError naming the file's
 * kind (ONNX, ZIP, pickle, HDF5, IDX, text, other JSON…) and what reads it otherwise; a file of a
 * readable kind that is damaged inside is left to that kind's reader, whose message is the precise one.
 */
export function sniffModel(fn: string, bytes: Uint8Array): SniffedModel {
  if (startsWith(bytes, CHECKPOINT_MAGIC)) return { kind: 'checkpoint', bytes };
  if (looksLikeSafetensors(bytes)) return { kind: 'safetensors', bytes };
  const text = jsonText(bytes);
  if (text !== null) return sniffJson(fn, text);
  throw new FormatError(`${fn}: the bytes are ${foreignKind(bytes)}, not a model file wasm-mlp reads; it reads ${READABLE}`);
}

function sniffJson(fn: string, text: string): SniffedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${fn}: the bytes start as JSON but do not parse (${(error as Error).message}); a JSON model is net.toJSON() or a \`wasm-mlp train\` model`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format === MODEL_JSON_FORMAT) return { kind: 'model-json', json: json as object };
  if (format === CLI_MODEL_FORMAT) {
    const model = json as { checkpoint?: unknown };
    if (typeof model.checkpoint !== 'string') throw new FormatError(`${fn}: the command-line model is damaged (its checkpoint is not a base64 string)`);
    return { kind: 'cli-model', json: model, checkpoint: fromBase64(fn, model.checkpoint) };
  }
  const what = typeof format === 'string' ? `its format is ${JSON.stringify(format)}` : 'it has no "format": "wasm-mlp" field';
  throw new FormatError(`${fn}: the bytes are JSON but not a wasm-mlp model (${what}); it reads ${READABLE}`);
}

/** safetensors: an 8-byte little-endian header length that fits the file, then the JSON header's '{'. */
function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  return length >= 2n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/** The text when the bytes are UTF-8 JSON (an optional BOM, whitespace, then '{'), else null. */
function jsonText(bytes: Uint8Array): string | null {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) at++;
  return bytes[at] === 0x7b ? new TextDecoder().decode(bytes.subarray(at)) : null;
}

/** Words for a file of a kind the loaders do not read, with what reads it. */
function foreignKind(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  if (bytes.length < 8) return `only ${bytes.length} byte${bytes.length === 1 ? '' : 's'} long`;
  const b = bytes;
  // ONNX's ModelProto opens with ir_version (field 1, varint: 0x08) and a small version number.
  if (b[0] === 0x08 && b[1]! > 0 && b[1]! < 0x20 && b[2] !== undefined && (b[2] & 0x07) <= 2) {
    return 'an ONNX model (net.toOnnx() writes these; wasm-mlp does not read them back: run it with ONNX Runtime, or load the checkpoint or safetensors file of the same network)';
  }
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) {
    return "a ZIP archive (PyTorch's torch.save writes .pt/.pth files as one: save the state_dict with safetensors.torch.save_file and read it with MLP.fromSafetensors)";
  }
  if (b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5) return 'a Python pickle (save the weights with safetensors instead and read them with MLP.fromSafetensors)';
  if (b[0] === 0x89 && b[1] === 0x48 && b[2] === 0x44 && b[3] === 0x46) return "an HDF5 file (a Keras .h5 model), which wasm-mlp does not read";
  if (b[0] === 0x00 && b[1] === 0x00 && (b[2] === 0x08 || b[2] === 0x0d) && b[3]! >= 1 && b[3]! <= 4) return 'an IDX file (MNIST-style data: read it with parseIdx)';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip-compressed (decompress them first)';
  if (isText(b.subarray(0, 512))) return 'text that is not JSON (CSV data is read by `wasm-mlp train` or fitDataset, not by a model loader)';
  return `a file of unknown kind (it starts with ${Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join(' ')}; a checkpoint starts with "${CHECKPOINT_MAGIC}")`;
}

function isText(bytes: Uint8Array): boolean {
  return bytes.every((x) => x === 0x09 || x === 0x0a || x === 0x0d || x >= 0x20);
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

/** Base64 to bytes with atob (Node ≥ 16, Bun, Deno, browsers), so the inference entry needs no Buffer. */
function fromBase64(fn: string, text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new FormatError(`${fn}: the command-line model is damaged (its checkpoint is not valid base64)`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
