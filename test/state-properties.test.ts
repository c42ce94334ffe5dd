// A property test over the public training surface: random sequences of fit, fitAsync (on this
// thread and in a worker), fitDataset, step, predict, save/load, abort and dispose, with
// failures injected into the dataset source (it throws, it gives a bad batch) and aborts at
// random batches. After every call the network's state — every byte save() writes — is either
// the documented new one or exactly the old one:
//   - a completed fit, fitAsync or fitDataset: what fit computes from the old state (fitAsync
//     trains exactly as fit does; fitDataset on fit's unshuffled batches gives fit's numbers);
//   - a fitDataset whose source fails, or that is aborted, in epoch k, and a fitAsync aborted in
//     epoch k: what fit computes in the k epochs before it (the interrupted epoch is undone);
//   - a refused step, a predict, an already-aborted signal: the old state; save/load: the same bytes.
// STATE_PROPERTY_RUNS (default 12, a few seconds) sets the number of sequences;
// `npm run test:state-properties` runs 2,000 for a longer search.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Batch, CreateOptions, OptimizerOptions } from '../src/index.js';
// The compiled package (dist/, built by `npm test`'s pretest), so that fitAsync({ worker: true }) finds its worker script.
import { DisposedError, MLP } from '../dist/index.js';
import { Random } from '../src/core/random.js';

