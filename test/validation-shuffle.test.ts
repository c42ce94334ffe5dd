// validationShuffle: a fixed pseudo-random selection of rows is held out instead of the last
// ones (data sorted by class would otherwise validate on one class only). Checked through the
// losses of a network that does not learn (η = 0, output 0): each loss is then the mean of y²
// over the rows it covers, so the training and validation losses show which rows went where.
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.js';
import { permuteRowsInPlace, shuffledOrder } from '../src/training/row-order.js';
import { Random } from '../src/core/random.js';

const ROWS = 50;
const X = Array.from({ length: ROWS }, () => [1]);
const Y = Array.from({ length: ROWS }, (_, i) => i); // sorted, as a data set sorted by class
const meanSquare = (values: number[]) => values.reduce((s, v) => s + v * v, 0) / values.length;

async function frozen() {
  const net = await MLP.create({ layers: [1, 1], activations: ['linear'], dtype: 'float64', backend: 'js' });
  net.setParameters([0, 0]);
  return net;
}

describe('validationShuffle', () => {
  const options = { epochs: 1, learningRate: 0, validationSplit: 0.2, shuffle: false };

  it('without it, the last 20% of the rows validate (as Keras)', async () => {
    const h = (await frozen()).fit(X, Y, options);
    expect(h.valLoss[0]).toBeCloseTo(meanSquare(Y.slice(40)), 9);
    expect(h.loss[0]).toBeCloseTo(meanSquare(Y.slice(0, 40)), 9);
  });

  it('with it, 10 rows from across the data validate, the other 40 train, the same rows every call', async () => {
    const a = (await frozen()).fit(X, Y, { ...options, validationShuffle: true });
    const b = (await frozen()).fit(X, Y, { ...options, validationShuffle: true });
    expect(b.valLoss).toEqual(a.valLoss);
    // The two sets partition the rows: their sums of squares add up to the whole set's.
    expect(40 * a.loss[0] + 10 * a.valLoss[0]).toBeCloseTo(ROWS * meanSquare(Y), 6);
    // Not the last rows (mean square 2,028.5), nor the first (228.5): rows from across the range.
    expect(a.valLoss[0]).toBeLessThan(0.8 * meanSquare(Y.slice(40)));
    expect(a.valLoss[0]).toBeGreaterThan(2 * meanSquare(Y.slice(0, 10)));
  });

  it('trains and validates exactly as a fit on the rows put in its order beforehand (weights follow their rows)', async () => {
    const rows = 23;
    const random = new Random(5);
    const x = Array.from({ length: rows }, () => [(2 * random.next() - 1), (2 * random.next() - 1), (2 * random.next() - 1)]);
    const y = Array.from({ length: rows }, () => [(2 * random.next() - 1), (2 * random.next() - 1)]);
    const w = Array.from({ length: rows }, () => (0.5 + 1.5 * random.next()));
    const order = Array.from(shuffledOrder(rows));
    const spec = { layers: [3, 4, 2], activations: ['tanh', 'linear'], seed: 9 } as const;
    const fitOptions = { epochs: 3, batchSize: 5, validationSplit: 0.3, metrics: ['mae'] } as const;
    for (const backend of ['wasm', 'js'] as const) {
      const shuffled = await MLP.create({ ...spec, backend });
      const h = shuffled.fit(x, y, { ...fitOptions, validationShuffle: true, sampleWeight: w });
      const ordered = await MLP.create({ ...spec, backend });
      const g = ordered.fit(order.map((r) => x[r]!), order.map((r) => y[r]!), { ...fitOptions, sampleWeight: order.map((r) => w[r]!) });
      expect({ ...h, elapsedMs: [] }).toEqual({ ...g, elapsedMs: [] });
      expect(Array.from(shuffled.getParameters())).toEqual(Array.from(ordered.getParameters()));
    }
  });

  it('permuteRowsInPlace puts row order[i] at row i, for any permutation and width', () => {
    const random = new Random(11);
    for (const [rows, width] of [[1, 1], [2, 3], [7, 1], [50, 4], [97, 2]] as const) {
      const order = Int32Array.from({ length: rows }, (_, i) => i);
      random.shuffle(order);
      const values = Float64Array.from({ length: rows * width }, (_, i) => i);
      const expected = Array.from(order).flatMap((r) => Array.from(values.subarray(r * width, (r + 1) * width)));
      permuteRowsInPlace(values, width, order);
      expect(Array.from(values)).toEqual(expected);
    }
  });

  it('is checked as a boolean', async () => {
    const net = await frozen();
    expect(() => net.fit(X, Y, { validationSplit: 0.2, validationShuffle: 'yes' as never })).toThrow('fit: options.validationShuffle must be true or false, got "yes"');
  });
});
