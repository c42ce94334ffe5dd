// setOptimizer's contract: PyTorch's defaults, torch's argument checks with errors that
// name the option, the network untouched by a rejected call, and fit using the optimizer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP, ShapeError, ValueError, type OptimizerOptions } from '../src/index.js';
import { maxRelativeError } from './helpers.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/optimizers.json', import.meta.url), 'utf8'));
const small = () => MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], dtype: 'float64' });

describe('defaults (torch.optim)', () => {
  it.each([
    [{ type: 'sgd' }, { type: 'sgd', learningRate: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, clipNorm: null, clipValue: null }],
    [{ type: 'adam' }, { type: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false, clipNorm: null, clipValue: null }],
    [{ type: 'adamw' }, { type: 'adamw', learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01, amsgrad: false, clipNorm: null, clipValue: null }],
    [{ type: 'rmsprop' }, { type: 'rmsprop', learningRate: 1e-2, alpha: 0.99, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0, clipNorm: null, clipValue: null }],
    [{ type: 'adagrad' }, { type: 'adagrad', learningRate: 1e-2, epsilon: 1e-10, weightDecay: 0, learningRateDecay: 0, initialAccumulatorValue: 0, clipNorm: null, clipValue: null }],
  ] as const)('%o', async (options, resolved) => {
    const net = await small();
    net.setOptimizer(options as OptimizerOptions);
    expect(net.optimizer).toEqual(resolved);
  });

  it('a network starts with plain SGD at 0.01, and net.optimizer is a copy', async () => {
    const net = await small();
    expect(net.optimizer).toMatchObject({ type: 'sgd', learningRate: 0.01, momentum: 0 });
    (net.optimizer as { learningRate: number }).learningRate = 5;
    expect(net.optimizer.learningRate).toBe(0.01);
  });

  it('a resolved configuration is accepted back as options', async () => {
    const a = await small();
    const b = await small();
    a.setOptimizer({ type: 'rmsprop', centered: true, clipNorm: 2 });
    b.setOptimizer(a.optimizer);
    expect(b.optimizer).toEqual(a.optimizer);
  });
});

describe('rejected options leave the network as it was', () => {
  it.each([
    [{ type: 'adamax' }, "setOptimizer: options.type must be one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam', got \"adamax\""],
    [{ type: 'sgd', learningRate: -0.1 }, 'setOptimizer: options.learningRate must be a number ≥ 0, got -0.1'],
    [{ type: 'adam', beta1: 1 }, 'setOptimizer: options.beta1 must be a number in [0, 1), got 1'],
    [{ type: 'adam', beta2: -0.5 }, 'setOptimizer: options.beta2 must be a number in [0, 1), got -0.5'],
    [{ type: 'adam', epsilon: Number.NaN }, 'setOptimizer: options.epsilon must be a number ≥ 0, got NaN'],
    [{ type: 'adam', lr: 0.1 }, "setOptimizer: options.lr is not an option of 'adam'; did you mean 'learningRate'? (its options: type, clipNorm, clipValue, learningRate, beta1, beta2, epsilon, weightDecay, amsgrad)"],
    [{ type: 'sgd', nesterov: true }, 'setOptimizer: options.nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0'],
    [{ type: 'sgd', momentum: 0.9, nesterov: 'yes' }, 'setOptimizer: options.nesterov must be true or false, got "yes"'],
    [{ type: 'rmsprop', alpha: -1 }, 'setOptimizer: options.alpha must be a number ≥ 0, got -1'],
    [{ type: 'adagrad', clipNorm: 0 }, 'setOptimizer: options.clipNorm must be a number > 0, got 0'],
    [{ type: 'adagrad', clipValue: -1 }, 'setOptimizer: options.clipValue must be a number > 0, got -1'],
    [null, 'setOptimizer: options must be an options object, got null'],
  ] as const)('%o', async (options, message) => {
    const adam = fixture.cases.find((c: { name: string }) => c.name === 'adam weight decay amsgrad');
    const net = await MLP.create({ ...fixture.network, dtype: 'float64' });
    net.setParameters(fixture.theta);
    net.setOptimizer(adam.optimizer);
    net.step(fixture.X, fixture.Y);
    net.step(fixture.X, fixture.Y);
    const before = net.optimizer;
    expect(() => net.setOptimizer(options as unknown as OptimizerOptions)).toThrow(ValueError);
    expect(() => net.setOptimizer(options as unknown as OptimizerOptions)).toThrow(message);
    expect(net.optimizer).toEqual(before);
    // The moments and step count survived: the trajectory continues as in torch.
    for (let s = 2; s < 6; s++) net.step(fixture.X, fixture.Y);
    expect(maxRelativeError(net.getParameters(), adam.thetas[5])).toBeLessThan(1e-9);
  });

  it('step rejects a negative learning rate and takes no step', async () => {
    const net = await small();
    const theta = net.getParameters();
    expect(() => net.step([[1, 2]], [[0]], { learningRate: -1 })).toThrow('step: options.learningRate must be a number ≥ 0, got -1');
    expect(net.getParameters()).toEqual(theta);
  });
});

describe('dropout option', () => {
  it.each([
    [1, ValueError, 'MLP.create: dropout must be a dropout rate in [0, 1), got 1'],
    [-0.1, ValueError, 'MLP.create: dropout must be a dropout rate in [0, 1), got -0.1'],
    [[0.1], ShapeError, 'MLP.create: dropout must have 2 rates (one per hidden layer), got an array of length 1'],
    [[0.1, '0.2'], ValueError, 'MLP.create: dropout[1] must be a dropout rate in [0, 1), got "0.2"'],
  ] as const)('%o', async (dropout, type, message) => {
    const create = () => MLP.create({ layers: [2, 4, 4, 1], activations: ['relu', 'relu', 'linear'], dropout: dropout as number });
    await expect(create()).rejects.toThrow(type);
    await expect(create()).rejects.toThrow(message);
  });

  it('one rate applies to every hidden layer, and survives toJSON/fromJSON with its generator', async () => {
    const net = await MLP.create({ layers: [2, 4, 4, 1], activations: ['relu', 'relu', 'linear'], dropout: 0.25 });
    expect(net.architecture.dropout).toEqual([0.25, 0.25]);
    net.step([[1, 2]], [[1]]);
    const copy = await MLP.fromJSON(JSON.stringify(net.toJSON()));
    expect(copy.architecture.dropout).toEqual([0.25, 0.25]);
    expect(copy.step([[1, 2]], [[1]])).toBe(net.step([[1, 2]], [[1]]));
    expect(Array.from(copy.getParameters())).toEqual(Array.from(net.getParameters()));
  });
});

describe('fit uses the network optimizer', () => {
  it.each(['wasm', 'js'] as const)('full-batch fit with Adam follows the torch trajectory (%s)', async (backend) => {
    const adam = fixture.cases.find((c: { name: string }) => c.name === 'adam');
    const net = await MLP.create({ ...fixture.network, backend, dtype: 'float64' });
    net.setParameters(fixture.theta);
    net.setOptimizer(adam.optimizer);
    const history = net.fit(fixture.X, fixture.Y, { epochs: 6, batchSize: 6, shuffle: false });
    expect(maxRelativeError(history.loss, adam.losses)).toBeLessThan(1e-9);
    expect(maxRelativeError(net.getParameters(), adam.thetas[5])).toBeLessThan(1e-9);
  });
});
