// Normalization layers: finite-difference gradients for both norms, train mode (batch
// statistics) in loss/gradient/step/fit and eval mode (running statistics) in predict and
// evaluate, running statistics untouched by everything but an applied step, γ and β as ordinary
// parameters, and bad input refused with errors that name the argument.
import { describe, expect, it } from 'vitest';
import { MLP, DivergenceError, ValueError, type Normalization } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { centralDifferences, randomData, type NetSpec } from './helpers.js';

const spec: NetSpec = { layers: [4, 7, 6, 3], activations: ['tanh', 'gelu', 'softmax'], loss: 'cross-entropy' };
const running = (net: MLP) => net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar, s.batchesTracked]);

describe.each(['wasm', 'js'] as const)('on %s', (backend) => {
  it.each([
    [['layer-norm', 'layer-norm']],
    [['batch-norm', 'batch-norm']],
    [['batch-norm', null]],
    [[null, 'layer-norm']],
  ] as const)('finite differences agree with the gradient (float64), %j', async (normalization) => {
    for (const s of [spec, { layers: [3, 5, 2], activations: ['relu', 'linear'], loss: 'mse' } as NetSpec]) {
      const net = await MLP.create({ ...s, normalization: normalization.slice(0, s.layers.length - 2) as Normalization[], backend, dtype: 'float64', seed: 2 });
      const { X, Y } = randomData(s, 6, 3);
      // γ and β away from 1 and 0, biases off the ReLU kink.
      const noise = new Random(9);
      net.setParameters(net.getParameters().map((v) => v + 0.2 * noise.normal()));
      const analytic = net.gradient(X, Y);
      const numeric = centralDifferences(net, X, Y);
      expect(analytic.length).toBe(net.parameterCount);
      for (let i = 0; i < analytic.length; i++) expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric[i])));
      net.dispose();
    }
  });

  it('θ holds γ = 1 and β = 0 after each normalized layer\'s weights and bias, as Sequential.parameters()', async () => {
    const net = await MLP.create({ ...spec, normalization: ['batch-norm', null], backend });
    expect(net.parameterCount).toBe(4 * 7 + 7 + 2 * 7 + 7 * 6 + 6 + 6 * 3 + 3);
    const layer = net.layout.layers[0];
    expect(layer.normOffset).toBe(4 * 7 + 7);
    const theta = net.getParameters();
    expect(Array.from(theta.subarray(layer.normOffset, layer.normOffset + 14))).toEqual([...Array(7).fill(1), ...Array(7).fill(0)]);
    expect(net.layout.layers[1].weightOffset).toBe(4 * 7 + 7 + 14);
    expect(net.layout.layers[1].normOffset).toBe(-1);
    // The summary names the norm before the activation and counts γ and β in the layer.
    expect(net.summary()).toContain(`dense 0  4 → 7  batch-norm → tanh  -                49`);
    expect(net.summary()).toContain(`dense 1  7 → 6  gelu               -                48`);
    net.dispose();
  });

  it('loss and gradient use the batch statistics and leave the running ones; predict and evaluate use the running ones', async () => {
    const net = await MLP.create({ ...spec, normalization: ['batch-norm', 'layer-norm'], backend, dtype: 'float64', seed: 1 });
    const { X, Y } = randomData(spec, 10, 4);
    const start = running(net);
    expect(start).toEqual([...Array(7).fill(0), ...Array(7).fill(1), 0]);
    const trainLoss = net.loss(X, Y);
    net.gradient(X, Y);
    expect(running(net)).toEqual(start);
    // Running statistics at their start (mean 0, variance 1) make the norm nearly the identity,
    // so eval mode differs from train mode.
    const evalLoss = net.evaluate(X, Y).loss;
    expect(Math.abs(evalLoss - trainLoss)).toBeGreaterThan(1e-3);
    net.step(X, Y, { learningRate: 0.1 });
    const after = running(net);
    expect(after.at(-1)).toBe(1);
    expect(after).not.toEqual(start);
    // predict is eval mode: its outputs give evaluate's loss.
    const P = net.predict(X) as Float64Array;
    let crossEntropy = 0;
    for (let i = 0; i < 30; i++) crossEntropy -= (Y[i] * Math.log(P[i])) / 10;
    expect(net.evaluate(X, Y).loss).toBeCloseTo(crossEntropy, 12);
    net.dispose();
  });

  it('a step the divergence guard refuses changes neither θ nor the running statistics', async () => {
    const regression: NetSpec = { layers: [4, 7, 6, 3], activations: ['tanh', 'relu', 'linear'], loss: 'mse' };
    const net = await MLP.create({ ...regression, normalization: ['batch-norm', 'batch-norm'], backend, dtype: 'float64', seed: 1 });
    const { X, Y } = randomData(regression, 8, 4);
    net.step(X, Y, { learningRate: 0.1 });
    // Output weights of 1e200: the squared error overflows, so the loss is not finite.
    const last = net.layout.layers[2];
    const theta = net.getParameters().map((v, i) => (i >= last.weightOffset && i < last.biasOffset ? v * 1e200 : v));
    net.setParameters(theta);
    const before = running(net);
    expect(() => net.step(X, Y, { learningRate: 0.1 })).toThrow(DivergenceError);
    expect(net.getParameters()).toEqual(theta);
    expect(running(net)).toEqual(before);
    expect(before.at(-1)).toBe(1);
    net.dispose();
  });

  it("early stopping's restoreBest puts back the best epoch's running statistics with its θ", async () => {
    const regression: NetSpec = { layers: [4, 8, 6, 2], activations: ['relu', 'tanh', 'linear'], loss: 'mse' };
    const make = () => MLP.create({ ...regression, normalization: ['batch-norm', 'batch-norm'], backend, dtype: 'float64', seed: 3 });
    const { X, Y } = randomData(regression, 24, 6);
    const validation = randomData(regression, 12, 7);
    const options = { batchSize: 6, optimizer: { type: 'adam', learningRate: 0.05 }, validationData: { X: validation.X, Y: validation.Y } } as const;
    const stopped = await make();
    const history = stopped.fit(X, Y, { ...options, epochs: 60, earlyStopping: { patience: 2, restoreBest: true } });
    expect(history.stopReason).toBe('early-stopping');
    const best = history.bestEpoch!;
    expect(history.loss.length).toBeGreaterThan(best + 1);
    // The same training run up to the best epoch: the same θ, running statistics and count.
    const reference = await make();
    reference.fit(X, Y, { ...options, epochs: best + 1 });
    expect(stopped.getParameters()).toEqual(reference.getParameters());
    expect(running(stopped)).toEqual(running(reference));
    expect(running(stopped).at(-1)).toBe(4 * (best + 1));
    [stopped, reference].forEach((n) => n.dispose());
  });

  it('layer norm keeps no running statistics and is the same in train and eval mode', async () => {
    const net = await MLP.create({ ...spec, normalization: ['layer-norm', 'layer-norm'], backend, dtype: 'float64', seed: 1 });
    const { X, Y } = randomData(spec, 5, 4);
    expect(net.getRunningStatistics()).toEqual([]);
    expect(net.evaluate(X, Y).loss).toBe(net.loss(X, Y));
    // Its trace works sample by sample (a row is normalized on its own).
    expect(net.trace(X, Y).loss).toBe(net.loss(X, Y));
    net.dispose();
  });

  it('batch norm refuses a training batch of one row, as PyTorch, changing nothing; predict takes one row', async () => {
    const net = await MLP.create({ ...spec, normalization: [null, 'batch-norm'], backend, seed: 1 });
    const { X, Y } = randomData(spec, 9, 4);
    const x1 = Array.from(X.subarray(0, 4));
    const y1 = Array.from(Y.subarray(0, 3));
    const theta = net.getParameters();
    for (const call of [() => net.step([x1], [y1]), () => net.loss([x1], [y1]), () => net.gradient([x1], [y1])]) {
      expect(call).toThrow(ValueError);
      expect(call).toThrow(/batch has 1 row, but batch-norm \(layer 1\) .*at least 2 .*Expected more than 1 value per channel/);
    }
    expect(() => net.trace(X, Y)).toThrow(/trace: each sample's own pass has 1 row, but batch-norm \(layer 1\)/);
    // 9 rows in batches of 4: the last has one row.
    expect(() => net.fit(X, Y, { epochs: 1, batchSize: 4 })).toThrow(/fit: the last batch of each epoch \(9 training rows in batches of 4\) has 1 row/);
    await expect(net.fitAsync(X, Y, { epochs: 1, batchSize: 8 })).rejects.toThrow(/fitAsync: the last batch of each epoch/);
    expect(net.getParameters()).toEqual(theta);
    expect(net.epoch).toBe(0);
    expect((net.predict(x1) as number[]).length).toBe(3);
    expect(net.fit(X, Y, { epochs: 1, batchSize: 3 }).loss).toHaveLength(1);
    net.dispose();
  });
});