const RUNS = Number(process.env.STATE_PROPERTY_RUNS ?? 12);
const ROWS = 16;
const BATCH = 4;
const BATCHES = ROWS / BATCH;
const OPTIONS = { layers: [3, 4, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', dropout: 0.2, normalization: ['batch-norm'], seed: 3 } as CreateOptions;

const random = new Random(8);
const X = Float64Array.from({ length: ROWS * 3 }, () => random.normal());
const labels = Int32Array.from({ length: ROWS }, (_, i) => (X[i * 3] > 0 ? 1 : 0));
const batches = (): Batch[] => Array.from({ length: BATCHES }, (_, b) => ({ x: X.subarray(b * BATCH * 3, (b + 1) * BATCH * 3), y: labels.subarray(b * BATCH, (b + 1) * BATCH) }));

const optimizer = fc.constantFrom<OptimizerOptions | undefined>(undefined, { type: 'sgd', learningRate: 0.1 }, { type: 'adam', learningRate: 0.01 }, { type: 'rmsprop', learningRate: 0.01 });
const at = (epochs: number) => fc.record({ epoch: fc.integer({ min: 0, max: epochs - 1 }), batch: fc.integer({ min: 0, max: BATCHES - 1 }) });
const action = fc.oneof(
  fc.record({ type: fc.constant('fit' as const), epochs: fc.integer({ min: 1, max: 2 }), optimizer, shuffle: fc.boolean() }),
  fc.integer({ min: 1, max: 2 }).chain((epochs) => fc.record({ type: fc.constant('fitAsync' as const), epochs: fc.constant(epochs), optimizer, abortAt: fc.option(at(epochs)), worker: fc.boolean() })),
  fc.integer({ min: 1, max: 2 }).chain((epochs) => fc.record({
    type: fc.constant('fitDataset' as const), epochs: fc.constant(epochs), optimizer,
    failure: fc.option(fc.record({ kind: fc.constantFrom('throws' as const, 'bad batch' as const, 'abort in the source' as const, 'abort in a callback' as const), where: at(epochs) })),
  })),
  fc.record({ type: fc.constant('already aborted' as const), call: fc.constantFrom('fit' as const, 'fitAsync' as const, 'fitDataset' as const), optimizer }),
  fc.record({ type: fc.constant('step' as const), bad: fc.boolean() }),
  fc.constant({ type: 'predict' as const }),
  fc.constant({ type: 'save/load' as const }),
  fc.constant({ type: 'dispose' as const }),
);
type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

/** What fit computes from `state` in `epochs` epochs (the old state for 0): the documented new state. */
async function fitFrom(state: Uint8Array, epochs: number, o: { optimizer?: OptimizerOptions; shuffle: boolean }): Promise<Uint8Array> {
  if (epochs === 0) return state;
  const reference = await MLP.load(state);
  reference.fit(X, labels, { epochs, batchSize: BATCH, shuffle: o.shuffle, ...(o.optimizer && { optimizer: o.optimizer }) });
  return reference.save();
}

/** Runs one action; returns the network to go on with and the state it must now have. */
async function run(net: MLP, a: Action): Promise<{ net: MLP; expected: Uint8Array }> {
  const old = net.save();
  const given = (o: OptimizerOptions | undefined) => (o ? { optimizer: o } : {});
  switch (a.type) {
    case 'fit':
      net.fit(X, labels, { epochs: a.epochs, batchSize: BATCH, shuffle: a.shuffle, ...given(a.optimizer) });
      return { net, expected: await fitFrom(old, a.epochs, { ...a, shuffle: a.shuffle }) };
    case 'fitAsync': {
      const controller = new AbortController();
      const stopAt = a.abortAt;
      const history = await net.fitAsync(X, labels, {
        worker: a.worker, epochs: a.epochs, batchSize: BATCH, ...given(a.optimizer), signal: controller.signal,
        onBatchEnd: (b, logs) => { if (stopAt && epochOf(logs.epoch) === stopAt.epoch && b === stopAt.batch) controller.abort(); },
      });
      const completed = stopAt ? stopAt.epoch : a.epochs;
      expect(history.stopReason).toBe(stopAt ? 'aborted' : 'epochs');
      return { net, expected: await fitFrom(old, completed, { optimizer: a.optimizer, shuffle: true }) };
    }
    case 'fitDataset': {
      const controller = new AbortController();
      const f = a.failure;
      const hit = (epoch: number, b: number) => f !== null && epochOf(epoch) === f.where.epoch && b === f.where.batch;
      const dataset = (epoch: number) => (function* () {
        for (const [b, batch] of batches().entries()) {
          if (hit(epoch, b) && f!.kind === 'throws') throw new Error('injected: the source failed');
          // An abort while the loop waits for this batch: the call rejects with an AbortError.
          if (hit(epoch, b) && f!.kind === 'abort in the source') controller.abort();
          yield hit(epoch, b) && f!.kind === 'bad batch' ? { x: batch.x, y: Int32Array.from(batch.y as Int32Array, () => 5) } : batch;
        }
      })();
      // An abort between batches: the call returns with stopReason 'aborted'.
      const onBatchEnd = (b: number, logs: { epoch: number }) => { if (hit(logs.epoch, b) && f!.kind === 'abort in a callback') controller.abort(); };
      const call = net.fitDataset(dataset, { epochs: a.epochs, ...given(a.optimizer), signal: controller.signal, onBatchEnd });
      const rejection = { throws: /injected/, 'bad batch': /must be a class label/, 'abort in the source': /options\.signal was aborted/ } as Record<string, RegExp>;
      if (f && rejection[f.kind]) await expect(call).rejects.toThrow(rejection[f.kind]);
      else expect((await call).stopReason).toBe(f ? 'aborted' : 'epochs');
      return { net, expected: await fitFrom(old, f ? f.where.epoch : a.epochs, { optimizer: a.optimizer, shuffle: false }) };
    }
    case 'already aborted': {
      const o = { signal: AbortSignal.abort(), ...given(a.optimizer) };
      const history = a.call === 'fit' ? net.fit(X, labels, o) : a.call === 'fitAsync' ? await net.fitAsync(X, labels, o) : await net.fitDataset(batches, o);
      expect(history.stopReason).toBe('aborted');
      return { net, expected: old };
    }
    case 'step': {
      if (!a.bad) {
        const reference = await MLP.load(old);
        reference.step(X, labels);
        net.step(X, labels);
        return { net, expected: reference.save() };
      }
      const bad = X.slice();
      bad[5] = Number.NaN;
      expect(() => net.step(bad, labels)).toThrow(/NaN/);
      return { net, expected: old };
    }
    case 'predict':
      net.predict(X);
      return { net, expected: old };
    case 'save/load':
      return { net: await MLP.load(old), expected: old };
    case 'dispose': {
      net.dispose();
      expect(() => net.save()).toThrow(DisposedError);
      await expect(net.fitDataset(batches)).rejects.toThrow(DisposedError);
      return { net: await MLP.load(old), expected: old };
    }
  }
}

/** Epochs are numbered over a network's life; the injections name them from the call's start. */
let firstEpoch = 0;
const epochOf = (lifeEpoch: number) => lifeEpoch - firstEpoch;

describe('after every call the state is the documented new one or byte for byte the old one', () => {
  it(`${RUNS} random sequences of calls with injected failures`, async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 6 }), async (actions) => {
      let net = await MLP.create(OPTIONS);
      for (const [i, a] of actions.entries()) {
        firstEpoch = net.epoch;
        const { net: next, expected } = await run(net, a);
        net = next;
        expect(Buffer.from(net.save()).equals(Buffer.from(expected)), `after call ${i} (${JSON.stringify(a)})`).toBe(true);
      }
      net.dispose();
    }), { numRuns: RUNS });
  }, 120_000);
});
