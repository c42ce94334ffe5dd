// Learning-rate schedules against torch.optim.lr_scheduler's published formulas, with the
// sequences computed by hand (epoch e uses the rate after e scheduler steps).
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';
import { LearningRateSchedule, checkSchedule, type Schedule } from '../src/training/schedules.js';

function rates(spec: unknown, base: number, epochs: number): number[] {
  const schedule = new LearningRateSchedule(checkSchedule('test', 'schedule', spec) as Schedule, base);
  return Array.from({ length: epochs }, (_, e) => schedule.rate(e));
}

function expectClose(actual: number[], expected: number[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i])).toBeLessThanOrEqual(1e-15 * Math.abs(expected[i])));
}

describe('closed-form schedules', () => {
  it('step: StepLR(step_size=2, gamma=0.5) from 0.1', () => {
    expectClose(rates({ type: 'step', stepSize: 2, gamma: 0.5 }, 0.1, 6), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });
  it('step: gamma defaults to 0.1 as torch', () => {
    expectClose(rates({ type: 'step', stepSize: 3 }, 1, 7), [1, 1, 1, 0.1, 0.1, 0.1, 0.010000000000000002]);
  });
  it('exponential: ExponentialLR(gamma=0.9) from 0.1', () => {
    expectClose(rates({ type: 'exponential', gamma: 0.9 }, 0.1, 4), [0.1, 0.09, 0.081, 0.0729]);
  });
  it('cosine: CosineAnnealingLR(T_max=4, eta_min=0.01) from 0.1, continuing past T_max as torch does', () => {
    const c = Math.SQRT1_2;
    expectClose(rates({ type: 'cosine', tMax: 4, etaMin: 0.01 }, 0.1, 7), [
      0.1, 0.01 + 0.045 * (1 + c), 0.055, 0.01 + 0.045 * (1 - c), 0.01, 0.01 + 0.045 * (1 - c), 0.055,
    ]);
  });
  it('warmup: LinearLR(start_factor=1/3, total_iters=3) then ExponentialLR(0.5), as SequentialLR(milestones=[3])', () => {
    expectClose(rates({ type: 'warmup', epochs: 3, then: { type: 'exponential', gamma: 0.5 } }, 0.3, 6), [0.1, 0.3 * 5 / 9, 0.3 * 7 / 9, 0.3, 0.15, 0.075]);
  });
  it('warmup alone holds the base rate after warming up', () => {
    expectClose(rates({ type: 'warmup', epochs: 2, startFactor: 0 }, 0.2, 4), [0, 0.1, 0.2, 0.2]);
  });
});

describe('reduce-on-plateau (torch ReduceLROnPlateau, mode min, threshold_mode rel)', () => {
  function run(spec: object, base: number, losses: number[]): number[] {
    const schedule = new LearningRateSchedule(checkSchedule('test', 's', { type: 'reduce-on-plateau', ...spec }) as Schedule, base);
    return losses.map((loss, e) => {
      const rate = schedule.rate(e);
      schedule.observe(e, loss);
      return rate;
    });
  }
  it('reduces after more than `patience` bad epochs and resets the count', () => {
    expect(run({ patience: 2, factor: 0.5 }, 1, [1, 0.9, 0.95, 0.95, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8])).toEqual([1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25]);
  });
  it('an improvement must beat best·(1 − 1e-4)', () => {
    // 0.89995 > 0.9·(1 − 1e-4) = 0.89991: not an improvement, so patience 0 reduces at once.
    expect(run({ patience: 0, factor: 0.5 }, 1, [0.9, 0.89995, 0.8999, 0.8])).toEqual([1, 1, 0.5, 0.5]);
  });
  it('cooldown suspends counting after a reduction', () => {
    expect(run({ patience: 0, factor: 0.5, cooldown: 1 }, 1, [1, 1, 1, 1, 1])).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
  it('never goes below minLr, and defaults are patience 10, factor 0.1', () => {
    expect(run({ minLr: 0.3, patience: 0 }, 1, [1, 1, 1, 1])).toEqual([1, 1, 0.3, 0.3]);
    const flat = run({}, 1, Array(13).fill(1));
    expect(flat.slice(0, 12)).toEqual(Array(12).fill(1));
    expect(flat[12]).toBeCloseTo(0.1, 15);
  });
  it('behind a warmup, only epochs after the warmup count', () => {
    const schedule = new LearningRateSchedule(checkSchedule('t', 's', { type: 'warmup', epochs: 2, startFactor: 0.5, then: { type: 'reduce-on-plateau', patience: 0, factor: 0.5 } }) as Schedule, 1);
    const seen = [1, 1, 1, 1, 1].map((loss, e) => { const r = schedule.rate(e); schedule.observe(e, loss); return r; });
    expect(seen).toEqual([0.5, 0.75, 1, 1, 0.5]); // epoch 2 sets the best, epoch 3 is the first bad one
  });
});

describe('schedules in fit', () => {
  const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const Y = [[0], [1], [1], [0]];

  it('history.learningRate is what each epoch trained with, and the rate is really applied', async () => {
    const a = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 5 });
    const b = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], dtype: 'float64', seed: 5 });
    const history = a.fit(X, Y, { epochs: 4, batchSize: 4, shuffle: false, optimizer: { type: 'sgd' }, learningRate: 0.2, schedule: { type: 'step', stepSize: 2, gamma: 0.5 } });
    expect(history.learningRate).toEqual([0.2, 0.2, 0.1, 0.1]);
    for (const rate of [0.2, 0.2, 0.1, 0.1]) b.step(X, Y, { learningRate: rate });
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
  });

  it('a function schedule gets the network epoch; a second fit continues the count', async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    const seen: number[] = [];
    const schedule = (epoch: number) => (seen.push(epoch), 0.01 / (1 + epoch));
    expect(net.fit(X, Y, { epochs: 2, schedule }).learningRate).toEqual([0.01, 0.005]);
    expect(net.fit(X, Y, { epochs: 2, schedule }).learningRate).toEqual([0.01 / 3, 0.01 / 4]);
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(net.epoch).toBe(4);
  });

  it('rejects a bad schedule before training, leaving the network unchanged', async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'], seed: 2 });
    const before = Array.from(net.getParameters());
    expect(() => net.fit(X, Y, { epochs: 3, schedule: (e) => (e === 2 ? NaN : 0.1) })).toThrow(/schedule returned NaN for epoch 2/);
    expect(() => net.fit(X, Y, { schedule: { type: 'step' } as never })).toThrow(ValueError);
    expect(() => net.fit(X, Y, { schedule: { type: 'cosine', tMax: 0 } })).toThrow(/options\.schedule\.tMax must be an integer ≥ 1, got 0/);
    expect(() => net.fit(X, Y, { schedule: { type: 'warp' } as never })).toThrow(/options\.schedule\.type must be one of/);
    expect(() => net.fit(X, Y, { schedule: { type: 'reduce-on-plateau', monitor: 'val_loss' } })).toThrow(/needs validation data/);
    expect(Array.from(net.getParameters())).toEqual(before);
    expect(net.epoch).toBe(0);
  });
});
