// One network state (src/state/network-state.ts): every path that saves, restores, moves or
// hands over a network carries the whole state — every byte `save()` writes — and every call
// that fails or is aborted leaves it exactly as it was: θ, the optimizer's configuration and
// moments, batch norm's statistics, both generators, fit's counters and plateau state.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { AbortError, DisposedError, MLP, ValueError, type Backend, type Batch, type CreateOptions } from '../src/index.js';
import { STATE_PIECES } from '../src/state/network-state.js';
import { checkpointOf, stateOfCheckpoint } from '../src/io/state-files.js';
import { readCheckpoint, writeCheckpoint } from '../src/io/checkpoint.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';
import { randomData, type NetSpec } from './helpers.js';
// Worker mode runs the compiled package (dist/), whose worker script sits beside its code.
import { MLP as BuiltMLP } from '../dist/index.js';

const spec: NetSpec = { layers: [4, 6, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy' };
const options = { ...spec, seed: 5, dropout: 0.25, normalization: ['batch-norm'] } as CreateOptions;
const { X, Y } = randomData(spec, 40, 2);
const batches = (n = 40, size = 8): Batch[] => Array.from({ length: Math.ceil(n / size) }, (_, b) => ({ x: X.subarray(b * size * 4, Math.min(n, (b + 1) * size) * 4), y: (Y as Float64Array).subarray(b * size * 3, Math.min(n, (b + 1) * size) * 3) }));

/** A network with every piece of state away from its default: Adam's moments, running statistics, both generators used, a plateau schedule's state. */
async function trained(backend: Backend = 'wasm', extra: Partial<CreateOptions> = {}): Promise<MLP> {
  const net = await MLP.create({ ...options, backend, ...extra } as CreateOptions);
  net.fit(X, Y, { epochs: 3, batchSize: 8, optimizer: { type: 'adam', learningRate: 0.01 }, schedule: { type: 'reduce-on-plateau', patience: 0, factor: 0.5 } });
  return net;
}

const failingSource = (after: number) => function* (): Generator<Batch> {
  const all = batches();
  for (let b = 0; b < after; b++) yield all[b];
  throw new Error('the source failed');
};

describe('the checkpoint holds every piece of the state', () => {
  it('save() bytes decode to every piece and encode back to the same bytes', async () => {
    const net = await trained();
    const bytes = net.save();
    const contents = readCheckpoint('test', bytes);
    const state = stateOfCheckpoint(contents);
    expect(Object.keys(state).sort()).toEqual([...STATE_PIECES].sort());
    expect(state.optimizer.config.type).toBe('adam');
    expect(state.training.plateau).not.toBeNull();
    expect(state.batchesTracked).toBeGreaterThan(0);
    expect(writeCheckpoint(checkpointOf(contents.architecture, contents.backend, state))).toEqual(bytes);
  });
});

describe('every path carries the whole state, byte for byte', () => {
  for (const backend of ['wasm', 'js'] as const) {
    it(`${backend}: save/load, toJSON/fromJSON with training, a second save after both`, async () => {
      const net = await trained(backend);
      const bytes = net.save();
      expect((await MLP.load(bytes)).save()).toEqual(bytes);
      expect((await MLP.fromJSON(JSON.stringify(net.toJSON({ training: true })))).save()).toEqual(bytes);
      // Loading into the other backend keeps every piece too (only the saved backend's name differs).
      const other = backend === 'wasm' ? 'js' : 'wasm';
      const moved = await MLP.load(bytes, { backend: other });
      expect((await MLP.load(moved.save(), { backend })).save()).toEqual(bytes);
    });
  }

  it('safetensors carries θ and the running statistics (the pieces it stores)', async () => {
    const net = await trained();
    const copy = await MLP.fromSafetensors(net.toSafetensors());
    expect(copy.getParameters()).toEqual(net.getParameters());
    expect(copy.getRunningStatistics()).toEqual(net.getRunningStatistics());
  });

  it('restoreBest puts back the best epoch exactly: the same bytes as a fit that stopped there', async () => {
    const a = await MLP.create(options);
    const b = await MLP.create(options);
    const validationData = { X: X.subarray(0, 16 * 4), Y: (Y as Float64Array).subarray(0, 16 * 3) };
    const history = a.fit(X, Y, { epochs: 6, batchSize: 8, learningRate: 0.5, shuffle: false, validationData, earlyStopping: { patience: 2, restoreBest: true } });
    const best = history.bestEpoch!;
    b.fit(X, Y, { epochs: best + 1, batchSize: 8, learningRate: 0.5, shuffle: false, validationData });
    expect(a.getParameters()).toEqual(b.getParameters());
    expect(a.getRunningStatistics()).toEqual(b.getRunningStatistics());
  });

  it('the worker hand-off: fitAsync({ worker: true }) aborted before its first epoch ends hands back every byte', async () => {
    const net = await BuiltMLP.load((await trained()).save());
    const before = net.save();
    const controller = new AbortController();
    const history = await net.fitAsync(X, Y, { worker: true, epochs: 3, batchSize: 8, optimizer: { type: 'sgd', learningRate: 0.1 }, signal: controller.signal, onBatchEnd: (b) => (b === 1 ? controller.abort() : undefined) });
    expect(history.stopReason).toBe('aborted');
    expect(net.save()).toEqual(before);
  });

  describe.runIf(availableParallelism() > 1)("threads: 'auto'", () => {
    afterAll(() => setWorkPerThread());
    it('the move to the threaded build carries every byte', async () => {
      // 63 parameters: batches of 40 rows are worth two threads, fit's 8 and the default 32 are not.
      setWorkPerThread(1100);
      const net = await trained('wasm', { threads: 'auto' });
      const before = net.save();
      net.loss(X, Y); // 40 rows: worth two threads, so the network moves before computing
      expect((net as unknown as { engine: { parameters(): Float32Array } }).engine.parameters().buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(net.save()).toEqual(before);
    });
  });
});

describe('a failed or aborted call leaves every byte save() writes as it was', () => {
  const sgd = { type: 'sgd', learningRate: 0.1 } as const;
  const cases: { name: string; call: (net: MLP) => Promise<unknown>; rejects?: RegExp; worker?: boolean }[] = [
    { name: "fitDataset({ optimizer: 'sgd' }) whose source throws in its first epoch", call: (net) => net.fitDataset(failingSource(2), { optimizer: sgd }), rejects: /the source failed/ },
    { name: 'fitDataset with a bad batch', call: (net) => net.fitDataset(() => [batches()[0], { x: [[1, 2, 3, Number.NaN]], y: [[1, 0, 0]] }], { optimizer: sgd }), rejects: /batch 1 of epoch 3/ },
    { name: 'fitDataset with no batches', call: (net) => net.fitDataset(() => [], { optimizer: sgd }), rejects: /gave no batches/ },
    { name: 'fitDataset with an already-aborted signal', call: (net) => net.fitDataset(() => batches(), { optimizer: sgd, signal: AbortSignal.abort() }) },
    { name: 'fitDataset aborted in its first epoch', call: (net) => {
      const controller = new AbortController();
      return net.fitDataset(() => batches(), { optimizer: sgd, signal: controller.signal, onBatchEnd: (b) => (b === 1 ? controller.abort() : undefined) });
    } },
    { name: 'fitAsync aborted in its first epoch', call: (net) => {
      const controller = new AbortController();
      return net.fitAsync(X, Y, { optimizer: sgd, batchSize: 8, signal: controller.signal, onBatchEnd: (b) => (b === 2 ? controller.abort() : undefined) });
    } },
    { name: 'fitAsync with an already-aborted signal', call: (net) => net.fitAsync(X, Y, { optimizer: sgd, signal: AbortSignal.abort() }) },
    { name: 'fitAsync({ worker: true }) aborted in its first epoch', worker: true, call: (net) => {
      const controller = new AbortController();
      return net.fitAsync(X, Y, { worker: true, optimizer: sgd, batchSize: 8, signal: controller.signal, onBatchEnd: (b) => (b === 2 ? controller.abort() : undefined) });
    } },
    { name: 'fit with a bad option', call: async (net) => net.fit(X, Y, { optimizer: sgd, epochs: 0 }), rejects: /epochs/ },
    { name: 'step with a NaN in X', call: async (net) => net.step([[1, 2, 3, 4], [1, 2, Number.NaN, 4]], [[1, 0, 0], [0, 1, 0]]), rejects: /NaN/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const net = c.worker ? await BuiltMLP.load((await trained()).save()) as unknown as MLP : await trained();
      const before = net.save();
      if (c.rejects) await expect(c.call(net)).rejects.toThrow(c.rejects);
      else expect((await c.call(net) as { stopReason: string }).stopReason).toBe('aborted');
      expect(net.save()).toEqual(before);
      expect(net.optimizer.type).toBe('adam');
    });
  }

  it('fitDataset whose source throws in its second epoch puts back the end of the first', async () => {
    const net = await trained();
    const reference = await MLP.load(net.save());
    await reference.fitDataset(() => batches(), { optimizer: sgd, epochs: 1 });
    await expect(net.fitDataset((epoch) => (epoch === 4 ? failingSource(1)() : batches()), { optimizer: sgd, epochs: 3 })).rejects.toThrow(/the source failed/);
    expect(net.save()).toEqual(reference.save());
  });

  it('on a fresh network a failed fitDataset leaves plain SGD, not the Adam it would have installed', async () => {
    const net = await MLP.create(options);
    const before = net.save();
    await expect(net.fitDataset(failingSource(1))).rejects.toThrow(/the source failed/);
    expect(net.save()).toEqual(before);
    expect(net.optimizer.type).toBe('sgd');
    const reference = await MLP.create(options);
    expect(net.step(X, Y)).toBe(reference.step(X, Y));
    expect(net.save()).toEqual(reference.save());
  });
});

describe('a stalled source cannot hold the network', () => {
  it("after the signal aborts, fitDataset rejects at once with an AbortError, undoes the epoch, and the network is free", async () => {
    const net = await trained();
    const before = net.save();
    const controller = new AbortController();
    let closed = false;
    const stalled: AsyncIterable<Batch> = {
      [Symbol.asyncIterator]: () => {
        let given = 0;
        return {
          next: () => (given++ < 2 ? Promise.resolve({ done: false, value: batches()[given - 1] }) : new Promise<IteratorResult<Batch>>(() => undefined)),
          return: () => { closed = true; return new Promise<IteratorResult<Batch>>(() => undefined); },
        };
      },
    };
    const call = net.fitDataset(() => stalled, { optimizer: { type: 'sgd', learningRate: 0.1 }, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const error = await call.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe('AbortError');
    expect((error as Error).message).toMatch(/^fitDataset: options\.signal was aborted/);
    expect(closed).toBe(true);
    expect(net.save()).toEqual(before);
    // Free again: a later training call runs, and dispose works.
    const history = await net.fitDataset(() => batches(), { epochs: 1 });
    expect(history.epochs).toBe(1);
    net.dispose();
    expect(net.disposed).toBe(true);
  });

  it('dispose() settles a fitDataset waiting for a batch that never comes, with a DisposedError', async () => {
    const net = await trained();
    const never: AsyncIterable<Batch> = { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Batch>>(() => undefined) }) };
    const call = net.fitDataset(() => never);
    setTimeout(() => net.dispose(), 20);
    await expect(call).rejects.toThrow(new DisposedError('fitDataset: this network was disposed while training; training stopped there (create or load a new network)'));
  });

  it('without an abort, a batch that arrives late is trained as usual', async () => {
    const net = await MLP.create(options);
    const reference = await MLP.create(options);
    const controller = new AbortController();
    async function* slow() {
      for (const batch of batches()) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield batch;
      }
    }
    await net.fitDataset(slow, { epochs: 2, learningRate: 0.1, signal: controller.signal });
    await reference.fitDataset(() => batches(), { epochs: 2, learningRate: 0.1 });
    expect(net.save()).toEqual(reference.save());
  });

  it('refuses nothing it accepted before: a ValueError for a dataset that is not a function', async () => {
    const net = await MLP.create(options);
    await expect(net.fitDataset(42 as never)).rejects.toBeInstanceOf(ValueError);
  });
});
