// What early stopping's restoreBest keeps of its best epoch: θ and batch norm's running
// statistics with their count, as Keras restores a layer's moving statistics with its weights
// (the statistics follow θ: predictions with one and not the other are neither epoch's).
import type { Engine } from '../engine/engine.js';
import { WEIGHT_PIECES, applyEngineState, captureEngineState, type EngineState } from '../state/network-state.js';

/** A copy of everything an epoch's predictions depend on. */
export type BestWeights = Pick<EngineState, (typeof WEIGHT_PIECES)[number]>;

export function takeWeights(engine: Engine): BestWeights {
  return captureEngineState(engine, WEIGHT_PIECES);
}

export function putWeights(engine: Engine, weights: BestWeights): void {
  applyEngineState(engine, weights);
}
