// Multi-core training: a network on 2 or 3 threads computes bit-for-bit what it computes on
// one (every activation, loss and dtype, odd batch sizes, shares that are empty), a worker's
// failure surfaces in the caller and leaves the network usable, and threads fall back to one
// with a reason where shared memory is unavailable.
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MLP, WorkerError, setKernelVariant, supportedKernelVariants, type DType } from '../src/index.js';
import type { OptimizerOptions } from '../src/registry/optimizers.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';
import { networkSpecs, randomData, type NetSpec } from './helpers.js';
import { setShareCuts, threadingOf } from '../src/api/test-seam.js';

const threading = threadingOf;
const bits = (a: Float32Array | Float64Array | number[]) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

/** Cuts with thread 0's share of every phase ending at `first`, the other threads' equal. */
const firstShareCuts = (threads: number, first: number) => [0, ...Array.from({ length: threads - 1 }, (_, t) => first + ((1 - first) * t) / (threads - 1)), 1];

/**
 * Equal cuts, but thread `thread`'s share starting at −500,000 × its items: far outside memory, so
 * that thread traps (memory access out of bounds) at its first row, as a real fault in it does,
 * while the thread before it gets an empty share.
 */
const faultyCuts = (threads: number, thread: number) => Array.from({ length: threads + 1 }, (_, t) => (t === thread ? -5e5 : t / threads));

/**
 * Everything a network computes, in a form compared bit for bit. `firstShare`: thread 0's share
 * of every phase is cut there instead of equally (the shares then move as the threads measure).
 */
async function runAll(spec: NetSpec, dtype: DType, threads: number, rows: number, training: { optimizer?: OptimizerOptions; dropout?: number; firstShare?: number } = {}) {
  const net = await MLP.create({ ...spec, dtype, threads, seed: 11, dropout: training.dropout });
  // One thread has one share, and no table to write.
  if (training.firstShare !== undefined && threads > 1) {
    setShareCuts(net, firstShareCuts(threads, training.firstShare));
    // The kernels read the table the seam wrote.
    expect(threading(net).cuts()).toEqual(firstShareCuts(threads, training.firstShare));
  }
  if (training.optimizer) net.setOptimizer(training.optimizer);
  const { X, Y } = randomData(spec, rows, 5);
  const out = {
    predict: bits(net.predict(X) as Float64Array),
    loss: bits([net.loss(X, Y)]),
    gradient: bits(net.gradient(X, Y)),
    steps: bits([0, 1, 2].map(() => net.step(X, Y, { learningRate: training.optimizer ? undefined : 0.05 }))),
    afterSteps: bits(net.getParameters()),
    // A last, partial batch, and batches smaller than threads × 4 rows.
    fit: bits(net.fit(X, Y, { epochs: 3, batchSize: 5, learningRate: training.optimizer ? undefined : 0.05 }).loss),
    afterFit: bits(net.getParameters()),
    // fitAsync trains a few batches per engine call, between which it yields.
    fitAsync: bits((await net.fitAsync(X, Y, { epochs: 2, batchSize: 4, learningRate: training.optimizer ? undefined : 0.05 })).loss),
    afterFitAsync: bits(net.getParameters()),
    parallelCalls: threading(net).parallelCalls,
  };
  net.dispose();
  return out;
}

// One spec per hidden activation and per output/loss pairing, plus a network without hidden layers,
// every smooth activation (their slopes are stored in z by each thread's rows) in two networks,
// and the robust regression losses.
const specs: NetSpec[] = [
  ...networkSpecs().filter((_, i, all) => i % 7 === 0 || i === all.length - 1),
  { layers: [4, 6, 5, 4, 3], activations: ['gelu', 'silu', 'mish', 'elu'], loss: 'mse' },
  { layers: [4, 6, 5, 4, 3], activations: ['gelu-tanh', 'selu', 'softplus', 'softmax'], loss: 'cross-entropy' },
  // The robust losses, one through a smooth output.
  { layers: [4, 6, 3], activations: ['relu', 'gelu'], loss: 'huber', lossOptions: { delta: 0.3 } },
  { layers: [4, 6, 3], activations: ['tanh', 'linear'], loss: 'smooth-l1', lossOptions: { beta: 0.5 } },
  { layers: [4, 6, 3], activations: ['tanh', 'linear'], loss: 'l1' },
];

/**
 * What `run` computes on 2 and 3 threads equals, bit for bit, what it computes on one, and the
 * threaded path really ran (more than `minCalls` parallel calls; none on one thread).
 */
