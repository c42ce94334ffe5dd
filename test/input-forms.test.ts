// The forms users pass data and files in: one sample to predict, one target per sample for a
// one-output network, and bytes as ArrayBuffer (what fetch().arrayBuffer() gives).
import { describe, expect, it } from 'vitest';
import { MLP, ShapeError, ValueError } from '../src/index.js';

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const create = () => MLP.create({ layers: [2, 5, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', seed: 2, dtype: 'float64' });

describe('predict of one sample', () => {
  it('returns the one row predict([[…]]) gives', async () => {
    const net = await create();
    expect(net.predict([0, 1])).toEqual(net.predict([[0, 1]])[0]);
    expect(net.predict([0, 1])).toHaveLength(1);
  });

  it('refuses a sample of the wrong width, suggesting rows', async () => {
    const net = await create();
    expect(() => net.predict([1, 2, 3])).toThrow(ShapeError);
    expect(() => net.predict([1, 2, 3])).toThrow("predict: X is one sample of 3 values, but the network takes 2 inputs; for several samples pass one row each, e.g. [[1, 2, …], …]");
  });

  it('on a one-input network, one number is one sample', async () => {
    const net = await MLP.create({ layers: [1, 3, 2], activations: ['relu', 'linear'], seed: 1 });
    expect(net.predict([0.5])).toEqual(net.predict([[0.5]])[0]);
    expect(() => net.predict([0.5, 0.7])).toThrow('for several samples pass one row each, e.g. [[0.5, 0.7], …]');
  });
});

describe('one target per sample for a one-output network', () => {
  it('trains exactly as the same targets in rows', async () => {
    const [a, b] = [await create(), await create()];
    const options = { epochs: 20, batchSize: 2, learningRate: 0.5 };
    const flat = a.fit(X, [0, 1, 1, 0], options);
    const rows = b.fit(X, [[0], [1], [1], [0]], options);
    expect(flat.loss).toEqual(rows.loss);
    expect(a.getParameters()).toEqual(b.getParameters());
    expect(a.loss(X, [0, 1, 1, 0])).toBe(b.loss(X, [[0], [1], [1], [0]]));
    expect(a.evaluate(X, [0, 1, 1, 0], { metrics: ['accuracy'] })).toEqual(b.evaluate(X, [[0], [1], [1], [0]], { metrics: ['accuracy'] }));
  });

  it('checks each target: the range of the loss, the count of rows', async () => {
    const net = await create();
    const before = net.getParameters();
    expect(() => net.fit(X, [0, 1, 2, 0])).toThrow('fit: Y[2] must be a number in [0, 1], got 2');
    expect(() => net.fit(X, [0, 1, 1])).toThrow('fit: Y has 3 rows, expected 4 (one per row of X)');
    expect(() => net.step(X, [0, 1, Number.NaN, 0])).toThrow(ValueError);
    expect(net.getParameters()).toEqual(before);
  });

  it('a network with two outputs still needs rows', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['linear'] });
    expect(() => net.loss(X, [0, 1, 1, 0])).toThrow(ValueError);
  });
});

describe('bytes as ArrayBuffer', () => {
  it('MLP.load and MLP.fromSafetensors take the ArrayBuffer fetch() gives', async () => {
    const net = await create();
    const copy = (bytes: Uint8Array) => bytes.slice().buffer;
    expect((await MLP.load(copy(net.save()))).getParameters()).toEqual(net.getParameters());
    expect((await MLP.fromSafetensors(copy(net.toSafetensors()))).getParameters()).toEqual(net.getParameters());
  });
});

describe("the 'mse' metric (as Keras users type it)", () => {
  it('is the mean squared error over samples and outputs, which an mse network reports as its loss', async () => {
    const net = await MLP.create({ layers: [2, 3, 2], activations: ['tanh', 'linear'], dtype: 'float64', seed: 4 });
    const Y2 = [[0.5, -1], [1, 0], [0, 2], [-1, 1]];
    const { loss, metrics } = net.evaluate(X, Y2, { metrics: ['mse', 'mae'] });
    expect(metrics.mse).toBeCloseTo(loss, 12);
    const out = net.predict(X);
    const mae = out.flatMap((row, i) => row.map((v, j) => Math.abs(v - Y2[i][j]))).reduce((a, b) => a + b) / 8;
    expect(metrics.mae).toBeCloseTo(mae, 12);
    const h = net.fit(X, Y2, { epochs: 3, metrics: ['mse'], validationSplit: 0.5, earlyStopping: { monitor: 'val_mse', patience: 5 } });
    expect(h.metrics.mse).toHaveLength(3);
    expect(h.valMetrics.mse).toHaveLength(3);
  });
});
