// Metrics reported beside the loss. They read the output layer's activations after a
// forward pass, so they cost no extra kernel: one pass over rows × outputs values.
import type { Architecture, FloatArray } from '../options.js';
import { ValueError, describe } from '../errors.js';
import { checkChoice } from '../validate.js';

/**
 * `accuracy`: argmax match (several outputs) or per-output match at threshold 0.5 (sigmoid);
 * `mae`: mean |output − target|; `mse`: mean (output − target)², over samples and outputs
 * (Keras's 'mse' metric; for an 'mse' network it equals the loss).
 */
export type Metric = 'accuracy' | 'mae' | 'mse';
export const METRICS: readonly Metric[] = ['accuracy', 'mae', 'mse'];
/**
 * Metric values by name. With the list of metrics known to the compiler (a literal, or an
 * `as const` array) exactly those names, each a number; with a plain `Metric[]`, any of them.
 */
export type MetricValues<M extends readonly Metric[] = readonly Metric[]> = MetricRecord<M, number>;

/** Per requested metric a `T`: exactly the names of a tuple `M`, or any metric for a plain array. */
export type MetricRecord<M extends readonly Metric[], T> = number extends M['length'] ? Partial<Record<Metric, T>> : { [K in M[number]]: T };

/** Checks a metrics list against the network it will measure. */
export function checkMetrics(fn: string, name: string, value: unknown, arch: Architecture): Metric[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ValueError(`${fn}: ${name} must be an array of metric names ('accuracy', 'mae', 'mse'), got ${describe(value)}`);
  const metrics = value.map((m, i) => checkChoice(fn, `${name}[${i}]`, m, METRICS));
  const outputs = arch.layers[arch.layers.length - 1];
  const head = arch.activations[arch.activations.length - 1];
  if (metrics.includes('accuracy') && outputs === 1 && head !== 'sigmoid') {
    throw new ValueError(`${fn}: ${name} has 'accuracy', which needs a sigmoid output (threshold 0.5) or several outputs (argmax); this network has 1 '${head}' output`);
  }
  return [...new Set(metrics)];
}

/** Sum over `rows` samples of each metric's per-sample value; divide by the sample count for the mean. */
export function metricSums(metrics: readonly Metric[], arch: Architecture, out: FloatArray, y: FloatArray, rows: number): number[] {
  const width = arch.layers[arch.layers.length - 1];
  const thresholded = arch.activations[arch.activations.length - 1] === 'sigmoid';
  return metrics.map((metric) => {
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const o = out.subarray(i * width, (i + 1) * width);
      const t = y.subarray(i * width, (i + 1) * width);
      if (metric === 'mae') sum += meanAbsoluteError(o, t);
      else if (metric === 'mse') sum += meanSquaredError(o, t);
      else sum += thresholded ? thresholdAccuracy(o, t) : Number(argmax(o) === argmax(t));
    }
    return sum;
  });
}

function meanSquaredError(o: FloatArray, t: FloatArray): number {
  let s = 0;
  for (let j = 0; j < o.length; j++) s += (o[j] - t[j]) ** 2;
  return s / o.length;
}

function meanAbsoluteError(o: FloatArray, t: FloatArray): number {
  let s = 0;
  for (let j = 0; j < o.length; j++) s += Math.abs(o[j] - t[j]);
  return s / o.length;
}

/** Fraction of outputs on the right side of 0.5 (Keras binary_accuracy). */
function thresholdAccuracy(o: FloatArray, t: FloatArray): number {
  let right = 0;
  for (let j = 0; j < o.length; j++) right += Number(o[j] > 0.5 === t[j] > 0.5);
  return right / o.length;
}

/** First index of the largest value, as numpy/torch argmax. */
function argmax(v: FloatArray): number {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (v[j] > v[best]) best = j;
  return best;
}
