// Defaults that do not surprise: a network created without a seed draws a fresh one (and says
// which, as net.seed); an optimizer may be named by its name alone, as in Keras; a training
// option given to MLP.create names the call that takes it.
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';

const spec = { layers: [3, 6, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy' } as const;
const X = [[0.1, 0.2, 0.3], [1, -1, 0.5], [-0.3, 0.8, 2], [0.9, 0.1, -0.4]];
const Y = [0, 1, 1, 0];

describe('seed', () => {
  it('without one, each network draws its own, exposed as net.seed, and that seed repeats the run bit for bit', async () => {
    const a = await MLP.create(spec);
    const b = await MLP.create(spec);
    expect(Number.isInteger(a.seed) && a.seed! >= 0 && a.seed! <= 0xffffffff).toBe(true);
    expect(a.seed).not.toBe(b.seed);
    expect(a.getParameters()).not.toEqual(b.getParameters());
    const again = await MLP.create({ ...spec, seed: a.seed });
    expect(again.seed).toBe(a.seed);
    expect(again.getParameters()).toEqual(a.getParameters());
    // Shuffling follows the seed too.
    expect(again.fit(X, Y, { epochs: 5, batchSize: 2 }).loss).toEqual(a.fit(X, Y, { epochs: 5, batchSize: 2 }).loss);
    expect(again.getParameters()).toEqual(a.getParameters());
    for (const net of [a, b, again]) net.dispose();
  });

  it('seed 0 is still seed 0: the same weights every time', async () => {
    const a = await MLP.create({ ...spec, seed: 0 });
    const b = await MLP.create({ ...spec, seed: 0 });
    expect(a.seed).toBe(0);
    expect(a.getParameters()).toEqual(b.getParameters());
    a.dispose();
    b.dispose();
  });

  it('a network read from a file has no seed: its generators are restored instead', async () => {
    const net = await MLP.create({ ...spec, seed: 9 });
    const loaded = await MLP.load(net.save());
    expect(loaded.seed).toBeUndefined();
    expect((await MLP.fromJSON(net.toJSON())).seed).toBeUndefined();
    net.dispose();
    loaded.dispose();
  });
});

describe("optimizer: 'adam'", () => {
  it('a name alone is that optimizer with its defaults, in fit and setOptimizer', async () => {
    const named = await MLP.create({ ...spec, seed: 2 });
    const object = await MLP.create({ ...spec, seed: 2 });
    expect(named.fit(X, Y, { epochs: 4, optimizer: 'adam' }).loss).toEqual(object.fit(X, Y, { epochs: 4, optimizer: { type: 'adam' } }).loss);
    expect(named.optimizer).toEqual(object.optimizer);
    named.setOptimizer('rmsprop' as never);
    expect(named.optimizer.type).toBe('rmsprop');
    expect(() => named.fit(X, Y, { optimizer: 'adma' as never })).toThrow(new ValueError("fit: options.optimizer.type must be one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam', got \"adma\"; did you mean 'adam'?"));
    named.dispose();
    object.dispose();
  });
});

describe('MLP.create with a training option', () => {
  it('names the call that takes it', async () => {
    await expect(MLP.create({ ...spec, learningRate: 0.1 } as never)).rejects.toThrow(new ValueError("MLP.create: options.learningRate is not an option of MLP.create, which only builds the network; it is taken by fit(X, Y, { learningRate }) or net.setOptimizer({ type: 'adam', learningRate })"));
    await expect(MLP.create({ ...spec, epochs: 3 } as never)).rejects.toThrow(/options\.epochs is not an option of MLP\.create, which only builds the network; it is taken by fit\(X, Y, \{ epochs \}\)/);
    // A plain misspelling still gets the nearest name.
    await expect(MLP.create({ ...spec, sed: 3 } as never)).rejects.toThrow(/options\.sed is not an option; did you mean 'seed'\?/);
  });
});