async function expectAsOnOneThread(run: (threads: number) => Promise<{ parallelCalls: number }>, minCalls = 5): Promise<void> {
  const { parallelCalls: none, ...one } = await run(1);
  expect(none).toBe(0);
  for (const threads of [2, 3]) {
    const { parallelCalls, ...many } = await run(threads);
    expect(parallelCalls).toBeGreaterThan(minCalls);
    expect(many).toEqual(one);
  }
}

describe('bit-identical to one thread, with every call run on every thread', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());

  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(specs.map((s) => [`${s.layers.join('-')} ${s.activations.join(',')} ${s.loss}`, s] as const))('%s', async (_, spec) => {
      await expectAsOnOneThread((threads) => runAll(spec, dtype, threads, 13));
    });
  });
});

describe('bit-identical with every optimizer, clipping and dropout, on every thread', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  // Layers split by rows; and layers wider than the batch, split by units on 2 and 3 threads
  // (the last one too), each thread updating the units it computes.
  const specs: NetSpec[] = [
    { layers: [7, 9, 6, 4], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy' },
    { layers: [7, 64, 48, 50], activations: ['relu', 'tanh', 'linear'], loss: 'mse' },
  ];
  const optimizers: OptimizerOptions[] = [
    { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, clipNorm: 0.5 },
    { type: 'sgd', learningRate: 0.05, momentum: 0.5, dampening: 0.1, clipValue: 0.01 },
    { type: 'adam', learningRate: 0.01, amsgrad: true, weightDecay: 1e-2, clipNorm: 0.1, clipValue: 0.05 },
    { type: 'adamw', learningRate: 0.01 },
    { type: 'rmsprop', learningRate: 0.01, momentum: 0.3, centered: true, weightDecay: 1e-3 },
    { type: 'adagrad', learningRate: 0.05, learningRateDecay: 0.01, initialAccumulatorValue: 0.1, clipNorm: 1 },
  ];
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(optimizers.flatMap((o) => specs.map((spec) => [`${spec.layers.join('-')}, ${JSON.stringify(o)}`, spec, o] as const)))('%s with dropout 0.3', async (_, spec, optimizer) => {
      await expectAsOnOneThread((threads) => runAll(spec, dtype, threads, 23, { optimizer, dropout: 0.3 }));
    });
  });
});

describe('bit-identical with layers split by units and a weighted loss', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  // The loss's weights are read after every row is staged, before the next batch replaces them.
  it.each(['float32', 'float64'] as const)('%s: class weights, label smoothing and sample weights in fit', async (dtype) => {
    const spec: NetSpec = { layers: [7, 64, 48, 4], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy' };
    const { X } = randomData(spec, 41, 3);
    const labels = Array.from({ length: 41 }, (_, i) => (i * 7) % 4);
    const sampleWeight = Array.from({ length: 41 }, (_, i) => 0.25 + (i % 5) / 2);
    const run = async (threads: number) => {
      const net = await MLP.create({ ...spec, dtype, threads, seed: 6, lossOptions: { classWeights: [1, 2, 0.5, 1.5], labelSmoothing: 0.1 } });
      const loss = net.fit(X, labels, { epochs: 3, batchSize: 6, sampleWeight, optimizer: { type: 'adam', learningRate: 0.01 } }).loss;
      const out = { loss: bits(loss), theta: bits(net.getParameters()), parallelCalls: threading(net).parallelCalls };
      net.dispose();
      return out;
    };
    await expectAsOnOneThread(run, 0);
  });
});

