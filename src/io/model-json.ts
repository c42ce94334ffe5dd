import { FormatError, describe } from '../core/errors.js';
import { BACKENDS, type Architecture, type Backend, type Normalization } from '../model/options.js';
import { checkRunningState, type RunningState } from './running.js';
import { checkCreateOptions } from '../model/create-options.js';
import { parameterLayout } from '../model/layout.js';
import { badValue, isAllowed } from '../model/data.js';
import type { TrainingJSON } from './training-json.js';
import type { InputStage } from '../preprocessing/stage.js';

/** The JSON form of a network (`net.toJSON()`): architecture, θ in layout order, generator state. */
export interface ModelJSON {
  format: 'wasm-mlp';
  version: 1;
  layers: number[];
  activations: Architecture['activations'][number][];
  loss: Architecture['loss'];
  /** The loss's parameters, when any were given (huber's delta, smooth-l1's beta). */
  lossOptions?: Architecture['lossOptions'];
  dtype: Architecture['dtype'];
  /** Dropout rate per hidden layer; absent in files from before dropout existed (read as none). */
  dropout?: number[];
  /** Normalization per hidden layer (null: none); absent when the network has none. */
  normalization?: (Normalization | null)[];
  /** The input stage raw rows pass through (see `adaptInput`); only for a network with one. */
  input?: InputStage;
  /** The classifier's class names; only for a network with them. */
  classNames?: string[];
  /** Batch norm's running mean then variance per batch-norm layer; only with batch norm. */
  runningStatistics?: number[];
  /** Training steps behind the running statistics (num_batches_tracked); only with batch norm. */
  batchesTracked?: number;
  /** The backend it was saved from; `MLP.fromJSON` builds on it unless told otherwise (absent: 'wasm'). */
  backend?: Backend;
  /** θ as numbers; float32 values are exact in a double, so the round trip is bit-exact. */
  parameters: number[];
  /** The seeded generator's state, so shuffling continues where it left off. */
  random: number[];
  /** The dropout generator's state (absent: the stream of seed 0). */
  dropoutRandom?: number[];
  /** Optimizer state and fit's counters, with `toJSON({ training: true })`. */
  training?: TrainingJSON;
}

/** Checks a parsed JSON model completely before anything is built from it. */
export function checkModelJSON(fn: string, value: unknown): { architecture: Architecture; parameters: number[]; random: number[]; dropoutRandom: number[] | undefined; training: unknown; backend: Backend | undefined; running: RunningState | null } {
  const json = typeof value === 'string' ? parse(fn, value) : value;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FormatError(`${fn}: expected a model object or its JSON text, got ${describe(json)}`);
  const m = json as Partial<ModelJSON>;
  // A `wasm-mlp train` model holds a checkpoint, not this object: name the calls that read it.
  if ((m.format as string | undefined) === 'wasm-mlp-cli-model') throw new FormatError(`${fn}: this is a command-line model (\`wasm-mlp train\`'s model.json), which holds a checkpoint; read the file's bytes with MLP.load or Predictor.load, which take every model file the package writes`);
  if (m.format !== 'wasm-mlp') throw new FormatError(`${fn}: format must be 'wasm-mlp', got ${describe(m.format)}`);
  if (m.version !== 1) throw new FormatError(`${fn}: version ${describe(m.version)} is not supported (this is version 1 of the format)`);
  let architecture: Architecture;
  try {
    architecture = checkCreateOptions(fn, { layers: m.layers, activations: m.activations, loss: m.loss, lossOptions: m.lossOptions, dtype: m.dtype, dropout: m.dropout, normalization: m.normalization, input: m.input, classNames: m.classNames }).architecture;
  } catch (error) {
    throw new FormatError((error as Error).message);
  }
  const layout = parameterLayout(architecture);
  const expected = layout.parameterCount;
  if (!Array.isArray(m.parameters) || m.parameters.length !== expected) {
    throw new FormatError(`${fn}: parameters must be an array of ${expected} numbers for layers [${architecture.layers.join(', ')}], got ${describe(m.parameters)}`);
  }
  const float32 = architecture.dtype === 'float32';
  m.parameters.forEach((v, i) => {
    if (typeof v !== 'number' || !isAllowed(v, undefined, float32)) throw new FormatError(badValue(fn, `parameters[${i}]`, v, undefined, float32).message);
  });
  if (m.backend !== undefined && !BACKENDS.includes(m.backend)) throw new FormatError(`${fn}: backend must be one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}, got ${describe(m.backend)}`);
  const random = checkGeneratorState(fn, 'random', m.random);
  const dropoutRandom = m.dropoutRandom === undefined ? undefined : checkGeneratorState(fn, 'dropoutRandom', m.dropoutRandom);
  const running = checkRunningState(layout, m.runningStatistics, m.batchesTracked, (what) => new FormatError(`${fn}: ${what}`));
  return { architecture, parameters: m.parameters, random, dropoutRandom, training: m.training, backend: m.backend, running };
}

function checkGeneratorState(fn: string, name: string, state: unknown): number[] {
  if (!Array.isArray(state) || state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || state.every((w) => w === 0)) {
    throw new FormatError(`${fn}: ${name} must be 4 unsigned 32-bit integers, not all zero, got ${describe(state)}`);
  }
  return state;
}

function parse(fn: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${fn}: the text is not valid JSON (${(error as Error).message})`);
  }
}