describe('setRunningStatistics', () => {
  it.each(['wasm', 'js'] as const)('on %s: what getRunningStatistics gives makes another network predict the same; bad input names the argument and changes nothing', async (backend) => {
    const options = { ...spec, normalization: ['batch-norm', 'layer-norm'] as Normalization[], backend, dtype: 'float64' as const, seed: 4 };
    const trained = await MLP.create(options);
    const { X, Y } = randomData(spec, 24, 5);
    trained.fit(X, Y, { epochs: 3, batchSize: 8 });
    const copy = await MLP.create(options);
    copy.setParameters(trained.getParameters());
    expect(copy.predict(X)).not.toEqual(trained.predict(X)); // the running statistics still differ
    copy.setRunningStatistics(trained.getRunningStatistics());
    expect(copy.predict(X)).toEqual(trained.predict(X));
    expect(running(copy)).toEqual(running(trained));

    const [good] = trained.getRunningStatistics();
    const before = running(copy);
    const bad: [unknown, string][] = [
      [[], 'setRunningStatistics: stats has 0 entries, expected one entry per batch-norm layer (layers 0)'],
      ['x', 'setRunningStatistics: stats must be an array with one entry per batch-norm layer (layers 0), got "x"'],
      [[{ ...good, layer: 1 }], "setRunningStatistics: stats[0].layer must be 0 (the network's batch-norm layers are 0), got 1"],
      [[{ ...good, runningMean: good.runningMean.slice(1) }], "setRunningStatistics: stats[0].runningMean has 6 values, expected 7 (layer 0's units)"],
      [[{ ...good, runningVar: Array.from(good.runningVar, (v, i) => (i === 2 ? -1 : v)) }], 'setRunningStatistics: stats[0].runningVar[2] must be a variance (≥ 0), got -1'],
      [[{ ...good, runningMean: Array.from(good.runningMean, (v, i) => (i === 3 ? NaN : v)) }], 'setRunningStatistics: stats[0].runningMean[3] must be a finite number, got NaN'],
      [[{ ...good, batchesTracked: 1.5 }], 'setRunningStatistics: stats[0].batchesTracked must be a non-negative integer, got 1.5'],
    ];
    for (const [stats, message] of bad) {
      expect(() => copy.setRunningStatistics(stats as never)).toThrow(message);
      expect(running(copy)).toEqual(before);
    }
    trained.dispose();
    copy.dispose();
  });

  it("lets a probe ending in a pass-through layer show a normalized hidden layer's eval-mode activations (the playground's unit pictures)", async () => {
    const s: NetSpec = { layers: [3, 5, 2], activations: ['tanh', 'linear'], loss: 'mse' };
    const net = await MLP.create({ ...s, normalization: ['batch-norm'], dtype: 'float64', seed: 3 });
    const { X, Y } = randomData(s, 16, 2);
    net.fit(X, Y, { epochs: 4, batchSize: 4 });
    const probe = await MLP.create({ layers: [3, 5, 5], activations: ['tanh', 'linear'], normalization: ['batch-norm'], dtype: 'float64' });
    const theta = net.getParameters();
    const own = 3 * 5 + 5 + 2 * 5;
    const identity = Array.from({ length: 30 }, (_, i) => (i < 25 && i % 6 === 0 ? 1 : 0));
    probe.setParameters([...theta.subarray(0, own), ...identity]);
    probe.setRunningStatistics(net.getRunningStatistics());
    // The network's output from the probe's hidden activations and the output layer's W and b.
    const rows = (flat: ArrayLike<number>, width: number) => Array.from({ length: flat.length / width }, (_, r) => Array.from(flat).slice(r * width, (r + 1) * width));
    const hidden = rows(probe.predict(X) as Float64Array, 5);
    const W = theta.subarray(own, own + 10);
    const b = theta.subarray(own + 10, own + 12);
    const expected = hidden.map((a) => [0, 1].map((o) => b[o] + a.reduce((sum, v, u) => sum + W[o * 5 + u] * v, 0)));
    const got = rows(net.predict(X) as Float64Array, 2);
    expect(got.length).toBe(16);
    got.forEach((row, r) => row.forEach((v, o) => expect(Math.abs(v - expected[r][o])).toBeLessThan(1e-12)));
    net.dispose();
    probe.dispose();
  });

  it('a network without batch norm takes an empty list', async () => {
    const net = await MLP.create({ ...spec, normalization: ['layer-norm', null] });
    net.setRunningStatistics([]);
    expect(() => net.setRunningStatistics([{ layer: 0, runningMean: [], runningVar: [], batchesTracked: 0 }])).toThrow('setRunningStatistics: stats has 1 entry, expected one entry per batch-norm layer (layers none)');
    net.dispose();
  });
});