describe('bit-identical with shares cut anywhere', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  // Where the shares are cut follows the threads' measured speeds: results may not depend on it.
  const specs: NetSpec[] = [
    { layers: [7, 9, 6, 4], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy' },
    { layers: [7, 64, 48, 50], activations: ['gelu', 'sigmoid', 'linear'], loss: 'mse' },
    { layers: [7, 200, 150, 4], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy' },
  ];
  const optimizer: OptimizerOptions = { type: 'adam', learningRate: 0.01, clipNorm: 0.5 };
  it.each(specs.map((s) => [s.layers.join('-'), s] as const))('%s', async (_, spec) => {
    for (const firstShare of [0.05, 0.3, 0.9]) {
      await expectAsOnOneThread((threads) => runAll(spec, 'float32', threads, 37, { optimizer, dropout: 0.2, firstShare }));
    }
  });

  it.runIf(availableParallelism() > 1)('the shares move towards the threads\' speeds, and stay between a quarter and 1¾ of an equal share', async () => {
    const spec: NetSpec = { layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy' };
    const { X, Y } = randomData(spec, 512, 2);
    const net = await MLP.create({ ...spec, threads: 2, seed: 4 });
    expect(threading(net).cuts()).toEqual([0, 0.5, 1]);
    net.fit(X, Y, { epochs: 4, batchSize: 64, optimizer: { type: 'sgd' } });
    const [first, cut, last] = threading(net).cuts();
    expect([first, last]).toEqual([0, 1]);
    expect(cut).not.toBe(0.5); // measured: two threads are never exactly as fast
    expect(cut).toBeGreaterThanOrEqual(0.125);
    expect(cut).toBeLessThanOrEqual(0.875);
    net.dispose();
  });
});

describe('dropout masks drawn by every thread from their place in one stream', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  // Shares of 32 and more rows of 200 and 150 units: the threads skip thousands of draws (the
  // generator's jump, not a loop of draws), over two dropout layers and a partial last batch.
  const spec: NetSpec = { layers: [7, 200, 150, 4], activations: ['relu', 'gelu', 'softmax'], loss: 'cross-entropy' };
  it.each(['float32', 'float64'] as const)('%s', async (dtype) => {
    await expectAsOnOneThread((threads) => runAll(spec, dtype, threads, 70, { optimizer: { type: 'adam', learningRate: 0.01 }, dropout: 0.4 }));
  });
});

describe('bit-identical on a network above the work threshold, in every kernel build', () => {
  afterAll(() => setKernelVariant('auto'));
  const cases = supportedKernelVariants().flatMap((variant) => (['float32', 'float64'] as const).map((dtype) => [variant, dtype] as const));
  it.each(cases)('%s %s 128-160-33-10, 150 rows', async (variant, dtype) => {
    setKernelVariant(variant);
    const spec: NetSpec = { layers: [128, 160, 33, 10], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy' };
    const one = await runAll(spec, dtype, 1, 150);
    const { parallelCalls, ...two } = await runAll(spec, dtype, 2, 150);
    expect(parallelCalls).toBeGreaterThan(0);
    const { parallelCalls: none, ...single } = one;
    expect(none).toBe(0);
    expect(two).toEqual(single);
  });
});

describe("threads: 'auto' starts its workers at the first call worth them", () => {
  it.runIf(availableParallelism() > 1)('a 2-D toy network never starts them; a 784-128-10 fit at batch 64 starts them in its first call, bit-for-bit', async () => {
    const toySpec: NetSpec = { layers: [2, 16, 16, 2], activations: ['tanh', 'tanh', 'softmax'], loss: 'cross-entropy' };
    const toy = await MLP.create({ ...toySpec, threads: 'auto' });
    const small = randomData(toySpec, 256, 1);
    toy.fit(small.X, small.Y, { epochs: 3, batchSize: 32 });
    toy.step(small.X, small.Y);
    toy.predict(small.X);
    expect(threading(toy)).toMatchObject({ workers: 0, parallelCalls: 0 });
    toy.dispose();

    const spec: NetSpec = { layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy' };
    const { X, Y } = randomData(spec, 128, 2);
    const net = await MLP.create({ ...spec, threads: 'auto', seed: 4 });
    const one = await MLP.create({ ...spec, threads: 1, seed: 4 });
    expect(threading(net).workers).toBe(0);
    // A batch of 8 rows is not worth a second thread: still none.
    net.step(X.subarray(0, 8 * 784), Y.subarray(0, 8 * 10), { learningRate: 0.05 });
    one.step(X.subarray(0, 8 * 784), Y.subarray(0, 8 * 10), { learningRate: 0.05 });
    expect(threading(net).workers).toBe(0);
    const options = { epochs: 2, batchSize: 64, learningRate: 0.05, optimizer: { type: 'sgd' } } as const;
    const loss = net.fit(X, Y, options).loss;
    // Node waits for the workers inside the call, so that very call ran on them.
    expect(threading(net).workers).toBe(net.threads - 1);
    expect(threading(net).parallelCalls).toBeGreaterThan(0);
    expect(loss).toEqual(one.fit(X, Y, options).loss);
    expect(bits(net.getParameters())).toEqual(bits(one.getParameters()));
    net.dispose();
    one.dispose();
  });
});

describe('barriers per training step', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());

  // The README's formula: L + 2 for L layers, +1 with global-norm clipping; dropout adds none
  // (each thread draws its rows' masks itself).
  it.each([
    ['plain', {}, {}, 0],
    ['dropout', { dropout: 0.25 }, {}, 0],
    ['clipNorm', {}, { clipNorm: 1 }, 1],
    ['clipValue (no barrier)', {}, { clipValue: 0.01 }, 0],
    ['dropout and clipNorm', { dropout: 0.25 }, { clipNorm: 1, clipValue: 0.01 }, 1],
  ] as const)('%s', async (_, options, optimizer, extra) => {
    for (const layers of [[6, 8, 3], [6, 8, 8, 8, 3]]) {
      const L = layers.length - 1;
      const activations = [...Array(L - 1).fill('tanh'), 'softmax'];
      const spec: NetSpec = { layers, activations, loss: 'cross-entropy' };
      for (const threads of [2, 3]) {
        const net = await MLP.create({ ...spec, threads, seed: 3, ...options });
        net.setOptimizer({ type: 'sgd', learningRate: 0.1, ...optimizer });
        const { X, Y } = randomData(spec, 24, 2);
        const before = threading(net).barriers;
        net.step(X, Y);
        expect(threading(net).barriers - before).toBe(L + 2 + extra);
        net.dispose();
      }
    }
  });
});

describe('barriers per training step, with layers split by units', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());

  // The README's count: L + 2, plus one for each layer split by units and one for each run of
  // consecutive split layers, less one when the first layer is split; in fit, a step whose first
  // layer is split, as the next step's is, drops its last barrier (one in 8 keeps it).
  it.each([
    [[6, 64, 10], 2 + 2 + 1 + 1 - 1],
    [[6, 64, 64, 3], 3 + 2 + 2 + 1 - 1],
    [[6, 8, 64, 3], 3 + 2 + 1 + 1],
    [[6, 64, 8, 64, 3], 4 + 2 + 2 + 2 - 1],
  ] as const)('%j', async (layers, expected) => {
    const L = layers.length - 1;
    const spec: NetSpec = { layers: [...layers], activations: [...Array(L - 1).fill('relu'), 'softmax'], loss: 'cross-entropy' };
    for (const threads of [2, 3]) {
      const net = await MLP.create({ ...spec, threads, seed: 3 });
      net.setOptimizer({ type: 'sgd', learningRate: 0.1 });
      const { X, Y } = randomData(spec, 24, 2);
      let before = threading(net).barriers;
      net.step(X, Y);
      expect(threading(net).barriers - before).toBe(expected);
      // One epoch of 4 batches in one call: the shuffle's barrier, then 4 steps, the last with its own last barrier.
      before = threading(net).barriers;
      net.fit(X, Y, { epochs: 1, batchSize: 6 });
      // A layer is split by units when it has more units than the batch has rows, and 16 a thread.
      const overlapped = layers[1] > 6 && layers[1] >= 16 * threads ? 3 : 0;
      expect(threading(net).barriers - before).toBe(1 + 4 * expected - overlapped);
      net.dispose();
    }
  });
});

