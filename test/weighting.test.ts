// Loss weighting beyond the values checked against PyTorch (torch-weighting.test.ts): finite
// differences, what sample weights mean (a weight of 2 is the row twice, 0 is no row, at any
// batch and across shuffling), class weights as per-class sample weights, evaluate's weighted
// metrics, refusals that leave the network as it was, threads, the guard and the saved forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DivergenceError, MLP, ShapeError, ValueError, type CreateOptions, type Metric } from '../src/index.js';
// The worker runs the built package (its module is dist/async/worker.js).
import { MLP as BuiltMLP } from '../dist/index.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';
import { centralDifferences, randomData, type NetSpec } from './helpers.js';
import { Random } from '../src/core/random.js';

const backends = ['wasm', 'js'] as const;
const ce: NetSpec = { layers: [4, 6, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy' };
const bce: NetSpec = { layers: [4, 6, 2], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy' };
const regression = (loss: NetSpec['loss']): NetSpec => ({ layers: [4, 6, 2], activations: ['gelu', 'tanh'], loss });

/** Weights 0…3 (some rows 0), from a seed. */
function weightsFor(rows: number, seed: number): number[] {
  const random = new Random(seed);
  return Array.from({ length: rows }, () => random.int(4) * 0.75);
}

/** Soft (non-one-hot) rows in place of every third row of one-hot targets. */
function softenTargets(Y: Float64Array, classes: number): Float64Array {
  const out = Y.slice();
  for (let r = 0; r < out.length / classes; r += 3) for (let j = 0; j < classes; j++) out[r * classes + j] = (1 + j) / ((classes * (classes + 1)) / 2);
  return out;
}

/** Rows of (X, Y) each repeated `times[i]` times. */
function repeatRows(X: Float64Array, Y: Float64Array, inputs: number, outputs: number, times: number[]) {
  const x: number[] = [], y: number[] = [];
  times.forEach((n, r) => {
    for (let k = 0; k < n; k++) {
      x.push(...X.subarray(r * inputs, (r + 1) * inputs));
      y.push(...Y.subarray(r * outputs, (r + 1) * outputs));
    }
  });
  return { X: Float64Array.from(x), Y: Float64Array.from(y) };
}

const variants: [string, NetSpec & Pick<CreateOptions, 'lossOptions'>, boolean, boolean][] = [
  // name, network, sample weights, soft targets
  ['cross-entropy classWeights + labelSmoothing', { ...ce, lossOptions: { classWeights: [0.5, 2, 1.5], labelSmoothing: 0.2 } }, false, false],
  ['cross-entropy classWeights, soft and one-hot rows, sampleWeight', { ...ce, lossOptions: { classWeights: [0.5, 2, 1.5] } }, true, true],
  ['cross-entropy labelSmoothing, sampleWeight', { ...ce, lossOptions: { labelSmoothing: 0.1 } }, true, false],
  ['binary-cross-entropy posWeight', { ...bce, lossOptions: { posWeight: [3, 0.25] } }, false, false],
  ['binary-cross-entropy posWeight, sampleWeight', { ...bce, lossOptions: { posWeight: [3, 0.25] } }, true, false],
  ['mse sampleWeight', regression('mse'), true, false],
  ['l1 sampleWeight', regression('l1'), true, false],
  ['huber sampleWeight', { ...regression('huber'), lossOptions: { delta: 0.5 } }, true, false],
  ['smooth-l1 sampleWeight', { ...regression('smooth-l1'), lossOptions: { beta: 0.5 } }, true, false],
];

describe.each(backends)('finite differences of the weighted losses on %s', (backend) => {
  it.each(variants)('%s', async (_, spec, weighted, soft) => {
    const net = await MLP.create({ ...spec, backend, dtype: 'float64', seed: 3 });
    const data = randomData(spec, 9, 17);
    const Y = soft ? softenTargets(data.Y, 3) : data.Y;
    const sampleWeight = weighted ? weightsFor(9, 5) : undefined;
    const noise = new Random(5);
    net.setParameters(net.getParameters().map((v) => v + 0.1 * noise.normal()));
    const analytic = net.gradient(data.X, Y, { sampleWeight });
    const weightedLoss = { loss: (X: Float64Array, T: Float64Array) => net.loss(X, T, { sampleWeight }) };
    const numeric = centralDifferences(new Proxy(net, { get: (t, p) => (p === 'loss' ? weightedLoss.loss : Reflect.get(t, p).bind?.(t) ?? Reflect.get(t, p)) }), data.X, Y);
    expect(analytic.some((g) => g !== 0)).toBe(true);
    for (let i = 0; i < analytic.length; i++) expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric[i])));
    net.dispose();
  });
});

