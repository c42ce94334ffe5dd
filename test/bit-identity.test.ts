// Frozen results: fixed networks trained with every optimizer, clipping and dropout, on every
// kernel build this engine runs, on one and two threads. The digests were recorded before the
// kernels' memory layouts and threaded step were redesigned; any change to the arithmetic, the
// order of a reduction or the generator streams changes them. Checkpoints written then must
// load and resume to the same bits.
//
// Re-record (only when a change of results is intended and explained in the changelog):
//   RECORD_BIT_IDENTITY=1 npx vitest run test/bit-identity.test.ts
//   (and once more under --experimental-wasm-relaxed-simd for the relaxed-simd entries)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, setKernelVariant, supportedKernelVariants, type CreateOptions, type FitOptions } from '../src/index.js';
import type { OptimizerOptions } from '../src/registry/optimizers.js';
import { Random } from '../src/core/random.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';

const FIXTURE = new URL('./fixtures/bit-identity.json', import.meta.url);
const RECORD = process.env.RECORD_BIT_IDENTITY === '1';

interface Scenario {
  name: string;
  create: Omit<CreateOptions, 'dtype' | 'threads'>;
  optimizer: OptimizerOptions;
  fit: FitOptions;
}

const SCENARIOS: Scenario[] = [
  { name: 'sgd', create: { layers: [5, 12, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy' }, optimizer: { type: 'sgd', learningRate: 0.1 }, fit: { epochs: 3, batchSize: 8 } },
  {
    name: 'sgd-nesterov-decay-clipvalue-dropout',
    create: { layers: [5, 16, 9, 3], activations: ['leaky-relu', 'tanh', 'softmax'], loss: 'cross-entropy', dropout: [0.25, 0.1] },
    optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3, clipValue: 0.5 },
    fit: { epochs: 3, batchSize: 7 },
  },
  {
    name: 'adam-clipnorm',
    create: { layers: [5, 10, 3], activations: ['sigmoid', 'sigmoid'], loss: 'binary-cross-entropy' },
    optimizer: { type: 'adam', learningRate: 0.01, clipNorm: 0.8 },
    fit: { epochs: 4, batchSize: 16 },
  },
  {
    name: 'adamw-amsgrad-dropout',
    create: { layers: [5, 20, 3], activations: ['relu', 'linear'], loss: 'mse', dropout: 0.3 },
    optimizer: { type: 'adamw', learningRate: 0.01, amsgrad: true },
    fit: { epochs: 3, batchSize: 5 },
  },
  {
    name: 'rmsprop-centered-momentum',
    create: { layers: [5, 8, 8, 3], activations: ['tanh', 'relu', 'linear'], loss: 'mse' },
    optimizer: { type: 'rmsprop', learningRate: 0.005, momentum: 0.5, centered: true, weightDecay: 1e-4 },
    fit: { epochs: 3, batchSize: 9 },
  },
  {
    name: 'adagrad-decay-clipboth',
    create: { layers: [5, 6, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy' },
    optimizer: { type: 'adagrad', learningRate: 0.05, learningRateDecay: 0.01, initialAccumulatorValue: 0.1, clipNorm: 1, clipValue: 0.3 },
    fit: { epochs: 3, batchSize: 12 },
  },
];

const ROWS = 40;
const random = new Random(2024);
const X = Float64Array.from({ length: ROWS * 5 }, () => random.normal());
const labels = Array.from({ length: ROWS }, () => Math.floor(random.next() * 3));
const Y = Float64Array.from({ length: ROWS * 3 }, (_, i) => (labels[Math.floor(i / 3)] === i % 3 ? 1 : 0));

const digest = (bytes: ArrayBufferView) => createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex').slice(0, 32);

/** Trains a scenario through the three ways a network trains: whole-epoch calls, per-batch calls (a callback) and single steps. */
async function run(s: Scenario, dtype: 'float32' | 'float64', threads: number) {
  const net = await MLP.create({ ...s.create, dtype, threads, seed: 7 });
  try {
    expect(net.threads, String(net.threadsFallbackReason)).toBe(threads);
    net.setOptimizer(s.optimizer);
    net.fit(X, Y, { ...s.fit, shuffle: true });
    net.fit(X, Y, { ...s.fit, epochs: 1, onBatchEnd: () => {} });
    for (let i = 0; i < 3; i++) net.step(X.subarray(i * 10 * 5, (i + 1) * 10 * 5), Y.subarray(i * 10 * 3, (i + 1) * 10 * 3));
    const predictions = net.predict(X) as Float32Array | Float64Array;
    return { parameters: digest(net.getParameters()), predictions: digest(predictions), checkpoint: net.save() };
  } finally {
    net.dispose();
  }
}

type Recorded = Record<string, { parameters: string; predictions: string; resumed?: string }>;
const recorded: Recorded = existsSync(FIXTURE) ? JSON.parse(readFileSync(FIXTURE, 'utf8')) : {};
const CHECKPOINTS = new URL('./fixtures/bit-identity-checkpoints/', import.meta.url);

describe.each(supportedKernelVariants().map((v) => [v]))('kernel build %s', (variant) => {
  beforeAll(() => {
    setKernelVariant(variant);
    setWorkPerThread(0); // two threads even on these small networks
  });
  afterAll(() => {
    setKernelVariant('auto');
    setWorkPerThread();
    if (RECORD) writeFileSync(FIXTURE, `${JSON.stringify(sortKeys(recorded), null, 1)}\n`);
  });

  for (const s of SCENARIOS) {
    for (const dtype of ['float32', 'float64'] as const) {
      const key = `${variant}/${dtype}/${s.name}`;
      it(`${key}: 1 and 2 threads give the recorded bits; its old checkpoint resumes to them`, async () => {
        const one = await run(s, dtype, 1);
        const two = await run(s, dtype, 2);
        expect(two.parameters).toBe(one.parameters);
        expect(two.predictions).toBe(one.predictions);
        const file = new URL(`${key.replaceAll('/', '.')}.wmlp`, CHECKPOINTS);
        if (RECORD) {
          recorded[key] = { parameters: one.parameters, predictions: one.predictions };
          writeFileSync(file, one.checkpoint);
        }
        expect(recorded[key], `no recorded digest for ${key}`).toBeDefined();
        expect(one.parameters).toBe(recorded[key].parameters);
        expect(one.predictions).toBe(recorded[key].predictions);
        // A checkpoint from before the redesign resumes exactly where this run stands.
        const resumed = await MLP.load(readFileSync(file));
        try {
          resumed.fit(X, Y, { ...s.fit, epochs: 1, shuffle: true });
          if (RECORD) recorded[key].resumed = digest(resumed.getParameters());
          expect(digest(resumed.getParameters())).toBe(recorded[key].resumed);
        } finally {
          resumed.dispose();
        }
      });
    }
  }
});

function sortKeys(o: Recorded): Recorded {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
