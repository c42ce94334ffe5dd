// predictClasses (scikit-learn's predict beside predict_proba) and stratified validationSplit.
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';

describe('predictClasses', () => {
  it('is the argmax of a softmax network, on MLP and Predictor, in every input form', async () => {
    const net = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', seed: 1 });
    // Logits z = W·x + b with W = I-like rows: class 0 for x = (1, 0), class 1 for (0, 1), class 2 for (−1, −1).
    net.setParameters([1, 0, 0, 1, -1, -1, 0, 0, 0]);
    const X = [[1, 0], [0, 1], [-1, -1], [3, 2]];
    expect(net.predictClasses(X)).toEqual([0, 1, 2, 0]);
    expect(net.predictClasses(new Float32Array(X.flat()))).toEqual([0, 1, 2, 0]);
    expect(net.predictClasses([0, 1])).toBe(1);
    const manual = net.predict(X).map((p) => p.indexOf(Math.max(...p)));
    expect(net.predictClasses(X)).toEqual(manual);
    const predictor = await Predictor.load(net.save());
    expect(predictor.predictClasses(X)).toEqual([0, 1, 2, 0]);
    predictor.dispose();
    net.dispose();
  });

  it('thresholds one sigmoid output at 0.5: p > 0.5 is class 1, p = 0.5 is class 0', async () => {
    const net = await MLP.create({ layers: [1, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', seed: 1 });
    net.setParameters([1, 0]); // p = σ(x)
    expect(net.predict([[-1], [0], [1e-6], [2]]).map(([p]) => p)).toEqual([expect.any(Number), 0.5, expect.any(Number), expect.any(Number)]);
    expect(net.predictClasses([[-1], [0], [1e-6], [2]])).toEqual([0, 0, 1, 1]);
    net.dispose();
  });

  it('gives class names when the network carries them (a classNames array)', async () => {
    const net = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', seed: 1 });
    net.setParameters([1, 0, 0, 1, -1, -1, 0, 0, 0]);
    Object.defineProperty(net, 'classNames', { value: ['setosa', 'versicolor', 'virginica'], configurable: true });
    expect(net.predictClasses([[1, 0], [-1, -1]])).toEqual(['setosa', 'virginica']);
    Object.defineProperty(net, 'classNames', { value: ['a', 'b'] });
    expect(() => net.predictClasses([[1, 0]])).toThrow(new ValueError('predictClasses: the network has 2 class names but 3 classes'));
    net.dispose();
  });

  it('refuses a network that is not a classifier, and bad rows, naming predictClasses', async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'], seed: 1 });
    expect(() => net.predictClasses([[1, 2]])).toThrow(new ValueError("predictClasses: the network is not a classifier (its output is 1 × 'linear'); predictClasses needs a softmax output, or one sigmoid output. Use predict for its outputs"));
    const multi = await MLP.create({ layers: [2, 2], activations: ['sigmoid'], loss: 'binary-cross-entropy', seed: 1 });
    expect(() => multi.predictClasses([[1, 2]])).toThrow(/not a classifier \(its output is 2 × 'sigmoid'\)/);
    const clf = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', seed: 1 });
    expect(() => clf.predictClasses([[1, 2, 3]])).toThrow(/^predictClasses: X row 0 has 3 values, expected 2/);
    for (const n of [net, multi, clf]) n.dispose();
  });
});

describe('validationSplit with stratify: true', () => {
  // 30 rows sorted by class, 20 of class 0 then 10 of class 1: the last-rows split would validate on class 1 only.
  const X = Array.from({ length: 30 }, (_, i) => [i / 30, (i % 7) / 7]);
  const labels = Array.from({ length: 30 }, (_, i) => (i < 20 ? 0 : 1));

  /** The validation accuracy of a network that always says class 0 (trained with η = 0): the share of class 0 among the validation rows. */
  async function validated(options: object): Promise<number> {
    const net = await MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy', seed: 3 });
    net.setParameters([0, 0, 0, 0, 5, -5]);
    const history = net.fit(X, labels, { epochs: 1, learningRate: 0, metrics: ['accuracy'], ...options });
    net.dispose();
    return history.valMetrics.accuracy![0]!;
  }

  it('holds out each class in proportion (6 rows: 4 of class 0, 2 of class 1), the same rows every time', async () => {
    const { stratifiedOrder } = await import('../src/training/stratify.js');
    const y = new Float64Array(labels.flatMap((c) => (c ? [0, 1] : [1, 0])));
    const order = stratifiedOrder('fit', y, 30, 0.2);
    const train = Array.from(order.subarray(0, 24));
    const validation = Array.from(order.subarray(24));
    expect(validation.filter((r) => labels[r] === 0)).toHaveLength(4);
    expect(validation.filter((r) => labels[r] === 1)).toHaveLength(2);
    expect(train.filter((r) => labels[r] === 1)).toHaveLength(8);
    // Every row lands in exactly one part, and both keep the original order.
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(train).toEqual([...train].sort((a, b) => a - b));
    expect(validation).toEqual([...validation].sort((a, b) => a - b));
    expect(Array.from(stratifiedOrder('fit', y, 30, 0.2))).toEqual(Array.from(order));
    // One sigmoid output: classes at 0.5.
    const binary = stratifiedOrder('fit', new Float64Array(labels), 30, 0.2);
    expect(Array.from(binary.subarray(24)).filter((r) => labels[r] === 1)).toHaveLength(2);
  });

  it('fit validates on both classes with stratify, on class 1 only without', async () => {
    expect(await validated({ validationSplit: 0.2, stratify: true })).toBeCloseTo(4 / 6, 12);
    expect(await validated({ validationSplit: 0.2 })).toBe(0);
    // fitAsync in a worker (which runs the built package) splits the same way.
    const built = (await import('../dist/index.js')) as typeof import('../src/index.js');
    const net = await built.MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy', seed: 3 });
    net.setParameters([0, 0, 0, 0, 5, -5]);
    const history = await net.fitAsync(X, labels, { epochs: 1, learningRate: 0, metrics: ['accuracy'], validationSplit: 0.2, stratify: true, worker: true });
    expect(history.valMetrics.accuracy![0]).toBeCloseTo(4 / 6, 12);
    net.dispose();
  });

  it('refuses stratify without validationSplit, with validationShuffle, and on a regressor', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy', seed: 3 });
    expect(() => net.fit(X, labels, { stratify: true })).toThrow(new ValueError('fit: options.stratify applies to options.validationSplit, which is not set (e.g. { validationSplit: 0.2, stratify: true })'));
    expect(() => net.fit(X, labels, { validationSplit: 0.2, stratify: true, validationShuffle: true })).toThrow(/give options\.stratify or options\.validationShuffle, not both/);
    const regressor = await MLP.create({ layers: [2, 1], activations: ['linear'], seed: 3 });
    expect(() => regressor.fit(X, labels, { validationSplit: 0.2, stratify: true })).toThrow(/options\.stratify needs a classifier \(a softmax output, or one sigmoid output\); this network's output is 1 × 'linear'/);
    net.dispose();
    regressor.dispose();
  });
});