describe.each(backends)('what sample weights mean, on %s', (backend) => {
  const create = (spec: NetSpec, extra: Partial<CreateOptions> = {}) => MLP.create({ ...spec, backend, dtype: 'float64', seed: 9, ...extra });

  it('a weight of k is the row k times, and 0 is no row: loss, gradient, a full-batch fit and every metric', async () => {
    for (const spec of [ce, bce, regression('huber')]) {
      const { X, Y } = randomData(spec, 8, 2);
      const times = [2, 0, 1, 3, 1, 0, 2, 1];
      const repeated = repeatRows(X, Y, spec.layers[0], spec.layers[spec.layers.length - 1], times);
      const [a, b] = [await create(spec), await create(spec)];
      expect(a.loss(X, Y, { sampleWeight: times })).toBeCloseTo(b.loss(repeated.X, repeated.Y), 13);
      const [ga, gb] = [a.gradient(X, Y, { sampleWeight: times }), b.gradient(repeated.X, repeated.Y)];
      ga.forEach((g, i) => expect(g).toBeCloseTo(gb[i], 13));
      const metrics: Metric[] = spec.loss === 'huber' ? ['mae', 'mse', 'r2'] : ['accuracy', 'precision', 'recall', 'f1', 'mae', 'mse', 'r2'];
      const ea = a.evaluate(X, Y, { sampleWeight: times, metrics });
      const eb = b.evaluate(repeated.X, repeated.Y, { metrics });
      expect(ea.loss).toBeCloseTo(eb.loss, 13);
      for (const m of metrics) expect(ea.metrics[m]).toBeCloseTo(eb.metrics[m]!, 12);
      const ha = a.fit(X, Y, { sampleWeight: times, epochs: 3, batchSize: 8, shuffle: false, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } });
      const hb = b.fit(repeated.X, repeated.Y, { epochs: 3, batchSize: 10, shuffle: false, optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 } });
      ha.loss.forEach((l, e) => expect(l).toBeCloseTo(hb.loss[e], 12));
      const [pa, pb] = [a.getParameters(), b.getParameters()];
      pa.forEach((p, i) => expect(p).toBeCloseTo(pb[i], 12));
      a.dispose();
      b.dispose();
    }
  });

  it('weights follow their rows through shuffling: with one row weighted, an epoch of batches of 1 is one step on that row', async () => {
    const { X, Y } = randomData(ce, 7, 4);
    const sampleWeight = [0, 0, 0, 0, 1, 0, 0];
    const [a, b] = [await create(ce), await create(ce)];
    const sgd = { type: 'sgd', learningRate: 0.5 } as const;
    const history = a.fit(X, Y, { sampleWeight, epochs: 1, batchSize: 1, shuffle: true, optimizer: sgd });
    b.setOptimizer(sgd);
    const alone = b.step(X.subarray(16, 20), Y.subarray(12, 15));
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
    // Six batches of weight 0 count for nothing in the epoch's loss.
    expect(history.loss[0]).toBe(alone);
    a.dispose();
    b.dispose();
  });

  it('a batch whose weights sum to 0 has loss 0 and gradient 0, and changes nothing under plain SGD', async () => {
    const { X, Y } = randomData(ce, 4, 4);
    const net = await create(ce, { lossOptions: { classWeights: [1, 2, 3], labelSmoothing: 0.1 } });
    const zeros = [0, 0, 0, 0];
    const before = net.getParameters().slice();
    expect(net.loss(X, Y, { sampleWeight: zeros })).toBe(0);
    expect(Array.from(net.gradient(X, Y, { sampleWeight: zeros })).every((g) => g === 0)).toBe(true);
    expect(net.step(X, Y, { sampleWeight: zeros, learningRate: 1 })).toBe(0);
    expect(Array.from(net.getParameters())).toEqual(Array.from(before));
    // In a fit: the zero batch adds nothing to the epoch's loss, which is the other batch's.
    const history = net.fit(X, Y, { sampleWeight: [1, 1, 0, 0], batchSize: 2, epochs: 1, shuffle: false, optimizer: { type: 'sgd', learningRate: 0 } });
    expect(history.loss[0]).toBeCloseTo(net.loss(X.subarray(0, 8), Y.subarray(0, 6)), 14);
    net.dispose();
  });

  it('class weights are sample weights of each one-hot row\'s class; a soft row counts 1 in the mean', async () => {
    const { X, Y } = randomData(ce, 10, 6);
    const classWeights = [0.5, 2, 1.5];
    const weighted = await create(ce, { lossOptions: { classWeights } });
    const plain = await create(ce);
    const byRow = Array.from({ length: 10 }, (_, r) => classWeights[[0, 1, 2].find((j) => Y[r * 3 + j] === 1)!]);
    expect(weighted.loss(X, Y)).toBeCloseTo(plain.loss(X, Y, { sampleWeight: byRow }), 14);
    expect(weighted.evaluate(X, Y).loss).toBeCloseTo(weighted.loss(X, Y), 14);
    // Soft rows: torch's probability-target mean, Σ over rows of −Σⱼ wⱼ·yⱼ·log pⱼ, divided by N.
    const soft = softenTargets(Y, 3);
    const p = plain.predict(X) as Float64Array;
    let sum = 0, rows = 0;
    for (let r = 0; r < 10; r++) {
      const hot = [0, 1, 2].find((j) => soft[r * 3 + j] === 1);
      rows += hot === undefined ? 1 : classWeights[hot];
      for (let j = 0; j < 3; j++) sum -= classWeights[j] * soft[r * 3 + j] * Math.log(p[r * 3 + j]);
    }
    expect(weighted.loss(X, soft)).toBeCloseTo(sum / rows, 12);
    weighted.dispose();
    plain.dispose();
  });

  it('validationData takes sample weights, validationSplit splits them with the rows', async () => {
    const { X, Y } = randomData(ce, 10, 8);
    const sampleWeight = weightsFor(10, 3).map((w) => w + 0.5);
    const net = await create(ce);
    const split = net.fit(X, Y, { sampleWeight, validationSplit: 0.3, epochs: 1, optimizer: { type: 'sgd', learningRate: 0 } });
    const expected = net.evaluate(X.subarray(28), Y.subarray(21), { sampleWeight: sampleWeight.slice(7) }).loss;
    expect(split.valLoss[0]).toBeCloseTo(expected, 14);
    const given = net.fit(X, Y, { epochs: 1, validationData: { X, Y, sampleWeight }, optimizer: { type: 'sgd', learningRate: 0 } });
    expect(given.valLoss[0]).toBeCloseTo(net.evaluate(X, Y, { sampleWeight }).loss, 14);
    const async = await net.fitAsync(X, Y, { sampleWeight, epochs: 1, validationData: { X, Y, sampleWeight }, optimizer: { type: 'sgd', learningRate: 0 } });
    expect(async.valLoss[0]).toBeCloseTo(given.valLoss[0], 14);
    net.dispose();
  });
});

