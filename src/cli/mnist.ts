import { createRequire } from 'node:module';
import { Random } from '../random.js';
import { takeRows, type Samples } from './train-loop.js';

/** One side of the split: flat 784-pixel rows in [0, 1] and their digit labels. */
export interface DigitSet extends Samples {
  Y: Int32Array;
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
  const all = { X, Y: labels, rows: total };
  return { train: takeRows(all, order.subarray(testRows)) as DigitSet, test: takeRows(all, order.subarray(0, testRows)) as DigitSet };
}

