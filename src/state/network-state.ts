// One network state: everything a network *is* beyond its architecture, captured and applied in
// one place. Every path that saves, restores, moves or hands over a network goes through
// `captureState` / `applyState` (see docs/internals/network-state.md), so a piece added to the
// table below travels with all of them; a hand-written list elsewhere is where a piece gets lost.
import type { Engine } from '../engine/engine.js';
import type { FloatArray } from '../model/options.js';
import type { OptimizerState } from '../registry/optimizers.js';
import type { Random } from '../core/random.js';
import type { TrainingState } from './training-state.js';

/**
 * Everything `save()` writes beside the architecture, as plain engine-independent data: typed
 * arrays of the network's dtype, numbers and number lists. Captures are copies (never views
 * into an engine's memory), so a state outlives the engine it came from, can cross to a
 * worker (`transferList`), and can be applied to another engine of the same architecture
 * (wasm, js, threaded, or a future GPU one).
 */
export interface NetworkState {
  /** The optimizer's configuration, step count and state vectors (moments, averages…). */
  optimizer: OptimizerState;
  /** θ: per layer the weights (outputs × inputs), the bias, then a normalization's γ and β. */
  parameters: FloatArray;
  /** Batch norm's running mean then running variance per batch-norm layer (empty without batch norm). */
  runningStatistics: FloatArray;
  /** Training steps behind the running statistics (nn.BatchNorm1d's num_batches_tracked). */
  batchesTracked: number;
  /** The dropout masks' generator: four xoshiro128** words. */
  dropoutRandom: number[];
  /** The initialisation and shuffling generator: four xoshiro128** words. */
  random: number[];
  /** fit's counters (epoch, steps) and the reduce-on-plateau schedule's state. */
  training: TrainingState;
}

/** Where a network keeps its state: its engine, and the network's own generator and counters. */
export interface StateHolder {
  readonly engine: Engine;
  readonly random: Random;
  /** Updated in place by `applyState`, so loops holding this object see the applied counters. */
  readonly training: TrainingState;
}

/** The pieces an engine holds: what moves when a network changes engine. */
export type EngineState = Pick<NetworkState, EnginePiece>;
export type EnginePiece = 'optimizer' | 'parameters' | 'runningStatistics' | 'batchesTracked' | 'dropoutRandom';
export type StatePiece = keyof NetworkState;

/** How one piece is read (a copy), written back, and which buffers it can transfer. */
interface Piece<K extends StatePiece, H> {
  capture(holder: H): NetworkState[K];
  apply(holder: H, value: NetworkState[K]): void;
  buffers?(value: NetworkState[K]): ArrayBufferLike[];
}

type EnginePieces = { [K in EnginePiece]: Piece<K, Engine> };
type NetworkPieces = { [K in Exclude<StatePiece, EnginePiece>]: Piece<K, StateHolder> };

/**
 * The engine's pieces, in the order they are applied: the optimizer first, because installing
 * its state may allocate (and fail) — then a failed apply has changed nothing else.
 */
const ENGINE_PIECES: EnginePieces = {
  optimizer: {
    capture: (engine) => engine.optimizerState(),
    apply: (engine, value) => engine.setOptimizerState(value),
    buffers: (value) => value.buffers.map((b) => b.buffer),
  },
  parameters: {
    capture: (engine) => engine.parameters().slice(),
    apply: (engine, value) => engine.parameters().set(value),
    buffers: (value) => [value.buffer],
  },
  runningStatistics: {
    capture: (engine) => engine.runningStatistics().slice(),
    apply: (engine, value) => engine.runningStatistics().set(value),
    buffers: (value) => [value.buffer],
  },
  batchesTracked: {
    capture: (engine) => engine.batchesTracked(),
    apply: (engine, value) => engine.setBatchesTracked(value),
  },
  dropoutRandom: {
    capture: (engine) => engine.dropoutRandomState(),
    apply: (engine, value) => engine.setDropoutRandomState(value),
  },
};

