// The checkpoint format: a network's whole training state in one self-checking binary file.
// Layout (all integers little-endian; described in README "Checkpoints"):
//   0   magic "WMLPCKPT" (8 bytes)
//   8   u32 format version (1; 2 for a network with normalization layers)
//   12  u32 H: byte length of the JSON header
//   16  u64 D: byte length of the tensor data
//   24  JSON header (UTF-8, H bytes), then zero padding to a multiple of 8
//   …   tensor data: each tensor little-endian in the network's dtype, padded to 8 bytes, in header order
//   end u32 CRC-32 (IEEE) of every byte before it
// Sizes are checked against the file's length before anything is parsed or allocated.
import { FormatError, describe } from '../core/errors.js';
import type { Architecture, Backend, FloatArray } from '../model/options.js';
import { BACKENDS } from '../model/options.js';
import { checkCreateOptions } from '../model/create-options.js';
import { parameterLayout, runningStatisticsLength } from '../model/layout.js';
import { checkRunningState, type RunningState } from './running.js';
import { impossibleStateValue, optimizerBufferNames, resolveOptimizer, type OptimizerConfig, type OptimizerState } from '../registry/optimizers.js';
import type { PlateauState, TrainingState } from '../state/training-state.js';
import { crc32 } from './crc32.js';
import { dtypeBytes, readFloats, writeFloats } from './floats.js';
import { toBytes } from './bytes.js';
import { preprocessingToJSON } from '../preprocessing/architecture.js';

export const CHECKPOINT_MAGIC = 'WMLPCKPT';
/**
 * Version 2 adds normalization layers and batch norm's running statistics, version 3 an input
 * stage and class names (a reader that would ignore them must refuse the file); a network
 * without them is written in the lowest version that holds it, which older readers read.
 */
export const CHECKPOINT_VERSION = 3;
const CHECKPOINT_VERSIONS = [1, 2, 3];
const PREFIX_BYTES = 24;
const CRC_BYTES = 4;

/** Everything a checkpoint holds. */
export interface CheckpointContents {
  architecture: Architecture;
  backend: Backend;
  parameters: FloatArray;
  optimizer: OptimizerState;
  /** Initialisation/shuffling generator and dropout generator: xoshiro128** words. */
  random: number[];
  dropoutRandom: number[];
  training: TrainingState;
  /** Batch norm's running statistics and their count (null without batch norm). */
  running: RunningState | null;
}

