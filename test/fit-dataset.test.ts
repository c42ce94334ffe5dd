// fitDataset: the same batches give fit's numbers bit for bit; streams of every kind (arrays,
// generators, async generators); batchesPerEpoch; errors that name the batch and leave the
// network as the last completed epoch left it; memory bounded by a batch, not the stream.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MLP, ValueError, type Batch, type Backend, type DType, type FitHistory } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { threadingOf } from '../src/api/test-seam.js';

const SPEC = { layers: [5, 7, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy' } as const;
const ROWS = 100;
const BATCH = 16;

function data(seed = 3) {
  const random = new Random(seed);
  const X = Float64Array.from({ length: ROWS * 5 }, () => random.normal());
  const labels = Int32Array.from({ length: ROWS }, (_, i) => (X[i * 5] + X[i * 5 + 1] > 0 ? 0 : X[i * 5 + 2] > 0 ? 1 : 2));
  return { X, labels };
}

/** fit's batches of an unshuffled epoch: consecutive slices, the last one smaller. */
function batchesOf(X: Float64Array, labels: Int32Array, size = BATCH): Batch[] {
  const out: Batch[] = [];
  for (let r = 0; r < labels.length; r += size) {
    const end = Math.min(r + size, labels.length);
    out.push({ x: X.slice(r * 5, end * 5), y: labels.slice(r, end) });
  }
  return out;
}

const bits = (a: ArrayLike<number>) => Array.from(a, (v) => Object.is(v, -0) ? '-0' : v.toString());
const same = (a: FitHistory, b: FitHistory) => {
  for (const key of ['loss', 'valLoss', 'valMetrics', 'learningRate', 'epochs', 'stopReason', 'bestEpoch'] as const) expect(a[key], key).toEqual(b[key]);
};

describe('fitDataset equals fit on the same batches, bit for bit', () => {
  const cases: { name: string; backend: Backend; dtype: DType; options: Record<string, unknown> }[] = [
    { name: 'wasm float32, plain SGD, nothing observed (fit runs its one-call fast path)', backend: 'wasm', dtype: 'float32', options: { learningRate: 0.1 } },
    { name: 'wasm float64, Adam, cosine schedule, validation, metrics, early stopping', backend: 'wasm', dtype: 'float64',
      options: { optimizer: { type: 'adam', learningRate: 0.01 }, schedule: { type: 'cosine', tMax: 4 }, metrics: ['accuracy'], earlyStopping: { patience: 1 } } },
    { name: 'js float32, SGD with momentum, clipping, a plateau schedule on the training loss', backend: 'js', dtype: 'float32',
      options: { optimizer: { type: 'sgd', learningRate: 0.2, momentum: 0.9, clipNorm: 1 }, schedule: { type: 'reduce-on-plateau', factor: 0.5, patience: 0 } } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { X, labels } = data();
      const validationData = c.options.metrics ? { X: X.slice(0, 40 * 5), Y: labels.slice(0, 40) } : undefined;
      const create = () => MLP.create({ ...SPEC, backend: c.backend, dtype: c.dtype, seed: 11, dropout: c.backend === 'js' ? 0.2 : 0 });
      const a = await create();
      const b = await create();
      const fitted = a.fit(X, labels, { ...c.options, validationData, epochs: 4, batchSize: BATCH, shuffle: false });
      const streamed = await b.fitDataset(() => batchesOf(X, labels), { ...c.options, validationData, epochs: 4 });
      expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
      same(streamed, fitted);
      expect(b.epoch).toBe(a.epoch);
      expect(bits(b.save())).toEqual(bits(a.save())); // optimizer state and fit's counters too
    });
  }

  it('from a generator and an async generator of plain-array batches, as from an array of typed ones', async () => {
    const { X, labels } = data();
    const plain = batchesOf(X, labels).map(({ x, y }) => ({ x: Array.from({ length: (x as Float64Array).length / 5 }, (_, i) => Array.from((x as Float64Array).subarray(i * 5, i * 5 + 5))), y: Array.from(y as Int32Array) }));
    const results: number[][] = [];
    for (const dataset of [
      () => batchesOf(X, labels),
      function* () { yield* plain; },
      async function* () { for (const batch of plain) { await new Promise((r) => setTimeout(r, 0)); yield batch; } },
    ]) {
      const net = await MLP.create({ ...SPEC, seed: 2 });
      await net.fitDataset(dataset, { epochs: 2, learningRate: 0.05 });
      results.push(Array.from(net.getParameters()));
      net.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("reports training metrics from each step's own forward pass, before its update (as Keras)", async () => {
    const { X, labels } = data();
    const batches = batchesOf(X, labels);
    const net = await MLP.create({ ...SPEC, seed: 5 });
    const shadow = await MLP.create({ ...SPEC, seed: 5 });
    let correct = 0;
    for (const { x, y } of batches) {
      const out = shadow.predict(x as Float64Array) as Float32Array;
      (y as Int32Array).forEach((label, i) => { const row = Array.from(out.subarray(i * 3, i * 3 + 3)); if (row.indexOf(Math.max(...row)) === label) correct++; });
      shadow.step(x as Float64Array, y as Int32Array, { learningRate: 0.1 });
    }
    const history = await net.fitDataset(() => batches, { epochs: 1, optimizer: { type: 'sgd' }, learningRate: 0.1, metrics: ['accuracy'] });
    expect(history.metrics.accuracy).toEqual([correct / ROWS]);
    expect(net.getParameters()).toEqual(shadow.getParameters());
  });
});

describe('fitDataset epochs and stopping', () => {
  it('calls the dataset once per epoch with the epoch number, and batchesPerEpoch closes an endless stream', async () => {
    const { X, labels } = data();
    const calls: number[] = [];
    let closed = 0;
    const net = await MLP.create({ ...SPEC, seed: 1 });
    const history = await net.fitDataset((epoch) => {
      calls.push(epoch);
      return (function* () {
        try { for (let i = 0; ; i++) yield batchesOf(X, labels)[i % 7]; } finally { closed++; }
      })();
    }, { epochs: 3, batchesPerEpoch: 5, learningRate: 0.1 });
    expect(calls).toEqual([0, 1, 2]);
    expect(closed).toBe(3);
    expect(history.epochs).toBe(3);
    // Five batches of 16 per epoch: the same as fit on those 80 rows in batches of 16.
    const reference = await MLP.create({ ...SPEC, seed: 1 });
    reference.fit(X.slice(0, 80 * 5), labels.slice(0, 80), { epochs: 3, batchSize: 16, shuffle: false, learningRate: 0.1 });
    expect(net.getParameters()).toEqual(reference.getParameters());
  });

  it('an abort mid-epoch puts back the last completed epoch', async () => {
    const { X, labels } = data();
    const controller = new AbortController();
    const net = await MLP.create({ ...SPEC, seed: 4 });
    let afterFirst: Float32Array | null = null;
    const history = await net.fitDataset(() => batchesOf(X, labels), {
      epochs: 5, learningRate: 0.1, signal: controller.signal,
      onEpochEnd: () => { afterFirst = net.getParameters() as Float32Array; },
      onBatchEnd: (batch, logs) => { if (logs.epoch === 1 && batch === 2) controller.abort(); },
    });
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs).toBe(1);
    expect(net.epoch).toBe(1);
    expect(net.getParameters()).toEqual(afterFirst);
  });

  it("onDivergence 'stop' ends like fit: the failing step not applied, its place recorded", async () => {
    // The README's diverging XOR: η = 1e6, one sample per step.
    const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const Y = [[0], [1], [1], [0]];
    const create = () => MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 3, dtype: 'float64' });
    const a = await create();
    const b = await create();
    const options = { epochs: 200, optimizer: { type: 'sgd' as const }, learningRate: 1e6, onDivergence: 'stop' as const };
    const fitted = a.fit(X, Y, { ...options, batchSize: 1, shuffle: false });
    const streamed = await b.fitDataset(() => X.map((x, i) => ({ x: [x], y: [Y[i]] })), options);
    expect(fitted.stopReason).toBe('diverged');
    expect(streamed.stopReason).toBe('diverged');
    expect(streamed.divergence).toEqual({ ...fitted.divergence, message: fitted.divergence!.message.replace(/^fit:/, 'fitDataset:') });
    same(streamed, fitted);
    expect(b.getParameters()).toEqual(a.getParameters());
    expect(b.save()).toEqual(a.save());
  });
});

describe('fitDataset errors', () => {
  it('checks the dataset and options before training', async () => {
    const net = await MLP.create({ ...SPEC, seed: 1 });
    const before = net.getParameters();
    const batches = () => batchesOf(data().X, data().labels);
    await expect(net.fitDataset([] as never)).rejects.toThrow(new ValueError('fitDataset: dataset must be a function returning each epoch\'s batches (an iterable or async iterable of { x, y }), got an array of length 0'));
    await expect(net.fitDataset(batches, { batchSize: 8 } as never)).rejects.toThrow("fitDataset: options.batchSize does not apply: the dataset's batches set the batch size");
    await expect(net.fitDataset(batches, { shuffle: true } as never)).rejects.toThrow(/options\.shuffle does not apply/);
    await expect(net.fitDataset(batches, { validationSplit: 0.2 } as never)).rejects.toThrow(/give options\.validationData/);
    await expect(net.fitDataset(batches, { batchesPerEpoch: 0 })).rejects.toThrow('fitDataset: options.batchesPerEpoch must be an integer ≥ 1, got 0');
    await expect(net.fitDataset(batches, { epochs: 1.5 })).rejects.toThrow(/options\.epochs must be an integer ≥ 1, got 1\.5/);
    await expect(net.fitDataset(() => 42 as never)).rejects.toThrow('fitDataset: dataset(0) must return an iterable or async iterable of { x, y } batches, got 42');
    await expect(net.fitDataset(() => [])).rejects.toThrow('fitDataset: dataset(0) gave no batches; every epoch needs at least one');
    expect(net.getParameters()).toEqual(before);
    expect(net.epoch).toBe(0);
  });

  it('a bad batch names the batch, the epoch and the value, and leaves the state of the last completed epoch', async () => {
    const { X, labels } = data();
    const net = await MLP.create({ ...SPEC, seed: 1 });
    net.setOptimizer({ type: 'adam', learningRate: 0.01 });
    let saved: Uint8Array | null = null;
    const dataset = (epoch: number) => {
      const batches = batchesOf(X, labels);
      if (epoch === 1) batches[3] = { x: batches[3].x, y: Int32Array.from(batches[3].y as Int32Array, (l, i) => (i === 2 ? 7 : l)) };
      if (epoch === 1) saved = net.save();
      return batches;
    };
    await expect(net.fitDataset(dataset, { epochs: 3 })).rejects.toThrow(/^fitDataset: batch 3 of epoch 1: Y\[2\] must be a class label, an integer in \[0, 2\], got 7$/);
    expect(net.save()).toEqual(saved);
    await expect(net.fitDataset(() => [{ x: [[1, 2, 3]], y: [0] }])).rejects.toThrow("fitDataset: batch 0 of epoch 1: X row 0 has 3 values, expected 5 (the network's input size)");
    await expect(net.fitDataset(() => [{ x: [[1, 2, 3, 4, 5]] } as never])).rejects.toThrow('fitDataset: batch 0 of epoch 1 must be an object { x, y }, got an object');
    const failing = async function* () { yield batchesOf(X, labels)[0]; throw new Error('disk gone'); };
    await expect(net.fitDataset(failing)).rejects.toThrow('disk gone');
    expect(net.save()).toEqual(saved);
  });
});

describe('memory stays bounded by a batch', () => {
  it('trains on a generated 1 GiB stream with resident memory growing by far less than the stream', () => {
    // In a process of its own (test/stream-memory-child.mjs, on the built package): in the test
    // runner's process its own growth (≈ 50 MiB over this test on Node 24) would be counted too.
    const child = spawnSync(process.execPath, [fileURLToPath(new URL('./stream-memory-child.mjs', import.meta.url)), '1024'], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const { start, warm, peak, loss, streamed } = JSON.parse(child.stdout);
    expect(streamed).toBe(2 ** 30);
    expect(loss).toBeLessThan(0.5);
    // Measured 53 MiB in all (V8 collects the small per-batch buffers late) and 1 MiB after the first 768 batches on Node 20.
    expect(peak - start).toBeLessThan(96 * 2 ** 20); // a 1 GiB stream: far less, and flat after the warm-up (below)
    expect(peak - warm).toBeLessThan(16 * 2 ** 20);
  }, 120_000);
});

it("the Data guide's fitDataset example reads a CSV file batch by batch and prints what it says", async () => {
  const { docBlock, runBlock, expectedPrints } = await import('./readme-blocks.js');
  const code = docBlock('docs/guide/data.md', 'Training from streams: `fitDataset`');
  // data.csv in the block's directory: 1,000 rows of y = sin(3·x₀) + x₁ on a grid.
  const prelude = `import { writeFileSync as w } from 'node:fs';
w('data.csv', Array.from({ length: 1000 }, (_, i) => { const a = (i % 40) / 20 - 1, b = Math.floor(i / 40) / 12.5 - 1; return [a, b, Math.sin(3 * a) + b].join(','); }).join('\\n') + '\\n');`;
  expect(await runBlock(code, prelude)).toEqual(expectedPrints(code));
}, 120_000);

describe('on several threads', () => {
  it('steps worth two threads run on them, bit for bit as on one', async () => {
    // 64-256-256-10 and batches of 32: 2.8 M multiply-adds a forward pass, above the work threshold.
    const spec = { layers: [64, 256, 256, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy' } as const;
    const random = new Random(9);
    const batches: Batch[] = Array.from({ length: 4 }, () => ({
      x: Float32Array.from({ length: 32 * 64 }, () => random.normal()),
      y: Int32Array.from({ length: 32 }, () => Math.floor(random.next() * 10)),
    }));
    const run = async (threads: number) => {
      const net = await MLP.create({ ...spec, seed: 4, threads });
      const history = await net.fitDataset(() => batches, { epochs: 2, optimizer: { type: 'adam', learningRate: 0.001 } });
      const parallelCalls = threadingOf(net).parallelCalls;
      const result = { loss: bits(history.loss), parameters: bits(net.getParameters()), parallelCalls };
      net.dispose();
      return result;
    };
    const one = await run(1);
    const two = await run(2);
    expect(one.parallelCalls).toBe(0);
    expect(two.parallelCalls).toBe(8); // every step of both epochs
    expect({ ...two, parallelCalls: 0 }).toEqual(one);
  });
});
