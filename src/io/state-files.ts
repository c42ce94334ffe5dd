// A network state as the file formats hold it, and back: the checkpoint (`save`/`load`), the
// model JSON (`toJSON`/`fromJSON`) and safetensors (θ and batch norm's statistics only).
import type { Architecture, Backend, FloatArray } from '../model/options.js';
import { arrayType } from '../model/options.js';
import type { CheckpointContents } from './checkpoint.js';
import type { RunningState } from './running.js';
import type { OptimizerState } from '../registry/optimizers.js';
import type { TrainingState } from '../state/training-state.js';
import type { NetworkState } from '../state/network-state.js';
import type { ModelJSON } from './model-json.js';
import { trainingToJSON } from './training-json.js';
import { preprocessingToJSON } from '../preprocessing/architecture.js';

type FloatType = { new (length: number): FloatArray; from(values: ArrayLike<number>): FloatArray };

/** The checkpoint of a network: its architecture, the backend it was saved from, and its whole state. */
export function checkpointOf(architecture: Architecture, backend: Backend, state: NetworkState): CheckpointContents {
  const { parameters, optimizer, random, dropoutRandom, training } = state;
  return { architecture, backend, parameters, optimizer, random, dropoutRandom, training, running: runningOf(state) };
}

/** The JSON model of a network (`toJSON`); with `withTraining`, its optimizer state and fit's counters too. */
export function modelJSONOf(architecture: Architecture, backend: Backend, state: NetworkState, withTraining: boolean): ModelJSON {
  const { layers, activations, loss, lossOptions, dtype, dropout, normalization } = architecture;
  const running = runningOf(state);
  const json: ModelJSON = {
    format: 'wasm-mlp', version: 1, layers: [...layers], activations: [...activations], loss, ...(lossOptions && { lossOptions: { ...lossOptions } }), dtype, dropout: [...dropout],
    // Written only for networks that have them, so other networks' files stay as they were.
    ...(normalization.some((n) => n !== null) && { normalization: [...normalization] }),
    ...(running && { runningStatistics: Array.from(running.runningStatistics), batchesTracked: running.batchesTracked }),
    ...preprocessingToJSON(architecture),
    backend, parameters: Array.from(state.parameters), random: state.random, dropoutRandom: state.dropoutRandom,
  };
  if (withTraining) json.training = trainingToJSON(state.optimizer, state.training);
  return json;
}

/** The state a checkpoint holds (every piece). */
export function stateOfCheckpoint(c: CheckpointContents): NetworkState {
  const Float = arrayType(c.architecture.dtype);
  return { optimizer: c.optimizer, parameters: c.parameters, ...statisticsOf(c.running, Float), dropoutRandom: c.dropoutRandom, random: c.random, training: c.training };
}

/** Batch norm's statistics as the file formats store them: null for a network without batch norm. */
export function runningOf(state: Pick<NetworkState, 'runningStatistics' | 'batchesTracked'>): RunningState | null {
  return state.runningStatistics.length > 0 ? { runningStatistics: state.runningStatistics, batchesTracked: state.batchesTracked } : null;
}

/** The state's running-statistics pieces from a file's (null: the network has no batch norm, so none, counted 0). */
export function statisticsOf(running: RunningState | null, Float: FloatType): Pick<NetworkState, 'runningStatistics' | 'batchesTracked'> {
  return running ? { runningStatistics: Float.from(running.runningStatistics), batchesTracked: running.batchesTracked } : { runningStatistics: new Float(0), batchesTracked: 0 };
}

/** The pieces a model JSON holds: θ, the generators, the running statistics, and with `training` the optimizer and counters. */
export function stateOfJSON(
  json: { parameters: ArrayLike<number>; random: number[]; dropoutRandom: number[] | undefined; running: RunningState | null },
  resume: { optimizer: OptimizerState; training: TrainingState } | null,
  Float: FloatType,
): Partial<NetworkState> {
  return {
    ...(resume && { optimizer: resume.optimizer, training: resume.training }),
    parameters: Float.from(json.parameters), ...statisticsOf(json.running, Float),
    ...(json.dropoutRandom && { dropoutRandom: json.dropoutRandom }), random: json.random,
  };
}
