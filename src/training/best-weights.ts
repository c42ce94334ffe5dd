// What early stopping's restoreBest keeps of its best epoch: θ and batch norm's running
// statistics with their count, as Keras restores a layer's moving statistics with its weights
// (the statistics follow θ: predictions with one and not the other are neither epoch's).
import type { Engine } from '../engine.js';
import type { FloatArray } from '../options.js';

/** A copy of everything an epoch's predictions depend on. */
export interface BestWeights {
  parameters: FloatArray;
  runningStatistics: FloatArray;
  batchesTracked: number;
}

export function takeWeights(engine: Engine): BestWeights {
  return { parameters: engine.parameters().slice(), runningStatistics: engine.runningStatistics().slice(), batchesTracked: engine.batchesTracked() };
}

export function putWeights(engine: Engine, weights: BestWeights): void {
  engine.parameters().set(weights.parameters);
  engine.runningStatistics().set(weights.runningStatistics);
  engine.setBatchesTracked(weights.batchesTracked);
}