/** The JSON header, as stored. */
interface Header {
  format: 'wasm-mlp-checkpoint';
  architecture: { layers: number[]; activations: string[]; loss: string; lossOptions?: object; dtype: string; dropout: number[]; normalization?: (string | null)[]; input?: object; classNames?: string[] };
  backend: Backend;
  /** Version 2, with batch norm: training steps behind the `runningStatistics` tensor. */
  batchesTracked?: number;
  random: number[];
  dropoutRandom: number[];
  training: { epoch: number; steps: number; plateau: (Omit<PlateauState, 'best'> & { best: number | null }) | null };
  optimizer: { config: OptimizerConfig; step: number };
  tensors: { name: string; dtype: string; length: number }[];
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function writeCheckpoint(c: CheckpointContents): Uint8Array {
  const { layers, activations, loss, lossOptions, dtype, dropout, normalization } = c.architecture;
  const normalized = normalization.some((n) => n !== null);
  const preprocessing = preprocessingToJSON(c.architecture);
  const prepared = Object.keys(preprocessing).length > 0;
  const names = optimizerBufferNames(c.optimizer.config);
  const tensors = [
    { name: 'parameters', values: c.parameters }, ...names.map((name, i) => ({ name: `optimizer.${name}`, values: c.optimizer.buffers[i] })),
    ...(c.running ? [{ name: 'runningStatistics', values: c.running.runningStatistics }] : []),
  ];
  const header: Header = {
    format: 'wasm-mlp-checkpoint',
    architecture: { layers: [...layers], activations: [...activations], loss, ...(lossOptions && { lossOptions: { ...lossOptions } }), dtype, dropout: [...dropout], ...(normalized && { normalization: [...normalization] }), ...preprocessing },
    backend: c.backend,
    ...(c.running && { batchesTracked: c.running.batchesTracked }),
    random: [...c.random],
    dropoutRandom: [...c.dropoutRandom],
    training: trainingStateToJSON(c.training),
    optimizer: { config: c.optimizer.config, step: c.optimizer.step },
    tensors: tensors.map(({ name, values }) => ({ name, dtype, length: values.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = dtypeBytes(dtype);
  const dataStart = align8(PREFIX_BYTES + json.length);
  const dataLength = tensors.reduce((sum, t) => sum + align8(t.values.length * bytes), 0);
  const out = new Uint8Array(dataStart + dataLength + CRC_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  view.setUint32(8, prepared ? 3 : normalized ? 2 : 1, true);
  view.setUint32(12, json.length, true);
  view.setBigUint64(16, BigInt(dataLength), true);
  out.set(json, PREFIX_BYTES);
  let offset = dataStart;
  for (const t of tensors) {
    writeFloats(out, offset, t.values, dtype);
    offset += align8(t.values.length * bytes);
  }
  view.setUint32(out.length - CRC_BYTES, crc32(out, 0, out.length - CRC_BYTES), true);
  return out;
}

/** Parses and checks a checkpoint completely; throws FormatError naming what is wrong. */
export function readCheckpoint(fn: string, input: unknown): CheckpointContents {
  const bytes = toBytes(fn, input, 'a checkpoint from net.save()');
  const fail = (what: string) => new FormatError(`${fn}: not a valid wasm-mlp checkpoint: ${what}`);
  if (bytes.length < PREFIX_BYTES + CRC_BYTES) throw fail(`${bytes.length} bytes is shorter than the ${PREFIX_BYTES + CRC_BYTES}-byte minimum (truncated?)`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) throw fail(`the file starts with ${describe(magic)}, expected the magic "${CHECKPOINT_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!CHECKPOINT_VERSIONS.includes(version)) throw fail(`format version ${version} is not supported (this library reads versions ${CHECKPOINT_VERSIONS.slice(0, -1).join(', ')} and ${CHECKPOINT_VERSIONS.at(-1)})`);
  const headerLength = view.getUint32(12, true);
  const dataLength = Number(view.getBigUint64(16, true));
  const dataStart = align8(PREFIX_BYTES + headerLength);
  const expected = dataStart + dataLength + CRC_BYTES;
  if (expected !== bytes.length) {
    throw fail(`its lengths (header ${headerLength} B, data ${dataLength} B) add up to ${expected} bytes but it has ${bytes.length}${expected > bytes.length ? ' (truncated?)' : ''}`);
  }
  const stored = view.getUint32(bytes.length - CRC_BYTES, true);
  const actual = crc32(bytes, 0, bytes.length - CRC_BYTES);
  if (stored !== actual) throw fail(`checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is corrupt`);
  const header = parseHeader(fn, bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength), fail);
  if (version === 1 && header.architecture?.normalization !== undefined) throw fail('a version 1 checkpoint has no normalization layers, but its header lists some');
  return decode(fn, header, bytes, dataStart, dataLength, fail);
}

function parseHeader(fn: string, json: Uint8Array, fail: (what: string) => FormatError): Partial<Header> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (error) {
    throw fail(`its header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || (header as Header).format !== 'wasm-mlp-checkpoint') throw fail(`its header is not a wasm-mlp-checkpoint header`);
  return header as Partial<Header>;
}

function decode(fn: string, h: Partial<Header>, bytes: Uint8Array, dataStart: number, dataLength: number, fail: (what: string) => FormatError): CheckpointContents {
  let architecture: Architecture;
  let config: OptimizerConfig;
  try {
    architecture = checkCreateOptions(fn, { ...(h.architecture ?? {}) }).architecture;
    config = resolveOptimizer(fn, h.optimizer?.config, 'optimizer.config');
  } catch (error) {
    throw fail((error as Error).message.replace(`${fn}: `, ''));
  }
  if (!BACKENDS.includes(h.backend as Backend)) throw fail(`backend ${describe(h.backend)} is not one of ${BACKENDS.join(', ')}`);
  const random = checkWords(h.random, 'random', fail);
  const dropoutRandom = checkWords(h.dropoutRandom, 'dropoutRandom', fail);
  const training = checkTraining(h.training, fail);
  const step = h.optimizer?.step;
  if (!isCount(step)) throw fail(`optimizer.step must be an integer ≥ 0, got ${describe(step)}`);

  // Tensors: names, dtypes and lengths must be exactly what this architecture and optimizer need.
  const layout = parameterLayout(architecture);
  const count = layout.parameterCount;
  const runningLength = runningStatisticsLength(layout);
  const expected = [
    { name: 'parameters', length: count }, ...optimizerBufferNames(config).map((n) => ({ name: `optimizer.${n}`, length: count })),
    ...(runningLength > 0 ? [{ name: 'runningStatistics', length: runningLength }] : []),
  ];
  const names = expected.map((t) => t.name);
  const dtype = architecture.dtype;
  const bytesPer = dtypeBytes(dtype);
  if (!Array.isArray(h.tensors) || h.tensors.length !== names.length) throw fail(`expected ${names.length} tensors (${names.join(', ')}), got ${describe(h.tensors)}`);
  h.tensors.forEach((t, i) => {
    if (t?.name !== names[i] || t.dtype !== dtype || t.length !== expected[i].length) {
      throw fail(`tensor ${i} must be ${names[i]}: ${expected[i].length} × ${dtype}, got ${describe(t?.name)}: ${describe(t?.length)} × ${describe(t?.dtype)}`);
    }
  });
  const needed = expected.reduce((sum, t) => sum + align8(t.length * bytesPer), 0);
  if (needed !== dataLength) throw fail(`tensors ${names.join(', ')} of ${dtype} values need ${needed} data bytes, the file declares ${dataLength}`);
  let at = dataStart;
  const tensors = expected.map((t) => {
    const values = readFloats(bytes, at, t.length, dtype);
    at += align8(t.length * bytesPer);
    for (let j = 0; j < values.length; j++) if (!Number.isFinite(values[j])) throw fail(`${t.name}[${j}] is ${values[j]}, expected a finite number`);
    return values;
  });
  const optimizerCount = expected.length - (runningLength > 0 ? 2 : 1);
  optimizerBufferNames(config).forEach((name, i) => {
    const impossible = impossibleStateValue(name, tensors[1 + i]);
    if (impossible) throw fail(`tensor optimizer.${impossible}`);
  });
  const running = checkRunningState(layout, runningLength > 0 ? tensors[expected.length - 1] : undefined, h.batchesTracked, fail);
  return { architecture, backend: h.backend as Backend, parameters: tensors[0], optimizer: { config, step, buffers: tensors.slice(1, 1 + optimizerCount) }, random, dropoutRandom, training, running };
}

function checkWords(value: unknown, name: string, fail: (what: string) => FormatError): number[] {
  if (!Array.isArray(value) || value.length !== 4 || value.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || value.every((w) => w === 0)) {
    throw fail(`${name} must be 4 unsigned 32-bit integers, not all zero, got ${describe(value)}`);
  }
  return value as number[];
}

/** TrainingState with Infinity (no best loss yet) as null, so it survives JSON. */
export type TrainingStateJSON = Header['training'];

export function trainingStateToJSON(t: TrainingState): TrainingStateJSON {
  const plateau = t.plateau;
  return { epoch: t.epoch, steps: t.steps, plateau: plateau && { ...plateau, best: Number.isFinite(plateau.best) ? plateau.best : null } };
}

/** Checks stored counters and plateau state; the inverse of `trainingStateToJSON`. */
export function checkTraining(value: TrainingStateJSON | undefined, fail: (what: string) => FormatError): TrainingState {
  if (!value || !isCount(value.epoch) || !isCount(value.steps)) throw fail(`training must hold integer epoch and steps counters, got ${describe(value)}`);
  const p = value.plateau;
  if (p === null) return { epoch: value.epoch, steps: value.steps, plateau: null };
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (typeof p !== 'object' || !finite(p.learningRate) || p.learningRate < 0 || !(p.best === null || finite(p.best)) || !isCount(p.badEpochs) || !isCount(p.cooldown)) {
    throw fail(`training.plateau is malformed: ${JSON.stringify(p)}`);
  }
  return { epoch: value.epoch, steps: value.steps, plateau: { learningRate: p.learningRate, best: p.best ?? Infinity, badEpochs: p.badEpochs, cooldown: p.cooldown } };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
