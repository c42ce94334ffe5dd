import type { Engine } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { MetricTally, type Metric, type MetricValues } from './metrics.js';

/** Loss and metrics of a network on a dataset; `M` is the requested metrics, which `metrics` then holds. */
export interface Evaluation<M extends readonly Metric[] = readonly Metric[]> {
  /** Mean loss, as `net.loss` would report it on the whole set at once. */
  loss: number;
  /** Each requested metric on the whole set. */
  metrics: MetricValues<M>;
}

/** Samples per forward pass: bounds the batch buffers however large the set is. */
export const CHUNK_ROWS = 1024;

/**
 * Loss and metrics on rows of the dataset in the engine (`allocateDataset`), read where they
 * are: each chunk is copied inside the engine's memory into its batch buffer, nothing from JavaScript.
 */
export function evaluateStaged(engine: Engine, arch: Architecture, rows: { first: number; rows: number; weighted: boolean }, metrics: readonly Metric[]): Evaluation {
  const { inputSize, outputSize } = engine.layout;
  const { first, rows: count } = rows;
  // Reserved before the dataset's views are read: reserving may grow memory (or move an 'auto' network).
  engine.reserve(Math.min(count, CHUNK_ROWS));
  const data = engine.datasetContents()!;
  const x = data.x.subarray(first * inputSize, (first + count) * inputSize);
  const w = rows.weighted ? data.w!.subarray(first, first + count) : null;
  return evaluateChunks(engine, arch, (start, n) => engine.inputBuffer(n).set(x.subarray(start * inputSize, (start + n) * inputSize)), data.y.subarray(first * outputSize, (first + count) * outputSize), count, metrics, w);
}

/**
 * Forward passes over a dataset in chunks, without changing any parameter: `stageInput(start, n)`
 * puts rows start…start+n−1 into the engine's input buffer (and checks them), `y` holds the
 * targets and `w` one sample weight per row (null: every row 1). Each chunk's loss is weighted
 * by its loss weight (its rows when nothing is weighted).
 */
export function evaluateChunks(engine: Engine, arch: Architecture, stageInput: (start: number, n: number) => void, y: FloatArray, rows: number, metrics: readonly Metric[], w: ArrayLike<number> | null = null): Evaluation {
  const outputSize = engine.layout.outputSize;
  const chunk = Math.min(rows, CHUNK_ROWS);
  engine.reserve(chunk);
  let loss = 0;
  let weight = 0;
  const tally = new MetricTally(metrics, arch);
  engine.setSampleWeighting(w !== null);
  try {
    for (let start = 0; start < rows; start += chunk) {
      const n = Math.min(chunk, rows - start);
      stageInput(start, n);
      engine.targetBuffer(n).set(y.subarray(start * outputSize, (start + n) * outputSize));
      const rowWeights = w === null ? null : engine.weightBuffer(n);
      for (let i = 0; rowWeights !== null && i < n; i++) rowWeights[i] = w![start + i];
      engine.forward(n);
      // A chunk counts by its loss's weight, so the whole set's loss is what one batch of it would give.
      const chunkWeight = engine.lossWeight(n);
      loss += chunkWeight === 0 ? 0 : engine.loss(n) * chunkWeight;
      weight += chunkWeight;
      tally.add(engine.outputBuffer(n), engine.targetBuffer(n), n, rowWeights);
    }
  } finally {
    engine.setSampleWeighting(false);
  }
  return { loss: weight === 0 ? 0 : loss / weight, metrics: tally.values() };
}
