// fit's options: validation, metrics, early stopping, thresholds, callbacks, abort, and
// argument checking. Expected values come from the network's own loss/predict on the same
// weights, or from steps taken by hand.
import { describe, expect, it } from 'vitest';
import { MLP, ShapeError, ValueError, type Backend, type DType } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { maxRelativeError } from './helpers.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

function blobs(n: number, seed: number) {
  const random = new Random(seed);
  const centres = [[2, 0], [-1, 1.7], [-1, -1.7]];
  const X: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = random.int(3);
    X.push([centres[c][0] + random.normal() * 0.8, centres[c][1] + random.normal() * 0.8]);
    labels.push(c);
  }
  return { X, labels };
}

const classifier = (backend: Backend = 'wasm', dtype: DType = 'float64', seed = 4) =>
  MLP.create({ layers: [2, 8, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', backend, dtype, seed });

describe('validation', () => {
  it('validationSplit holds out the last fraction (Keras): valLoss is the loss on those rows after the epoch', async () => {
    const { X, labels } = blobs(50, 1);
    const net = await classifier();
    const last: number[] = [];
    const history = net.fit(X, labels, { epochs: 3, validationSplit: 0.2, learningRate: 0.1, onEpochEnd: (_, logs) => void last.push(logs.valLoss!) });
    expect(history.valLoss).toEqual(last);
    expect(history.valLoss[2]).toBeCloseTo(net.loss(X.slice(40), labels.slice(40)), 12);
    // The 40 training rows alone give the same training run.
    const twin = await classifier();
    twin.fit(X.slice(0, 40), labels.slice(0, 40), { epochs: 3, learningRate: 0.1 });
    expect(Array.from(twin.getParameters())).toEqual(Array.from(net.getParameters()));
  });

  it('validationData is evaluated each epoch with the requested metrics', async () => {
    const { X, labels } = blobs(60, 2);
    const val = blobs(30, 3);
    const net = await classifier();
    const history = net.fit(X, labels, { epochs: 4, learningRate: 0.2, metrics: ['accuracy', 'mae'], validationData: { X: val.X, Y: val.labels } });
    expect(history.valLoss).toHaveLength(4);
    const now = net.evaluate(val.X, val.labels, { metrics: ['accuracy', 'mae'] });
    expect(history.valLoss[3]).toBe(now.loss);
    expect(history.valMetrics.accuracy![3]).toBe(now.metrics.accuracy);
    expect(history.metrics.accuracy![3]).toBe(net.evaluate(X, labels, { metrics: ['accuracy'] }).metrics.accuracy);
  });

  it('rejects a split that leaves no sample on one side, and both kinds of validation at once', async () => {
    const net = await classifier();
    expect(() => net.fit(XOR_X, [0, 1, 1, 0], { validationSplit: 0.9 })).toThrow(ShapeError); // ⌊4·0.1⌋ = 0 left to train
    expect(() => net.fit(XOR_X, [0, 1, 1, 0], { validationSplit: 1 })).toThrow(/below 1/);
    expect(() => net.fit(XOR_X, [0, 1, 1, 0], { validationSplit: 0.5, validationData: { X: XOR_X, Y: [0, 1, 1, 0] } })).toThrow(/not both/);
    expect(() => net.fit(XOR_X, [0, 1, 1, 0], { validationData: { X: XOR_X, Y: [0, 1] } })).toThrow(/options\.validationData\.Y has 2 rows, expected 4/);
  });
});

describe('metrics and evaluate', () => {
  it('accuracy is argmax agreement for softmax; mae is mean |output − target| over outputs', async () => {
    const { X, labels } = blobs(40, 5);
    const net = await classifier();
    net.fit(X, labels, { epochs: 2, learningRate: 0.05 });
    const p = net.predict(X) as number[][];
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    const accuracy = p.filter((row, i) => argmax(row) === labels[i]).length / 40;
    const mae = p.reduce((s, row, i) => s + row.reduce((t, v, j) => t + Math.abs(v - Number(j === labels[i])), 0) / 3, 0) / 40;
    const result = net.evaluate(X, labels, { metrics: ['accuracy', 'mae'] });
    expect(result.metrics.accuracy).toBe(accuracy);
    expect(result.metrics.mae).toBeCloseTo(mae, 14);
    expect(result.loss).toBeCloseTo(net.loss(X, labels), 14);
  });

  it('accuracy thresholds a sigmoid output at 0.5, per output', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['sigmoid'], loss: 'binary-cross-entropy', dtype: 'float64' });
    net.setParameters([1, 0, 0, 1, 0, 0]); // outputs sigmoid(x0), sigmoid(x1)
    const X = [[1, -1], [-1, -1], [2, 3]];
    const Y = [[1, 1], [0, 0], [0, 1]];
    // row 0: 1 of 2 right; row 1: 2 of 2; row 2: 1 of 2.
    expect(net.evaluate(X, Y, { metrics: ['accuracy'] }).metrics.accuracy).toBeCloseTo(4 / 6, 15);
  });

  it('evaluate works in chunks on sets larger than one chunk, with the same mean loss', async () => {
    const random = new Random(3);
    const X = Float64Array.from({ length: 2500 * 2 }, () => random.normal());
    const Y = Float64Array.from({ length: 2500 }, () => random.normal());
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['relu', 'linear'], dtype: 'float64', seed: 3 });
    expect(maxRelativeError([net.evaluate(X, Y).loss], [net.loss(X, Y)])).toBeLessThan(1e-13);
  });

  it('rejects unknown metrics and accuracy on a single linear output', async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    expect(() => net.evaluate(XOR_X, XOR_Y, { metrics: ['auc' as never] })).toThrow(/options\.metrics\[0\] must be one of 'accuracy', 'mae', 'mse', 'r2', 'precision', 'recall', 'f1', got "auc"/);
    expect(() => net.fit(XOR_X, XOR_Y, { metrics: ['accuracy'] })).toThrow(/needs a sigmoid output/);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without improvement and restoreBest puts back the best epoch\'s weights', async () => {
    // Validation targets are the opposite of the training targets: validation loss rises while training works.
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', dtype: 'float64', seed: 11 });
    const snapshots: number[][] = [];
    const history = net.fit(XOR_X, XOR_Y, {
      epochs: 200, batchSize: 4, learningRate: 0.5, validationData: { X: XOR_X, Y: XOR_Y.map(([y]) => [1 - y]) },
      earlyStopping: { patience: 3, restoreBest: true },
      onEpochEnd: () => void snapshots.push(Array.from(net.getParameters())),
    });
    expect(history.stopReason).toBe('early-stopping');
    const best = history.valLoss.indexOf(Math.min(...history.valLoss));
    expect(history.bestEpoch).toBe(best);
    expect(history.epochs).toBe(best + 4);
    for (let e = best + 1; e < history.epochs; e++) expect(history.valLoss[e]).toBeGreaterThanOrEqual(history.valLoss[best]);
    expect(Array.from(net.getParameters())).toEqual(snapshots[best]);
    expect(Array.from(net.getParameters())).not.toEqual(snapshots[snapshots.length - 1]);
  });

  it('without restoreBest keeps the last weights; minDelta demands a real improvement; accuracy is maximised', async () => {
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 2 });
    const h = net.fit(XOR_X, XOR_Y, { epochs: 500, batchSize: 4, learningRate: 0.05, earlyStopping: { monitor: 'loss', minDelta: 1, patience: 2 } });
    expect(h.stopReason).toBe('early-stopping');
    expect(h.epochs).toBe(3); // no epoch beats the first by 1
    expect(h.bestEpoch).toBe(0);
    const { X, labels } = blobs(30, 9);
    const c = await classifier();
    const hc = c.fit(X, labels, { epochs: 300, learningRate: 0.3, metrics: ['accuracy'], earlyStopping: { monitor: 'accuracy', patience: 5 } });
    const acc = hc.metrics.accuracy!;
    expect(hc.stopReason).toBe('early-stopping');
    expect(acc[hc.bestEpoch!]).toBe(Math.max(...acc));
  });

  it('rejects monitors fit cannot produce', async () => {
    const net = await classifier();
    expect(() => net.fit(XOR_X, [0, 1, 2, 0], { earlyStopping: { monitor: 'val_loss' } })).toThrow(/'val_loss', which needs validation data/);
    expect(() => net.fit(XOR_X, [0, 1, 2, 0], { earlyStopping: { monitor: 'accuracy' } })).toThrow(/needs 'accuracy' in options\.metrics/);
    expect(() => net.fit(XOR_X, [0, 1, 2, 0], { earlyStopping: { patience: -1 } })).toThrow(/patience must be an integer ≥ 0, got -1/);
  });
});

