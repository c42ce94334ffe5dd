// Metrics reported beside the loss. They read the output layer's activations after a
// forward pass, so they cost no extra kernel: one pass over rows × outputs values, tallied
// chunk by chunk so that a dataset-wide metric (R², precision, recall, F1) is exact however
// the rows were split.
import type { Architecture, FloatArray } from '../model/options.js';
import { ValueError, describe } from '../core/errors.js';
import { checkChoice } from '../core/validate.js';

/**
 * `accuracy`: argmax match (several outputs) or per-output match at threshold 0.5 (sigmoid);
 * `mae`: mean |output − target|; `mse`: mean (output − target)², over samples and outputs
 * (Keras's 'mse' metric; for an 'mse' network it equals the loss); `r2`: the coefficient of
 * determination 1 − SS_res/SS_tot per output, averaged over outputs (sklearn's r2_score,
 * 'uniform_average'); `precision`, `recall`, `f1`: per class from the predicted class (argmax,
 * or each sigmoid output at 0.5 as its own yes/no label), then averaged over classes ('macro',
 * as sklearn's average='macro'; a single sigmoid output is the positive class's own value, as
 * average='binary'). A class never predicted has precision 0, never present recall 0.
 */
export type Metric = 'accuracy' | 'mae' | 'mse' | 'r2' | 'precision' | 'recall' | 'f1';
export const METRICS: readonly Metric[] = ['accuracy', 'mae', 'mse', 'r2', 'precision', 'recall', 'f1'];
/** Metrics where higher is better: early stopping maximises them. */
export const MAXIMISED_METRICS: readonly Metric[] = ['accuracy', 'r2', 'precision', 'recall', 'f1'];
/**
 * Metric values by name. With the list of metrics known to the compiler (a literal, or an
 * `as const` array) exactly those names, each a number; with a plain `Metric[]`, any of them.
 */
export type MetricValues<M extends readonly Metric[] = readonly Metric[]> = MetricRecord<M, number>;

/**
 * Per requested metric a `T`: exactly the names in `M` — a tuple (`as const`), or an array of
 * named metrics (`{ metrics: ['accuracy'] } satisfies FitOptions` gives `'accuracy'[]`) — or,
 * for a plain `Metric[]` that may hold any of them, any metric, possibly absent.
 */
export type MetricRecord<M extends readonly Metric[], T> = number extends M['length']
  ? (Metric extends M[number] ? Partial<Record<Metric, T>> : { [K in M[number]]: T })
  : { [K in M[number]]: T };

const CLASS_METRICS: readonly Metric[] = ['accuracy', 'precision', 'recall', 'f1'];

/** Checks a metrics list against the network it will measure. */
export function checkMetrics(fn: string, name: string, value: unknown, arch: Architecture): Metric[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ValueError(`${fn}: ${name} must be an array of metric names (${METRICS.map((m) => `'${m}'`).join(', ')}), got ${describe(value)}`);
  const metrics = value.map((m, i) => checkChoice(fn, `${name}[${i}]`, m, METRICS));
  const outputs = arch.layers[arch.layers.length - 1];
  const head = arch.activations[arch.activations.length - 1];
  const classMetric = metrics.find((m) => CLASS_METRICS.includes(m));
  if (classMetric !== undefined && outputs === 1 && head !== 'sigmoid') {
    throw new ValueError(`${fn}: ${name} has '${classMetric}', which needs a sigmoid output (threshold 0.5) or several outputs (argmax); this network has 1 '${head}' output`);
  }
  return [...new Set(metrics)];
}

/** Running totals of a set of metrics over chunks of rows; `values()` gives each over every row added. */
export class MetricTally {
  private rows = 0;
  private readonly width: number;
  private readonly thresholded: boolean;
  /** Σ over rows of accuracy, mae and mse's per-row values. */
  private accuracy = 0;
  private absolute = 0;
  private squared = 0;
  /** Per output: targets seen, their running mean and Σ(y − ȳ)² (Welford), and Σ(y − ŷ)². */
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly spread: Float64Array;
  private readonly residual: Float64Array;
  /** Per class (or per sigmoid label): true positives, false positives, false negatives. */
  private readonly truePositive: Float64Array;
  private readonly falsePositive: Float64Array;
  private readonly falseNegative: Float64Array;