describe('bad normalization options name the argument', () => {
  const base = { layers: [3, 4, 5, 2], activations: ['relu', 'relu', 'linear'] } as const;
  it.each([
    [{ normalization: ['layer-norm'] }, "MLP.create: normalization must have 2 entries (one per hidden layer, null for none), got an array of length 1"],
    [{ normalization: ['layer-norm', 'batchnorm'] }, "MLP.create: normalization[1] must be one of 'layer-norm', 'batch-norm', got \"batchnorm\"; did you mean 'batch-norm'?"],
    [{ normalization: 'batch-norm' }, "MLP.create: normalization must be an array of 2 entries ('layer-norm', 'batch-norm' or null, one per hidden layer), got \"batch-norm\""],
    [{ normalization: [null, 3] }, "MLP.create: normalization[1] must be one of 'layer-norm', 'batch-norm', got 3"],
    [{ layers: [3, 2], activations: ['linear'], normalization: ['layer-norm'] }, "MLP.create: normalization needs hidden layers (it goes between a hidden layer's Linear and its activation), and a network of 2 layer sizes has none; got an array of length 1"],
  ])('%j', async (options, message) => {
    await expect(MLP.create({ ...base, ...options } as never)).rejects.toThrow(ValueError);
    await expect(MLP.create({ ...base, ...options } as never)).rejects.toThrow(message);
  });

  it('null entries and an empty list for a network without hidden layers are no normalization', async () => {
    const a = await MLP.create({ ...base, normalization: [null, null], seed: 3 });
    const b = await MLP.create({ ...base, seed: 3 });
    expect(a.getParameters()).toEqual(b.getParameters());
    const c = await MLP.create({ layers: [3, 2], activations: ['linear'], normalization: [] });
    expect(c.parameterCount).toBe(8);
    [a, b, c].forEach((n) => n.dispose());
  });
});
