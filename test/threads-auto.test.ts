// threads: 'auto' computes on the one-thread build until a call's batch is worth threads, then
// moves the network into the threaded build (src/wasm/auto-engine.ts). Whenever the move comes —
// in a step, in a fit between the data set's staging and its first batch, in a fit's validation
// between epochs — everything after it is bit for bit what one thread computes: θ, the
// optimizer's moments, the dropout generator, batch norm's running statistics, the data set and
// its order. A move that fails leaves the network on one thread, saying why.
import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, type CreateOptions } from '../src/index.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';
import { createWasmEngine } from '../src/wasm/engine.js';
import { singleThreadHost } from '../src/wasm/host.js';
import { startOnOneThread } from '../src/wasm/auto-engine.js';
import { parameterLayout } from '../src/model/layout.js';
import { randomData, type NetSpec } from './helpers.js';
import { engineOf, threadingOf } from '../src/api/test-seam.js';

const threading = threadingOf;
/** Whether the network's parameters live in the threaded build's shared memory. */
const onSharedMemory = (net: MLP) => engineOf(net).parameters().buffer instanceof SharedArrayBuffer;
const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

const spec: NetSpec = { layers: [6, 10, 8, 3], activations: ['tanh', 'relu', 'softmax'], loss: 'cross-entropy' };
// 6·10+10 + 10·8+8 + 8·3+3 = 185 parameters and batch norm's 2 × 10; with this work per
// thread, batches of 16 rows or more are worth two threads, batches of 8 are not.
const WORK = 1500;
const options: CreateOptions = { ...spec, seed: 9, dropout: 0.2, normalization: ['batch-norm', null] } as CreateOptions;

/** Everything the network holds, compared bit for bit. */
function state(net: MLP) {
  const json = net.toJSON({ training: true }) as unknown as Record<string, unknown>;
  return { parameters: bits(net.getParameters()), json: JSON.stringify(json) };
}

describe.runIf(availableParallelism() > 1)("threads: 'auto' moves to the threaded build at the first call worth threads", () => {
  afterAll(() => setWorkPerThread());
  const { X, Y } = randomData(spec, 64, 3);
  const rows = (n: number) => ({ x: X.subarray(0, n * 6), y: (Y as Float32Array).subarray(0, n * 3) });

  async function pair() {
    // Created with the real threshold, below which even fit's default batch of 32 rows is not
    // worth threads, so 'auto' starts on the one-thread build; trained with the lower one.
    setWorkPerThread();
    const auto = await MLP.create({ ...options, threads: 'auto' });
    const one = await MLP.create({ ...options, threads: 1 });
    setWorkPerThread(WORK);
    expect(onSharedMemory(auto)).toBe(false);
    for (const net of [auto, one]) net.setOptimizer({ type: 'adam', learningRate: 0.01 });
    return { auto, one, both: (run: (net: MLP) => unknown) => expect(run(auto)).toEqual(run(one)) };
  }

  it('in a step: small steps stay on one thread, the first large one moves, and every result matches one thread', async () => {
    const { auto, one, both } = await pair();
    const small = rows(8);
    for (let i = 0; i < 3; i++) both((net) => net.step(small.x, small.y));
    expect(threading(auto)).toMatchObject({ workers: 0, parallelCalls: 0 });
    expect(onSharedMemory(auto)).toBe(false);
    const large = rows(40);
    for (let i = 0; i < 3; i++) both((net) => net.step(large.x, large.y));
    expect(onSharedMemory(auto)).toBe(true);
    expect(threading(auto).parallelCalls).toBeGreaterThan(0);
    expect(threading(auto).workers).toBe(auto.threads - 1);
    both((net) => bits(net.predict(X) as Float32Array));
    both((net) => net.fit(X, Y, { epochs: 2, batchSize: 8 }).loss);
    both(state);
    auto.dispose();
    one.dispose();
  });

  it('in a fit: the data set staged on one thread moves with the first batch worth threads', async () => {
    const { auto, one, both } = await pair();
    both((net) => net.fit(X, Y, { epochs: 2, batchSize: 8 }).loss);
    expect(threading(auto).parallelCalls).toBe(0);
    // fit's batch loop (a callback per batch) and its epoch loop (none).
    const seen: number[][] = [[], []];
    both((net) => net.fit(X, Y, { epochs: 2, batchSize: 32, onBatchEnd: ({ loss }) => void seen[net === auto ? 0 : 1].push(loss) }).loss);
    expect(seen[0]).toEqual(seen[1]);
    expect(threading(auto).parallelCalls).toBeGreaterThan(0);
    both((net) => net.fit(X, Y, { epochs: 3, batchSize: 32 }).loss);
    both(state);
    auto.dispose();
    one.dispose();
  });

  it('in a fit with sample weights: the weights and the weighting move too', async () => {
    const { auto, one, both } = await pair();
    const sampleWeight = Array.from({ length: 64 }, (_, i) => (i % 5) / 2);
    both((net) => net.fit(X, Y, { epochs: 1, batchSize: 8, sampleWeight }).loss);
    expect(threading(auto).parallelCalls).toBe(0);
    both((net) => net.fit(X, Y, { epochs: 2, batchSize: 32, sampleWeight }).loss);
    expect(threading(auto).parallelCalls).toBeGreaterThan(0);
    both(state);
    auto.dispose();
    one.dispose();
  });

  it("in a fit's validation between epochs, after the data set was staged on one thread", async () => {
    const { auto, one, both } = await pair();
    const validation = randomData(spec, 48, 5);
    const history = (net: MLP) => {
      const h = net.fit(rows(24).x, rows(24).y, { epochs: 3, batchSize: 8, validationData: { X: validation.X, Y: validation.Y } });
      return { loss: h.loss, validation: h.val_loss };
    };
    both(history);
    expect(threading(auto).parallelCalls).toBeGreaterThan(0);
    both(state);
    auto.dispose();
    one.dispose();
  });
});