describe('stopping', () => {
  it('errorThreshold stops at the first epoch whose training loss is below it', async () => {
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 3 });
    const h = net.fit(XOR_X, XOR_Y, { epochs: 5000, batchSize: 4, learningRate: 0.1, errorThreshold: 0.01 });
    expect(h.stopReason).toBe('error-threshold');
    expect(h.loss[h.epochs - 1]).toBeLessThan(0.01);
    expect(h.loss.slice(0, -1).every((l) => l >= 0.01)).toBe(true);
  });

  it('onBatchEnd sees each batch (last one partial) and can stop mid-epoch', async () => {
    const X = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]];
    const Y = [[1], [2], [3], [4], [5]];
    const a = await MLP.create({ layers: [2, 1], activations: ['linear'], dtype: 'float64', seed: 1 });
    const b = await MLP.create({ layers: [2, 1], activations: ['linear'], dtype: 'float64', seed: 1 });
    const seen: [number, number, number][] = [];
    const h = a.fit(X, Y, { epochs: 3, batchSize: 2, optimizer: { type: 'sgd' }, learningRate: 0.001, shuffle: false, onBatchEnd: (batch, logs) => (seen.push([logs.epoch, batch, logs.size]), !(logs.epoch === 1 && batch === 1)) });
    expect(seen).toEqual([[0, 0, 2], [0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 1, 2]]);
    expect(h.stopReason).toBe('callback');
    expect(h.epochs).toBe(2);
    const steps = [[0, 2], [2, 4], [4, 5], [0, 2], [2, 4]];
    const losses = steps.map(([s, e]) => b.step(X.slice(s, e), Y.slice(s, e), { learningRate: 0.001 }));
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
    expect(h.loss[1]).toBeCloseTo((losses[3] * 2 + losses[4] * 2) / 4, 12); // the partial epoch's mean
  });

  it.each(['wasm', 'js'] as const)('one call per batch (%s, with onBatchEnd) trains exactly as one call per epoch', async (backend) => {
    const run = async (perBatch: boolean) => {
      const net = await MLP.create({ layers: [2, 5, 1], activations: ['relu', 'linear'], backend, dropout: 0.2, seed: 6 });
      const h = net.fit(XOR_X.concat(XOR_X), XOR_Y.concat(XOR_Y), { epochs: 5, batchSize: 3, optimizer: { type: 'adam' }, ...(perBatch ? { onBatchEnd: () => true } : {}) });
      return [h.loss, Array.from(net.getParameters())];
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('an aborted signal stops before the next epoch (or batch), and fitAsync lets a timer abort it', async () => {
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'linear'], seed: 1 });
    const before = Array.from(net.getParameters());
    const h0 = net.fit(XOR_X, XOR_Y, { epochs: 5, signal: AbortSignal.abort() });
    expect([h0.epochs, h0.stopReason]).toEqual([0, 'aborted']);
    expect(Array.from(net.getParameters())).toEqual(before);
    const controller = new AbortController();
    const h1 = net.fit(XOR_X, XOR_Y, { epochs: 5, batchSize: 1, signal: controller.signal, onBatchEnd: (b) => void (b === 1 && controller.abort()) });
    expect([h1.epochs, h1.stopReason]).toEqual([1, 'aborted']);
    // The timer starts once an epoch has trained: on a loaded machine a timer started before the
    // call could fire before fitAsync's first epoch.
    const late = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEpochEnd = () => void (timer ??= setTimeout(() => late.abort(), 30));
    const h2 = await net.fitAsync(XOR_X, XOR_Y, { epochs: 1e6, signal: late.signal, onEpochEnd });
    expect(h2.stopReason).toBe('aborted');
    expect(h2.epochs).toBeGreaterThan(0);
    expect(h2.epochs).toBeLessThan(1e6);
  });

  it('fitAsync trains exactly as fit', async () => {
    const { X, labels } = blobs(50, 12);
    const options = { epochs: 4, batchSize: 6, optimizer: { type: 'adam' as const }, validationSplit: 0.2, schedule: { type: 'exponential' as const, gamma: 0.7 } };
    const a = await classifier('wasm', 'float32', 3);
    const b = await classifier('wasm', 'float32', 3);
    const ha = a.fit(X, labels, options);
    const hb = await b.fitAsync(X, labels, options);
    expect(hb.loss).toEqual(ha.loss);
    expect(hb.valLoss).toEqual(ha.valLoss);
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
  });

  it('fitAsync lets a timer abort in the middle of a long epoch (it yields between batches every ~16 ms)', async () => {
    const random = new Random(1);
    const X = Float32Array.from({ length: 40000 * 2 }, () => random.normal());
    const Y = Float32Array.from({ length: 40000 }, () => random.normal());
    const net = await MLP.create({ layers: [2, 32, 32, 1], activations: ['relu', 'relu', 'linear'], seed: 1 });
    const controller = new AbortController();
    let batches = 0;
    let ticks = 0;
    const before = Array.from(net.getParameters());
    const timer = setInterval(() => void (ticks++ === 2 && controller.abort()), 1);
    const h = await net.fitAsync(X, Y, { epochs: 3, batchSize: 1, signal: controller.signal, onBatchEnd: () => void batches++ });
    clearInterval(timer);
    expect(h.stopReason).toBe('aborted');
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(40000);
    // fitAsync keeps the last completed epoch (issue 5): the cut-short first epoch is undone.
    expect(h.epochs).toBe(0);
    expect(net.epoch).toBe(0);
    expect(Array.from(net.getParameters())).toEqual(before);
  });

  it('fitAsync refuses a second concurrent fit and reports a dispose in between', async () => {
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'linear'] });
    const running = net.fitAsync(XOR_X, XOR_Y, { epochs: 1e6 }); // far more than one ~16 ms slice
    expect(() => net.fit(XOR_X, XOR_Y)).toThrow('fit: this network is already training in a fitAsync that has not finished; await it (or abort it through its signal) first');
    net.dispose();
    await expect(running).rejects.toThrow(/disposed/);
  });
});