it('fitAsync in a worker trains with the sample weights exactly as fit does', async () => {
  const { X, Y } = randomData(ce, 12, 8);
  const sampleWeight = weightsFor(12, 4);
  const options = { sampleWeight, epochs: 3, batchSize: 5, validationData: { X, Y, sampleWeight }, optimizer: { type: 'adam', learningRate: 0.01 } } as const;
  const [a, b] = [await BuiltMLP.create({ ...ce, seed: 2 }), await BuiltMLP.create({ ...ce, seed: 2 })];
  const fit = a.fit(X, Y, options);
  const worker = await b.fitAsync(X, Y, { ...options, worker: true });
  expect(worker.loss).toEqual(fit.loss);
  expect(worker.valLoss).toEqual(fit.valLoss);
  expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
  a.dispose();
  b.dispose();
});

describe('refusals name the argument and leave the network as it was', () => {
  it.each([
    [{ ...ce, lossOptions: { classWeights: [1, 2] } }, ShapeError, 'MLP.create: lossOptions.classWeights must be an array of 3 positive numbers (one per class), got an array of length 2'],
    [{ ...ce, lossOptions: { classWeights: [1, -2, 1] } }, ValueError, 'MLP.create: lossOptions.classWeights[1] must be a number > 0, got -2'],
    [{ ...ce, lossOptions: { classWeights: [1, NaN, 1] } }, ValueError, 'MLP.create: lossOptions.classWeights[1] must be a number > 0, got NaN'],
    [{ ...bce, lossOptions: { posWeight: [1, 2, 3] } }, ShapeError, 'MLP.create: lossOptions.posWeight must be an array of 2 positive numbers (one per output), got an array of length 3'],
    [{ ...bce, lossOptions: { posWeight: [1, Infinity] } }, ValueError, 'MLP.create: lossOptions.posWeight[1] must be a number > 0, got Infinity'],
    [{ ...ce, lossOptions: { labelSmoothing: 1 } }, ValueError, 'MLP.create: lossOptions.labelSmoothing must be a number in [0, 1), got 1'],
    [{ ...ce, lossOptions: { labelSmoothing: -0.1 } }, ValueError, 'MLP.create: lossOptions.labelSmoothing must be a number in [0, 1), got -0.1'],
    [{ ...bce, lossOptions: { classWeights: [1, 2] } }, ValueError, "MLP.create: lossOptions.classWeights is for loss 'cross-entropy', but the loss is 'binary-cross-entropy'"],
    [{ ...bce, lossOptions: { labelSmoothing: 0.1 } }, ValueError, "MLP.create: lossOptions.labelSmoothing is for loss 'cross-entropy', but the loss is 'binary-cross-entropy'"],
    [{ ...ce, lossOptions: { posWeight: [1, 2, 3] } }, ValueError, "MLP.create: lossOptions.posWeight is for loss 'binary-cross-entropy', but the loss is 'cross-entropy'"],
  ] as const)('%o', async (options, type, message) => {
    const create = () => MLP.create(options as unknown as CreateOptions);
    await expect(create()).rejects.toThrow(type);
    await expect(create()).rejects.toThrow(message);
  });

  it.each(backends)('bad sample weights in step, loss, gradient, evaluate, fit and fitAsync on %s', async (backend) => {
    const { X, Y } = randomData(ce, 4, 1);
    const net = await MLP.create({ ...ce, backend, seed: 1 });
    const before = net.getParameters().slice();
    const cases: [unknown, typeof ValueError | typeof ShapeError, string][] = [
      [[1, 2, 3], ShapeError, 'options.sampleWeight must be an array of 4 non-negative numbers (one per row), got an array of length 3'],
      [[1, -1, 1, 1], ValueError, 'options.sampleWeight[1] must be a non-negative finite number, got -1'],
      [[1, 1, NaN, 1], ValueError, 'options.sampleWeight[2] must be a non-negative finite number, got NaN'],
      [new Float32Array([1, 1, 1, Infinity]), ValueError, 'options.sampleWeight[3] must be a non-negative finite number, got Infinity'],
      ['1,1,1,1', ValueError, 'options.sampleWeight must be an array of 4 non-negative numbers (one per row), got "1,1,1,1"'],
    ];
    for (const [sampleWeight, type, message] of cases) {
      const o = { sampleWeight } as { sampleWeight: number[] };
      for (const [fn, call] of [['step', () => net.step(X, Y, o)], ['loss', () => net.loss(X, Y, o)], ['gradient', () => net.gradient(X, Y, o)], ['evaluate', () => net.evaluate(X, Y, o)], ['fit', () => net.fit(X, Y, o)]] as const) {
        expect(call).toThrow(type);
        expect(call).toThrow(`${fn}: ${message}`);
      }
      await expect(net.fitAsync(X, Y, o)).rejects.toThrow(`fitAsync: ${message}`);
    }
    expect(() => net.fit(X, Y, { validationData: { X, Y, sampleWeight: [0, 0, 0, 0] } })).toThrow('fit: options.validationData.sampleWeight must have a weight above 0 (every row would count for nothing), got 4 zeros');
    expect(() => net.evaluate(X, Y, { sampleWeight: [0, 0, 0, 0] })).toThrow('evaluate: options.sampleWeight must have a weight above 0');
    expect(Array.from(net.getParameters())).toEqual(Array.from(before));
    expect(net.optimizer.type).toBe('sgd');
    net.dispose();
  });
});

