import { MLP } from '../mlp.js';
import type { Backend } from '../options.js';
import type { OptimizerOptions } from '../optimizers.js';
import { formatRate, type ProgressOutput } from './progress.js';
import { PIXELS, loadMnist, type DigitSet } from './mnist.js';
import { argmaxRows, confusionMatrix, cosineSchedule, describeOptimizer, formatConfusion, takeRows, trainWithProgress } from './train-loop.js';

/** Settings of the MNIST job; the defaults are what `npm start` runs. */
export interface DigitsJobOptions {
  epochs?: number;
  batchSize?: number;
  /** The optimizer (torch.optim conventions). */
  optimizer?: OptimizerOptions;
  seed?: number;
  /** Dropout rate on the hidden layer while training. */
  dropout?: number;
  /** Samples trained on each backend for the speed comparison (0 skips it). */
  speedSamples?: number;
  out?: ProgressOutput;
}

/** What the job measured. */
export interface DigitsJobResult {
  testAccuracy: number;
  epochs: number;
  trainSeconds: number;
  confusion: number[][];
  /** Training throughput of each backend on the same workload, samples/s. */
  speed: { wasm: number; js: number } | null;
}

const CLASSES = 10;
const ARCHITECTURE = { layers: [PIXELS, 128, CLASSES], activations: ['relu', 'softmax'], loss: 'cross-entropy' } as const;

/**
 * The main job: a 784-128-10 ReLU/softmax classifier trained on 8,000 real MNIST digits with
 * mini-batch SGD with momentum, tested on the 2,000 others, then the same training timed on the `js` backend.
 */
export async function runDigitsJob(options: DigitsJobOptions = {}): Promise<DigitsJobResult> {
  const { epochs = 10, batchSize = 32, optimizer = { type: 'sgd', learningRate: 0.05, momentum: 0.9 } as OptimizerOptions, dropout = 0, seed = 1, speedSamples = 2048, out = process.stdout } = options;
  const say = (line = '') => out.write(line + '\n');
  const { train, test } = loadMnist(0.2, 0);
  say(`MNIST digits from the \`mnist\` package: ${train.rows} to train, ${test.rows} to test (a fixed seeded split).`);

  const net = await MLP.create({ ...ARCHITECTURE, seed, dropout });
  net.setOptimizer(optimizer);
  say(`Network 784-128-10, ReLU then softmax, cross-entropy loss${dropout ? `, dropout ${dropout} on the hidden layer` : ''}; ${describeOptimizer(net.optimizer)} annealed to η/100 (cosine), mini-batches of ${batchSize}.`);
  try {
    const started = performance.now();
    trainWithProgress(net, train, { epochs, batchSize, fit: {}, schedule: cosineSchedule(net.optimizer.learningRate, epochs), classes: CLASSES, seed, out });
    const trainSeconds = (performance.now() - started) / 1000;

    const predicted = argmaxRows(net.predict(test.X) as Float32Array, CLASSES);
    const correct = predicted.reduce((n, p, i) => n + (p === test.Y[i] ? 1 : 0), 0);
    const testAccuracy = correct / test.rows;
    const confusion = confusionMatrix(test.Y, predicted, CLASSES);
    say();
    say(`Test accuracy: ${(100 * testAccuracy).toFixed(2)}% (${correct} of ${test.rows}) after ${epochs} epochs in ${trainSeconds.toFixed(1)} s of training.`);
    say('Confusion matrix of the test set:');
    for (const line of formatConfusion(confusion, Array.from({ length: CLASSES }, (_, i) => String(i)))) say('  ' + line);

    const samples = Math.min(speedSamples, train.rows);
    const speed = samples > 0 ? await compareBackends(train, samples, batchSize, optimizer, dropout, seed) : null;
    if (speed) {
      say();
      say(`Speed of the same training (${samples} samples, batch ${batchSize}, one fit call per backend, measured now):`);
      say(`  wasm ${formatRate(speed.wasm)} samples/s, js ${formatRate(speed.js)} samples/s: wasm is ${(speed.wasm / speed.js).toFixed(1)}× the pure-TypeScript backend.`);
    }
    return { testAccuracy, epochs, trainSeconds, confusion, speed };
  } finally {
    net.dispose();
  }
}

/** Throughput of `fit` on each backend: same network, data, seed and options, in this run. */
async function compareBackends(train: DigitSet, samples: number, batchSize: number, optimizer: OptimizerOptions, dropout: number, seed: number): Promise<{ wasm: number; js: number }> {
  const data = takeRows(train, Int32Array.from({ length: samples }, (_, i) => i));
  const rate = async (backend: Backend) => {
    const net = await MLP.create({ ...ARCHITECTURE, seed, dropout, backend });
    net.setOptimizer(optimizer);
    try {
      const started = performance.now();
      net.fit(data.X, data.Y, { epochs: 1, batchSize });
      return samples / ((performance.now() - started) / 1000);
    } finally {
      net.dispose();
    }
  };
  const js = await rate('js');
  const wasm = await rate('wasm');
  return { wasm, js };
}