it('fit called from its own callback is refused with a message about fit, not fitAsync', async () => {
  const net = await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'linear'] });
  const errors: unknown[] = [];
  net.fit(XOR_X, XOR_Y, { epochs: 1, onEpochEnd: () => { try { net.fit(XOR_X, XOR_Y); } catch (e) { errors.push(e); } } });
  expect(errors).toHaveLength(1);
  expect((errors[0] as Error).message).toBe('fit: this network is already training in fit (called from one of its callbacks?); call it after fit returns');
});

describe('argument checking leaves the network unchanged', () => {
  it.each([
    [{ epochs: 0 }, /options\.epochs must be an integer ≥ 1, got 0/],
    [{ batchSize: 1.5 }, /options\.batchSize must be an integer ≥ 1, got 1\.5/],
    [{ learningRate: -1 }, /options\.learningRate must be a number ≥ 0, got -1/],
    [{ validationSplit: 'x' }, /options\.validationSplit must be a number in \[0, 1\], got "x"/],
    [{ errorThreshold: NaN }, /options\.errorThreshold must be a number ≥ 0, got NaN/],
    [{ onBatchEnd: 3 }, /options\.onBatchEnd must be a function, got 3/],
    [{ signal: {} }, /options\.signal must be an AbortSignal/],
    [{ earlyStopping: { restoreBest: 'yes' } }, /restoreBest must be true or false/],
    [{ metrics: 'mae' }, /options\.metrics must be an array/],
  ])('%o', async (options, message) => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 8 });
    const before = Array.from(net.getParameters());
    expect(() => net.fit(XOR_X, XOR_Y, options as never)).toThrow(ValueError);
    expect(() => net.fit(XOR_X, XOR_Y, options as never)).toThrow(message);
    expect(Array.from(net.getParameters())).toEqual(before);
    expect(net.epoch).toBe(0);
  });
});

