import { cpus } from 'node:os';
import { MLP } from '../api/mlp.js';
import type { Activation, Backend, Loss } from '../model/options.js';
import { Random } from '../core/random.js';
import { formatRate } from './progress.js';

interface Case { name: string; layers: number[]; activations: Activation[]; loss: Loss; samples: number }

/** Networks of the headline: a small regressor, a mid-size classifier, and MNIST's shape. */
const CASES: Case[] = [
  { name: '8-32-1 regression', layers: [8, 32, 1], activations: ['relu', 'linear'], loss: 'mse', samples: 8192 },
  { name: '64-64-64-10 classifier', layers: [64, 64, 64, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy', samples: 4096 },
  { name: '784-128-10 (MNIST)', layers: [784, 128, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', samples: 1024 },
];

/** One row of the headline: training throughput on each backend, measured in this run. */
export interface BenchRow { name: string; wasm: number; js: number }

/**
 * A quick headline measurement (not a substitute for `npm run bench`): one epoch of `fit`
 * (batch 32, float32) per backend on seeded random data, best of `repeats`, as samples/s.
 */
export async function quickBench(repeats = 3): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    const random = new Random(1);
    const X = Float32Array.from({ length: c.samples * c.layers[0] }, () => random.normal());
    const outputs = c.layers[c.layers.length - 1];
    const Y = c.loss === 'mse' ? Float32Array.from({ length: c.samples }, () => random.normal()) : Int32Array.from({ length: c.samples }, () => random.int(outputs));
    const rate = async (backend: Backend) => {
      const net = await MLP.create({ layers: c.layers, activations: c.activations, loss: c.loss, backend, seed: 1 });
      try {
        let best = 0;
        for (let r = 0; r < repeats; r++) {
          const started = performance.now();
          net.fit(X, Y, { epochs: 1, batchSize: 32, learningRate: 0.01 });
          best = Math.max(best, c.samples / ((performance.now() - started) / 1000));
        }
        return best;
      } finally {
        net.dispose();
      }
    };
    rows.push({ name: c.name, js: await rate('js'), wasm: await rate('wasm') });
  }
  return rows;
}

/** The headline as text lines. */
export function formatBench(rows: readonly BenchRow[], repeats: number): string[] {
  const width = Math.max(...rows.map((r) => r.name.length));
  return [
    `training throughput, fit with batch 32, float32, samples/s (best of ${repeats}; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'})`,
    `${'network'.padEnd(width)}  ${'wasm'.padStart(10)}  ${'js'.padStart(10)}  wasm/js`,
    ...rows.map((r) => `${r.name.padEnd(width)}  ${formatRate(r.wasm).padStart(10)}  ${formatRate(r.js).padStart(10)}  ${(r.wasm / r.js).toFixed(1)}×`),
  ];
}