describe('small networks stay on one thread', () => {
  it("the seed's 2-1-1 network and a 2-D toy make no parallel call with threads: 'auto'", async () => {
    for (const spec of [
      { layers: [2, 1, 1], activations: ['relu', 'linear'] },
      { layers: [2, 16, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy' },
    ] as const) {
      const net = await MLP.create({ ...spec, threads: 'auto' });
      const { X, Y } = randomData({ loss: 'mse', ...spec } as NetSpec, 64, 1);
      net.fit(X, spec.layers[2] === 3 ? Array.from({ length: 64 }, (_, i) => i % 3) : Y, { epochs: 2, batchSize: 32 });
      net.step(X, spec.layers[2] === 3 ? Array.from({ length: 64 }, (_, i) => i % 3) : Y);
      expect(threading(net).parallelCalls).toBe(0);
      net.dispose();
    }
  });
});

describe('a failure in a thread', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  const spec: NetSpec = { layers: [6, 8, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy' };
  const { X, Y } = randomData(spec, 20, 2);

  it('in a worker surfaces as a WorkerError in the caller; the network is unchanged and keeps training', async () => {
    const net = await MLP.create({ ...spec, threads: 3, seed: 4 });
    const reference = await MLP.create({ ...spec, threads: 1, seed: 4 });
    const before = bits(net.getParameters());
    setShareCuts(net, faultyCuts(3, 2));
    expect(() => net.step(X, Y)).toThrow(WorkerError);
    expect(bits(net.getParameters())).toEqual(before);
    // Usable at once (on one thread while new workers start), and as exact as ever.
    expect(net.fit(X, Y, { epochs: 2, batchSize: 8 }).loss).toEqual(reference.fit(X, Y, { epochs: 2, batchSize: 8 }).loss);
    await untilParallelAgain(net, () => reference.step(X, Y));
    expect(bits(net.getParameters())).toEqual(bits(reference.getParameters()));
    // The new workers fail and recover the same way.
    const trained = bits(net.getParameters());
    setShareCuts(net, faultyCuts(3, 1));
    expect(() => net.fit(X, Y, { epochs: 2, batchSize: 8, shuffle: false })).toThrow(/^worker thread 1: RuntimeError: memory access out of bounds\. The call was abandoned; the network stays usable/);
    expect(bits(net.getParameters())).toEqual(trained);
    await untilParallelAgain(net, () => reference.step(X, Y));
    expect(bits(net.getParameters())).toEqual(bits(reference.getParameters()));
    net.dispose();
    reference.dispose();
  });

  /** Steps `net` (and the reference, through `also`) until a step runs on several threads again. */
  async function untilParallelAgain(net: MLP, also: () => void): Promise<void> {
    const calls = threading(net).parallelCalls;
    for (let i = 0; i < 200 && threading(net).parallelCalls === calls; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      net.step(X, Y);
      also();
    }
    expect(threading(net).parallelCalls).toBeGreaterThan(calls);
  }

  it("in the caller's own share releases the workers and rethrows; the network stays usable", async () => {
    const net = await MLP.create({ ...spec, threads: 2, seed: 4 });
    setShareCuts(net, faultyCuts(2, 0));
    expect(() => net.gradient(X, Y)).toThrow(WebAssembly.RuntimeError);
    // The caller's own failure leaves the workers running, and the table as the test wrote it.
    setShareCuts(net, [0, 0.5, 1]);
    const reference = await MLP.create({ ...spec, threads: 1, seed: 4 });
    expect(bits(net.gradient(X, Y))).toEqual(bits(reference.gradient(X, Y)));
    net.dispose();
    reference.dispose();
  });
});

describe('threads option', () => {
  it("'auto' uses the available cores", async () => {
    const { availableParallelism } = await import('node:os');
    const net = await MLP.create({ layers: [2, 2], activations: ['linear'], threads: 'auto' });
    const cores = Math.min(availableParallelism(), 16);
    expect(net.threads).toBe(cores);
    expect(net.threadsFallbackReason).toBe(cores > 1 ? null : 'only one CPU core is available');
    net.dispose();
  });

  it('defaults to one thread, with no reason', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['linear'] });
    expect(net.threads).toBe(1);
    expect(net.threadsFallbackReason).toBeNull();
    net.dispose();
  });

  it('rejects what is not a thread count', async () => {
    for (const threads of [0, 1.5, -2, 'all', 1000, null]) {
      await expect(MLP.create({ layers: [2, 2], activations: ['linear'], threads: threads as number })).rejects.toThrow(
        `MLP.create: threads must be an integer in [1, 256] or 'auto', got ${threads === null ? 'null' : typeof threads === 'string' ? `"${threads}"` : threads}`,
      );
    }
  });

  it('falls back to one thread with the reason where SharedArrayBuffer is missing (a page without cross-origin isolation)', async () => {
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      const net = await MLP.create({ layers: [2, 2], activations: ['linear'], threads: 'auto' });
      expect(net.threads).toBe(1);
      expect(net.threadsFallbackReason).toMatch(/cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
      expect(net.fit([[1, 2]], [[3, 4]], { epochs: 2 }).epochs).toBe(2);
      net.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('the js backend runs on one thread and says so', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['linear'], backend: 'js', threads: 2 });
    expect(net.threads).toBe(1);
    expect(net.threadsFallbackReason).toBe('the js backend runs on one thread');
    net.dispose();
  });

  it('fromJSON takes threads too, and the copy trains identically', async () => {
    const spec: NetSpec = { layers: [5, 7, 2], activations: ['sigmoid', 'linear'], loss: 'mse' };
    const { X, Y } = randomData(spec, 30, 8);
    const net = await MLP.create({ ...spec, seed: 2 });
    const copy = await MLP.fromJSON(net.toJSON(), { threads: 2 });
    expect(copy.threads).toBe(2);
    setWorkPerThread(0);
    try {
      expect(bits(copy.fit(X, Y, { epochs: 3 }).loss)).toEqual(bits(net.fit(X, Y, { epochs: 3 }).loss));
    } finally {
      setWorkPerThread();
    }
    expect(bits(copy.getParameters())).toEqual(bits(net.getParameters()));
    expect(threading(copy).parallelCalls).toBeGreaterThan(0);
    copy.dispose();
    net.dispose();
  });
});