  constructor(private readonly metrics: readonly Metric[], arch: Architecture) {
    this.width = arch.layers[arch.layers.length - 1];
    this.thresholded = arch.activations[arch.activations.length - 1] === 'sigmoid';
    this.count = new Float64Array(this.width);
    this.mean = new Float64Array(this.width);
    this.spread = new Float64Array(this.width);
    this.residual = new Float64Array(this.width);
    this.truePositive = new Float64Array(this.width);
    this.falsePositive = new Float64Array(this.width);
    this.falseNegative = new Float64Array(this.width);
  }

  /**
   * Adds `rows` samples: outputs `out` and targets `y`, rows × outputs each, with one sample
   * weight per row in `w` (null: every row 1). Each row counts w times, as sklearn's
   * sample_weight: weighted sums over the sum of weights, weighted mean and spread (West's
   * update) for R², weighted counts for precision, recall and F1.
   */
  add(out: FloatArray, y: FloatArray, rows: number, w: ArrayLike<number> | null = null): void {
    const width = this.width;
    for (let i = 0; i < rows; i++) {
      const weight = w === null ? 1 : w[i];
      if (weight === 0) continue;
      const o = out.subarray(i * width, (i + 1) * width);
      const t = y.subarray(i * width, (i + 1) * width);
      let absolute = 0, squared = 0;
      for (let j = 0; j < width; j++) {
        const d = o[j] - t[j];
        absolute += Math.abs(d);
        squared += d * d;
        this.residual[j] += weight * (d * d);
        const n = (this.count[j] += weight);
        const shift = t[j] - this.mean[j];
        this.mean[j] += (weight * shift) / n;
        this.spread[j] += weight * shift * (t[j] - this.mean[j]);
      }
      this.absolute += (weight * absolute) / width;
      this.squared += (weight * squared) / width;
      if (this.thresholded) {
        let right = 0;
        for (let j = 0; j < width; j++) {
          const predicted = o[j] > 0.5, actual = t[j] > 0.5;
          right += Number(predicted === actual);
          this.count1(j, predicted, actual, weight);
        }
        this.accuracy += (weight * right) / width;
      } else if (width > 1) {
        const predicted = argmax(o), actual = argmax(t);
        this.accuracy += weight * Number(predicted === actual);
        for (let j = 0; j < width; j++) this.count1(j, predicted === j, actual === j, weight);
      }
      this.rows += weight;
    }
  }

  private count1(j: number, predicted: boolean, actual: boolean, weight: number): void {
    if (predicted && actual) this.truePositive[j] += weight;
    else if (predicted) this.falsePositive[j] += weight;
    else if (actual) this.falseNegative[j] += weight;
  }

  /** Each metric over every row added so far. */
  values(): MetricValues {
    return Object.fromEntries(this.metrics.map((m) => [m, this.value(m)]));
  }

  private value(metric: Metric): number {
    const rows = this.rows;
    switch (metric) {
      case 'accuracy': return this.accuracy / rows;
      case 'mae': return this.absolute / rows;
      case 'mse': return this.squared / rows;
      case 'r2': return this.average((j) => r2(this.residual[j], this.spread[j]));
      case 'precision': return this.average((j) => ratio(this.truePositive[j], this.truePositive[j] + this.falsePositive[j]));
      case 'recall': return this.average((j) => ratio(this.truePositive[j], this.truePositive[j] + this.falseNegative[j]));
      case 'f1': return this.average((j) => ratio(2 * this.truePositive[j], 2 * this.truePositive[j] + this.falsePositive[j] + this.falseNegative[j]));
    }
  }

  /** Mean over outputs (classes, labels) of a per-output value. */
  private average(of: (j: number) => number): number {
    let sum = 0;
    for (let j = 0; j < this.width; j++) sum += of(j);
    return sum / this.width;
  }
}

/** sklearn's convention for a constant target (SS_tot = 0): 1 when predicted exactly, else 0. */
function r2(residual: number, total: number): number {
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** a/b, and 0 where b is 0 (sklearn's zero_division=0). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** First index of the largest value, as numpy/torch argmax. */
function argmax(v: FloatArray): number {
  let best = 0;
  for (let j = 1; j < v.length; j++) if (v[j] > v[best]) best = j;
  return best;
}