describe('the move, between two one-thread engines', () => {
  const arch = { layers: [3, 4, 2], activations: ['tanh', 'linear'], loss: 'mse', dtype: 'float32', dropout: [], normalization: [null, null] } as never;
  const parameters = parameterLayout(arch).parameterCount;
  const theta = Array.from({ length: parameters }, (_, i) => (i - 10) / 10);

  it('keeps the last backward pass\'s gradient and the sample weighting switched on', async () => {
    const from = await createWasmEngine(arch, await singleThreadHost(arch));
    const to = await createWasmEngine(arch, await singleThreadHost(arch));
    const engine = startOnOneThread(from, to, (rows) => rows * parameters >= 100, () => {});
    engine.parameters().set(theta);
    engine.reserve(2);
    engine.inputBuffer(2).set([1, 2, 3, -1, 0.5, 2]);
    engine.targetBuffer(2).set([1, 0, 0, 1]);
    engine.weightBuffer(2).set([2, 0.5]);
    engine.setSampleWeighting(true);
    engine.forward(2, true);
    engine.backward(2);
    const gradient = Array.from(engine.gradient());
    engine.reserve(10); // 10 × 22 ≥ 100: moves
    expect(Array.from(engine.gradient())).toEqual(gradient);
    expect(Array.from(to.gradient())).toEqual(gradient);
    // The weighting stayed on: staged weights count in the loss's weight.
    engine.inputBuffer(2).set([1, 2, 3, -1, 0.5, 2]);
    engine.targetBuffer(2).set([1, 0, 0, 1]);
    engine.weightBuffer(2).set([2, 0.5]);
    expect(engine.lossWeight(2)).toBe(2.5);
    engine.dispose();
  });
});

describe('a move that fails', () => {
  it('leaves the network on the one-thread build, unchanged, and says why', async () => {
    const arch = { layers: [3, 4, 2], activations: ['tanh', 'linear'], loss: 'mse', dtype: 'float32', dropout: [], normalization: [null, null] } as never;
    const one = await createWasmEngine(arch, await singleThreadHost(arch));
    const other = await createWasmEngine(arch, await singleThreadHost(arch));
    other.setOptimizerState = () => {
      throw new Error('no room');
    };
    const reasons: string[] = [];
    const parameters = parameterLayout(arch).parameterCount;
    const engine = startOnOneThread(one, other, (rows) => rows * parameters >= 100, (error) => reasons.push((error as Error).message));
    engine.parameters().set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2, 2.1, 2.2]);
    const before = Array.from(engine.parameters());
    engine.reserve(10);
    expect(reasons).toEqual(['no room']);
    engine.inputBuffer(10).fill(0.5);
    engine.targetBuffer(10).fill(1);
    engine.step(10, 0.1);
    // It trained on the one-thread engine, which still holds its memory.
    expect(Array.from(one.parameters())).toEqual(Array.from(engine.parameters()));
    expect(Array.from(engine.parameters())).not.toEqual(before);
    engine.dispose();
  });
});
