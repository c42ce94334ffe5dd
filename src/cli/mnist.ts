import { createRequire } from 'node:module';
import { Random } from '../random.js';

/** One side of the split: flat 784-pixel rows in [0, 1] and their digit labels. */
export interface DigitSet {
  X: Float32Array;
  labels: Int32Array;
  rows: number;
}

/** Pixels per digit (28 × 28). */
export const PIXELS = 784;

interface MnistDigit { id: number; raw: number[]; length: number }

/**
 * The 10,000 MNIST digits shipped by the `mnist` package (a devDependency: the data is not part
 * of the library), shuffled with a fixed seed and split into train and test sets. We read the
 * package's raw pixel arrays rather than its `set()`, which shuffles with Math.random.
 */
export function loadMnist(testFraction = 0.2, seed = 0): { train: DigitSet; test: DigitSet } {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const total = digits.reduce((n, d) => n + d.length, 0);
  const X = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  for (const digit of digits) {
    for (let i = 0; i < digit.length; i++, row++) {
      for (let p = 0; p < PIXELS; p++) X[row * PIXELS + p] = digit.raw[i * PIXELS + p];
      labels[row] = digit.id;
    }
  }
  // The package stores the digits grouped by class, so a split without shuffling would test on 9s only.
  const order = Int32Array.from({ length: total }, (_, i) => i);
  new Random(seed).shuffle(order);
  const testRows = Math.round(total * testFraction);
  return { train: gather(X, labels, order.subarray(testRows)), test: gather(X, labels, order.subarray(0, testRows)) };
}

/** The rows of (X, labels) at the given indices, in that order. */
export function gather(X: Float32Array, labels: Int32Array, indices: ArrayLike<number>): DigitSet {
  const rows = indices.length;
  const width = X.length / labels.length;
  const out: DigitSet = { X: new Float32Array(rows * width), labels: new Int32Array(rows), rows };
  for (let i = 0; i < rows; i++) {
    const from = indices[i];
    out.X.set(X.subarray(from * width, (from + 1) * width), i * width);
    out.labels[i] = labels[from];
  }
  return out;
}

/** Index of the largest value in each row of a flat rows × classes array. */
export function argmaxRows(outputs: ArrayLike<number>, classes: number): Int32Array {
  const rows = outputs.length / classes;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (outputs[i * classes + j] > outputs[i * classes + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** counts[true][predicted]. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
  return counts;
}

/** The matrix as aligned text, rows the true class, columns the predicted one. */
export function formatConfusion(counts: number[][], names: readonly string[]): string[] {
  const width = Math.max(4, ...counts.flat().map((c) => String(c).length + 1), ...names.map((n) => n.length + 1));
  const cell = (s: string) => s.padStart(width);
  const label = Math.max(...names.map((n) => n.length), 'true'.length);
  const lines = [`${'true'.padEnd(label)} ${names.map(cell).join('')}   ← predicted`];
  counts.forEach((row, i) => lines.push(`${names[i].padEnd(label)} ${row.map((c) => cell(String(c))).join('')}`));
  return lines;
}
