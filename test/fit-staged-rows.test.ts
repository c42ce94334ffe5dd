// fit copies X's rows into the engine once (src/training/fit-data.ts) and then reads only that
// copy: training, metrics and validation. A callback that writes into the caller's X — NaN or
// other finite values — changes neither the reported metrics nor what early stopping decides.
import { describe, expect, it } from 'vitest';
import { MLP, type Backend, type FitOptions } from '../src/index.js';
import { Random } from '../src/core/random.js';

const SPEC = { layers: [3, 8, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4, dtype: 'float64' } as const;
const ROWS = 64;

function data() {
  const random = new Random(1);
  const X = Float64Array.from({ length: ROWS * 3 }, () => random.normal());
  const labels = Int32Array.from({ length: ROWS }, (_, i) => (X[i * 3] + 0.5 * X[i * 3 + 1] > 0 ? 1 : 0));
  return { X, labels };
}

const vandal = (X: Float64Array | number[][], value: number) => () => {
  if (X instanceof Float64Array) X.fill(value);
  else for (const row of X) row.fill(value);
};

describe.each(['wasm', 'js'] as Backend[])('%s: fit reads the rows it staged, not the caller\'s X', (backend) => {
  const base = (): FitOptions<readonly ['accuracy', 'mae']> => ({ epochs: 6, batchSize: 8, learningRate: 0.05, metrics: ['accuracy', 'mae'] as const });

  for (const [what, value] of [['NaN', Number.NaN], ['other finite values', 3]] as const) {
    it(`a callback writing ${what} into a typed X changes no metric, no validation value, no early-stopping decision`, async () => {
      const reference = await MLP.create({ ...SPEC, backend });
      const net = await MLP.create({ ...SPEC, backend });
      const clean = data();
      const dirty = data();
      const options = { ...base(), validationSplit: 0.25, earlyStopping: { monitor: 'val_accuracy', patience: 1, minDelta: 0.5, restoreBest: true } } as const;
      const expected = reference.fit(clean.X, clean.labels, options);
      const got = net.fit(dirty.X, dirty.labels, { ...options, onEpochEnd: vandal(dirty.X, value), onBatchEnd: vandal(dirty.X, value) });
      expect(Number.isNaN(dirty.X[0]) || dirty.X[0] === 3).toBe(true);
      expect(got.metrics).toEqual(expected.metrics);
      expect(got.valMetrics).toEqual(expected.valMetrics);
      expect(got.valLoss).toEqual(expected.valLoss);
      expect(got.stopReason).toBe(expected.stopReason);
      expect(got.bestEpoch).toBe(expected.bestEpoch);
      expect(net.save()).toEqual(reference.save());
    });
  }

  it('the same for a number[][] X and validationData mutated by a callback', async () => {
    const reference = await MLP.create({ ...SPEC, backend });
    const net = await MLP.create({ ...SPEC, backend });
    const rows = (x: Float64Array) => Array.from({ length: ROWS }, (_, i) => Array.from(x.subarray(i * 3, i * 3 + 3)));
    const clean = data();
    const dirty = data();
    const cleanRows = rows(clean.X);
    const dirtyRows = rows(dirty.X);
    const validation = (r: number[][], labels: Int32Array) => ({ X: r.slice(48), Y: Array.from(labels.subarray(48)) });
    const expected = reference.fit(cleanRows.slice(0, 48), Array.from(clean.labels.subarray(0, 48)), { ...base(), validationData: validation(cleanRows, clean.labels) });
    const got = net.fit(dirtyRows.slice(0, 48), Array.from(dirty.labels.subarray(0, 48)), { ...base(), validationData: validation(dirtyRows, dirty.labels), onEpochEnd: vandal(dirtyRows, Number.NaN) });
    expect(got.metrics).toEqual(expected.metrics);
    expect(got.valLoss).toEqual(expected.valLoss);
    expect(got.valMetrics).toEqual(expected.valMetrics);
    expect(net.save()).toEqual(reference.save());
  });

  it('a NaN in X is still refused before anything changes, naming its row and column', async () => {
    const net = await MLP.create({ ...SPEC, backend });
    const before = net.save();
    const { X, labels } = data();
    const rows = Array.from({ length: ROWS }, (_, i) => Array.from(X.subarray(i * 3, i * 3 + 3)));
    rows[50][2] = Number.NaN;
    expect(() => net.fit(rows, labels, { epochs: 1, validationSplit: 0.25 })).toThrow(/X row 50, column 2/);
    X[50 * 3 + 1] = Number.POSITIVE_INFINITY;
    expect(() => net.fit(X, labels, { epochs: 1 })).toThrow(/X\[151\] \(row 50, column 1\)/);
    expect(() => net.fit(data().X, labels, { epochs: 1, validationData: { X: rows, Y: labels } })).toThrow(/options\.validationData\.X row 50, column 2/);
    expect(net.save()).toEqual(before);
    // And the network trains afterwards: the refused call released its staged rows.
    expect(net.fit(data().X, labels, { epochs: 1 }).epochs).toBe(1);
  });
});