describe('wasm and js agree on a fit with every option', () => {
  it.each(['float64', 'float32'] as const)('%s', async (dtype) => {
    const { X, labels } = blobs(45, 6);
    const run = async (backend: Backend) => {
      const net = await classifier(backend, dtype, 21);
      const batches: number[] = [];
      const h = net.fit(X, labels, {
        epochs: 6, batchSize: 7, learningRate: 0.2, schedule: { type: 'warmup', epochs: 2, then: { type: 'cosine', tMax: 4 } },
        validationSplit: 0.2, metrics: ['accuracy', 'mae'], onBatchEnd: (_, l) => void batches.push(l.loss),
      });
      return { h, batches, theta: Array.from(net.getParameters()) };
    };
    const w = await run('wasm');
    const j = await run('js');
    const tol = dtype === 'float64' ? 1e-12 : 1e-4;
    expect(maxRelativeError(w.theta, j.theta)).toBeLessThan(tol);
    expect(maxRelativeError(w.h.loss, j.h.loss)).toBeLessThan(tol);
    expect(maxRelativeError(w.h.valLoss, j.h.valLoss)).toBeLessThan(tol);
    expect(maxRelativeError(w.batches, j.batches)).toBeLessThan(tol);
    expect(w.h.learningRate).toEqual(j.h.learningRate);
  });
});