/** The pieces the network keeps outside its engine. */
const NETWORK_PIECES: NetworkPieces = {
  random: {
    capture: (holder) => holder.random.getState(),
    apply: (holder, value) => holder.random.setState(value),
  },
  training: {
    capture: (holder) => structuredClone(holder.training),
    apply: (holder, value) => Object.assign(holder.training, structuredClone(value)),
  },
};

/** Every piece of a network state, in the order `applyState` writes them. */
export const STATE_PIECES = [...Object.keys(ENGINE_PIECES), ...Object.keys(NETWORK_PIECES)] as StatePiece[];
/** The pieces an engine holds. */
export const ENGINE_STATE_PIECES = Object.keys(ENGINE_PIECES) as EnginePiece[];
/** What early stopping's restoreBest keeps of its best epoch: what predictions depend on (θ and batch norm's statistics), as Keras restores weights. */
export const WEIGHT_PIECES = ['parameters', 'runningStatistics', 'batchesTracked'] as const satisfies readonly EnginePiece[];

const isEnginePiece = (name: StatePiece): name is EnginePiece => name in ENGINE_PIECES;

/** A copy of the whole state of a network, or of the named pieces. */
export function captureState(holder: StateHolder): NetworkState;
export function captureState<K extends StatePiece>(holder: StateHolder, pieces: readonly K[]): Pick<NetworkState, K>;
export function captureState(holder: StateHolder, pieces: readonly StatePiece[] = STATE_PIECES): Partial<NetworkState> {
  const state: Partial<Record<StatePiece, unknown>> = {};
  for (const name of pieces) {
    state[name] = isEnginePiece(name) ? ENGINE_PIECES[name].capture(holder.engine) : NETWORK_PIECES[name].capture(holder);
  }
  return state as Partial<NetworkState>;
}

/** A copy of what an engine holds (all its pieces, or the named ones): for moving a network between engines. */
export function captureEngineState(engine: Engine): EngineState;
export function captureEngineState<K extends EnginePiece>(engine: Engine, pieces: readonly K[]): Pick<EngineState, K>;
export function captureEngineState(engine: Engine, pieces: readonly EnginePiece[] = ENGINE_STATE_PIECES): Partial<EngineState> {
  const state: Partial<Record<EnginePiece, unknown>> = {};
  for (const name of pieces) state[name] = ENGINE_PIECES[name].capture(engine);
  return state as Partial<EngineState>;
}

/**
 * Writes the pieces `state` holds into the network, in table order (the optimizer first);
 * absent pieces stay as they are (a file that stores only θ applies only θ). The values are
 * copied in: the state can be applied again.
 */
export function applyState(holder: StateHolder, state: Partial<NetworkState>): void {
  for (const name of STATE_PIECES) {
    const value = state[name];
    if (value === undefined) continue;
    if (isEnginePiece(name)) (ENGINE_PIECES[name] as Piece<EnginePiece, Engine>).apply(holder.engine, value as never);
    else (NETWORK_PIECES[name] as Piece<typeof name, StateHolder>).apply(holder, value as never);
  }
}

/** `applyState` for an engine alone: the engine pieces `state` holds. */
export function applyEngineState(engine: Engine, state: Partial<EngineState>): void {
  for (const name of ENGINE_STATE_PIECES) {
    const value = state[name];
    if (value !== undefined) (ENGINE_PIECES[name] as Piece<EnginePiece, Engine>).apply(engine, value as never);
  }
}

/** The buffers of a captured state, to transfer (not copy) to a worker. A state is useless here once transferred. */
export function transferList(state: Partial<NetworkState>): ArrayBuffer[] {
  const buffers: ArrayBufferLike[] = [];
  for (const name of ENGINE_STATE_PIECES) {
    const value = state[name];
    const piece = ENGINE_PIECES[name] as Piece<EnginePiece, Engine>;
    if (value !== undefined && piece.buffers) buffers.push(...piece.buffers(value as never));
  }
  // One buffer listed twice makes postMessage throw.
  return [...new Set(buffers)] as ArrayBuffer[];
}