describe('bit-identical on 1, 2 and 3 threads', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

  async function runAll(spec: NetSpec & Pick<CreateOptions, 'lossOptions'>, dtype: 'float32' | 'float64', threads: number) {
    const net = await MLP.create({ ...spec, dtype, threads, seed: 11 });
    const { X, Y } = randomData(spec, 23, 5);
    const sampleWeight = weightsFor(23, 7);
    const out = {
      loss: bits([net.loss(X, Y, { sampleWeight })]),
      gradient: bits(net.gradient(X, Y, { sampleWeight })),
      steps: bits([0, 1].map(() => net.step(X, Y, { sampleWeight, learningRate: 0.05 }))),
      fit: bits(net.fit(X, Y, { sampleWeight, epochs: 2, batchSize: 9, optimizer: { type: 'adam', learningRate: 0.01 } }).loss),
      plainFit: bits(net.fit(X, Y, { epochs: 2, batchSize: 10 }).loss),
      fitAsync: bits((await net.fitAsync(X, Y, { sampleWeight, epochs: 2, batchSize: 4 })).loss),
      after: bits(net.getParameters()),
    };
    net.dispose();
    return out;
  }

  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each([
      ['cross-entropy classWeights + labelSmoothing', { ...ce, layers: [4, 9, 5], lossOptions: { classWeights: [1, 2, 0.5, 3, 1], labelSmoothing: 0.1 } }],
      ['binary-cross-entropy posWeight', { ...bce, lossOptions: { posWeight: [2, 0.5] } }],
      ['huber', { ...regression('huber'), lossOptions: { delta: 0.3 } }],
    ] as const)('%s', async (_, spec) => {
      const one = await runAll(spec as NetSpec, dtype, 1);
      for (const threads of [2, 3]) expect(await runAll(spec as NetSpec, dtype, threads)).toEqual(one);
    });
  });
});

