// `step`: one update of the network's optimizer on a batch, refused (not applied) when the loss or
// the update is not finite.
import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import type { Matrix, Targets } from '../model/data.js';
import { divergenceError } from '../engine/divergence.js';
import { withSampleWeights } from '../training/sample-weights.js';
import { STEP_KEYS, readLearningRate, type StepOptions } from './call-options.js';
import { readSampleWeight, stageBatch } from './rows.js';

/** One optimizer step on (X, Y), already encoded; returns the loss before it. */
export function stepOnce(fn: string, engine: Engine, architecture: Architecture, X: Matrix, Y: Targets, options: StepOptions | undefined): number {
  const learningRate = readLearningRate(fn, options) ?? engine.optimizer().learningRate;
  const weights = options?.sampleWeight === undefined ? null : readSampleWeight(fn, engine, X, options, STEP_KEYS);
  const rows = stageBatch(fn, engine, architecture, X, Y);
  const loss = weights === null ? engine.step(rows, learningRate) : withSampleWeights(engine, weights, rows, () => engine.step(rows, learningRate));
  const failure = engine.failure();
  if (failure) throw divergenceError(fn, { layer: failure.layer, phase: failure.phase, step: 0 }, engine.layout, learningRate);
  return loss;
}