describe('options.optimizer', () => {
  it('installs the optimizer, whose rate becomes the base rate; the same config in a later fit keeps its state', async () => {
    const adam = { type: 'adam', learningRate: 0.05 } as const;
    const once = await MLP.create({ layers: [2, 6, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 4 });
    const h = once.fit(XOR_X, XOR_Y, { epochs: 4, batchSize: 2, optimizer: adam });
    expect(h.learningRate).toEqual([0.05, 0.05, 0.05, 0.05]);
    expect(once.optimizer).toMatchObject({ type: 'adam', learningRate: 0.05, beta1: 0.9 });
    const twice = await MLP.create({ layers: [2, 6, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 4 });
    twice.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2, optimizer: adam });
    twice.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2, optimizer: adam });
    expect(Array.from(twice.getParameters())).toEqual(Array.from(once.getParameters()));
  });

  it('a different config starts fresh state: as if set before the fit', async () => {
    const a = await MLP.create({ layers: [2, 6, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 4 });
    const b = await MLP.create({ layers: [2, 6, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 4 });
    a.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2, optimizer: { type: 'adam' } });
    b.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2, optimizer: { type: 'adam' } });
    a.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2, optimizer: { type: 'rmsprop' } });
    b.setOptimizer({ type: 'rmsprop' });
    b.fit(XOR_X, XOR_Y, { epochs: 2, batchSize: 2 });
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
  });

  it('a bad optimizer is rejected before anything changes', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 8 });
    const before = Array.from(net.getParameters());
    expect(() => net.fit(XOR_X, XOR_Y, { optimizer: { type: 'adam', beta1: 1 } })).toThrow(/options\.optimizer\.beta1 must be a number in \[0, 1\)/);
    expect(net.optimizer.type).toBe('sgd');
    expect(Array.from(net.getParameters())).toEqual(before);
  });
});