describe.each(backends)('divergence guard and saved forms on %s', (backend) => {
  it('a weighted step that diverges is refused and changes nothing', async () => {
    const net = await MLP.create({ ...regression('mse'), backend, seed: 3 });
    const { X, Y } = randomData(regression('mse'), 6, 2);
    const before = net.getParameters().slice();
    expect(() => net.step(X, Y.map((v) => v * 1e30), { sampleWeight: [1, 2, 0, 1, 1, 1], learningRate: 1e30 })).toThrow(DivergenceError);
    expect(Array.from(net.getParameters())).toEqual(Array.from(before));
    net.dispose();
  });

  it.each([
    [{ ...ce, lossOptions: { classWeights: [0.5, 2, 1.5], labelSmoothing: 0.05 } }],
    [{ ...bce, lossOptions: { posWeight: [4, 0.5] } }],
  ] as const)('%o survives save/load, JSON, safetensors and a checkpoint, and training goes on identically', async (spec) => {
    const net = await MLP.create({ ...(spec as NetSpec), backend, dtype: 'float64', seed: 2 });
    const { X, Y } = randomData(spec as NetSpec, 10, 5);
    net.fit(X, Y, { epochs: 2, batchSize: 4 });
    const copies = [
      await MLP.load(net.save(), { backend }),
      await MLP.fromJSON(JSON.stringify(net.toJSON({ training: true })), { backend }),
      await MLP.fromSafetensors(net.toSafetensors(), { backend }),
    ];
    const expected = net.loss(X, Y);
    const next = net.fit(X, Y, { epochs: 2, batchSize: 4 }).loss;
    for (const [i, copy] of copies.entries()) {
      expect(copy.architecture.lossOptions).toEqual(spec.lossOptions);
      expect(copy.loss(X, Y)).toBe(expected);
      if (i < 2) expect(copy.fit(X, Y, { epochs: 2, batchSize: 4 }).loss).toEqual(next);
      copy.dispose();
    }
    // The standalone function predicts as the network does; the loss options do not enter it.
    const source = net.toFunction();
    const { predict } = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as { predict: (x: number[]) => number[] };
    const row = Array.from(X.subarray(0, 4));
    const { predict: run } = { predict: predict as unknown as (x: number[][]) => number[][] };
    const expectedRow = net.predict(row) as number[];
    run([row])[0].forEach((v, j) => expect(v).toBeCloseTo(expectedRow[j], 13));
    net.dispose();
  });
});
