import type { Engine } from '../engine.js';
import type { Architecture, FloatArray } from '../options.js';
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

/** Forward passes over (x, y) in chunks; the loss of each chunk weighted by its rows. Changes no parameter. */
export function evaluateArrays(engine: Engine, arch: Architecture, x: FloatArray, y: FloatArray, rows: number, metrics: readonly Metric[]): Evaluation {
  const inputSize = engine.layout.inputSize;
  return evaluateChunks(engine, arch, (start, n) => engine.inputBuffer(n).set(x.subarray(start * inputSize, (start + n) * inputSize)), y, rows, metrics);
}

/** As `evaluateArrays`, with `stageInput(start, n)` putting rows start…start+n−1 into the engine's input buffer (and checking them). */
export function evaluateChunks(engine: Engine, arch: Architecture, stageInput: (start: number, n: number) => void, y: FloatArray, rows: number, metrics: readonly Metric[]): Evaluation {
  const outputSize = engine.layout.outputSize;
  const chunk = Math.min(rows, CHUNK_ROWS);
  engine.reserve(chunk);
  let loss = 0;
  const tally = new MetricTally(metrics, arch);
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(chunk, rows - start);
    stageInput(start, n);
    engine.targetBuffer(n).set(y.subarray(start * outputSize, (start + n) * outputSize));
    engine.forward(n);
    loss += engine.loss(n) * n;
    tally.add(engine.outputBuffer(n), engine.targetBuffer(n), n);
  }
  return { loss: loss / rows, metrics: tally.values() };
}
