// The work behind MLP's factories: where a network computes (its engine), its generators' first
// state, and what a model file or JSON holds, checked, as the network state to apply. The class
// itself only builds the network from what these return.
import type { Engine } from '../engine/engine.js';
import type { Architecture, Backend } from '../model/options.js';
import { BACKENDS, arrayType } from '../model/options.js';
import { checkChoice, checkOptions } from '../core/validate.js';
import { Random } from '../core/random.js';
import { createJsEngine } from '../js/engine.js';
import { createThreadedEngine } from '../wasm/shared-engine.js';
import { checkThreads, type ThreadsOption } from '../threads/support.js';
import type { NetworkState } from '../state/network-state.js';
import { checkModelJSON, type ModelJSON } from '../io/model-json.js';
import { readCheckpoint } from '../io/checkpoint.js';
import { checkTrainingJSON } from '../io/training-json.js';
import { toBytes, type Bytes } from '../io/bytes.js';
import { sniffModel } from '../io/sniff.js';
import { readSafetensors, type SafetensorsArchitecture } from '../io/safetensors.js';
import { stateOfCheckpoint, stateOfJSON, statisticsOf } from '../io/state-files.js';
import { LOAD_KEYS, SAFETENSORS_KEYS, type LoadOptions } from './call-options.js';

/** A network to build: its architecture, where it computes, and the state to apply to it. */
export interface Opened {
  architecture: Architecture;
  backend: Backend | 'auto';
  threads: ThreadsOption;
  /** backend 'webgpu' or 'auto': the `gpu` option as given. */
  gpu?: unknown;
  state: Partial<NetworkState>;
}

/** What a loader's `options.backend` takes: a backend, or 'auto' as `MLP.create` takes it. */
const LOAD_BACKENDS = [...BACKENDS, 'auto'] as const;

/** Where a file loads without `options.backend`: the backend it was saved from, but a network saved on the GPU loads on 'wasm' (a GPU belongs to the machine, not the model: ask for 'webgpu' to get it back). */
function loadedOn(saved: Backend | undefined): Backend {
  return saved === undefined || saved === 'webgpu' ? 'wasm' : saved;
}

/**
 * The engine a network computes on: wasm (one thread or several), the js reference on one
 * thread, WebGPU (its state mirrored by a wasm engine), or 'auto' (WebGPU where it measured faster).
 */
export function createEngine(fn: string, architecture: Architecture, backend: Backend | 'auto', threads: ThreadsOption, gpu?: unknown): Promise<Engine> | Engine {
  if (backend === 'wasm') return createThreadedEngine(architecture, threads);
  // Loaded on demand: a network on wasm or js never fetches the shaders and the device code.
  if (backend === 'webgpu') return import('../webgpu/engine.js').then((m) => m.createWebGpuEngine(fn, architecture, threads, gpu));
  if (backend === 'auto') return import('../webgpu/auto.js').then((m) => m.createAutoEngine(fn, architecture, threads, gpu));
  const engine = createJsEngine(architecture);
  return threads === 1 ? engine : { ...engine, threads: 1, threadsFallbackReason: 'the js backend runs on one thread' };
}

/** The dropout generator's start: its own stream, so dropout never shifts initialisation or shuffling. */
export function dropoutStream(seed: number): number[] {
  return new Random(seed).getState().map((word) => (word ^ 0x9e3779b9) >>> 0);
}

/** `MLP.fromJSON`'s input and options, checked: the network they describe. */
export function openJSON(json: ModelJSON | string, options: LoadOptions | undefined): Opened {
  const { architecture, parameters, random, dropoutRandom, training, backend: savedOn, running } = checkModelJSON('MLP.fromJSON', json);
  const o = checkOptions('MLP.fromJSON', 'options', options, true, LOAD_KEYS) as LoadOptions;
  // As MLP.load: the backend the network was saved from, unless another is asked for.
  const backend = o.backend === undefined ? loadedOn(savedOn) : checkChoice('MLP.fromJSON', 'options.backend', o.backend, LOAD_BACKENDS);
  const threads = checkThreads('MLP.fromJSON', o.threads);
  const Float = arrayType(architecture.dtype);
  const resume = training === undefined ? null : checkTrainingJSON('MLP.fromJSON', training, parameters.length, Float);
  return { architecture, backend, threads, gpu: o.gpu, state: stateOfJSON({ parameters, random, dropoutRandom, running }, resume, Float) };
}

/** `MLP.load`'s bytes, told apart by their first bytes: a JSON model or safetensors (read by their own factories), or a checkpoint. */
export type ModelFile = { kind: 'model-json'; json: ModelJSON; options: LoadOptions } | { kind: 'safetensors'; bytes: Uint8Array; options: LoadOptions } | { kind: 'checkpoint'; opened: Opened };

/** `MLP.load`'s bytes and options, checked. */
export function openModelFile(bytes: Bytes, options: LoadOptions | undefined): ModelFile {
  const o = checkOptions('MLP.load', 'options', options, true, LOAD_KEYS) as LoadOptions;
  const requested = o.backend === undefined ? undefined : checkChoice('MLP.load', 'options.backend', o.backend, LOAD_BACKENDS);
  const file = sniffModel('MLP.load', toBytes('MLP.load', bytes, 'a model file (a checkpoint, JSON or safetensors)'));
  if (file.kind === 'model-json') return { kind: 'model-json', json: file.json as ModelJSON, options: o };
  if (file.kind === 'safetensors') return { kind: 'safetensors', bytes: file.bytes, options: o };
  const c = readCheckpoint('MLP.load', file.kind === 'cli-model' ? file.checkpoint : file.bytes);
  return { kind: 'checkpoint', opened: { architecture: c.architecture, backend: requested ?? loadedOn(c.backend), threads: checkThreads('MLP.load', o.threads), gpu: o.gpu, state: stateOfCheckpoint(c) } };
}

/** `MLP.fromSafetensors`' bytes and options, checked: θ and batch norm's statistics; the rest starts fresh. */
export function openSafetensors(bytes: Bytes, options: (LoadOptions & SafetensorsArchitecture) | undefined): Opened {
  const o = checkOptions('MLP.fromSafetensors', 'options', options, true, SAFETENSORS_KEYS) as LoadOptions & SafetensorsArchitecture;
  const backend = o.backend === undefined ? 'wasm' : checkChoice('MLP.fromSafetensors', 'options.backend', o.backend, LOAD_BACKENDS);
  const { architecture, parameters, running } = readSafetensors('MLP.fromSafetensors', bytes, o);
  const threads = checkThreads('MLP.fromSafetensors', o.threads);
  const Float = arrayType(architecture.dtype);
  return { architecture, backend, threads, gpu: o.gpu, state: { parameters: Float.from(parameters), ...statisticsOf(running, Float), dropoutRandom: dropoutStream(0) } };
}
