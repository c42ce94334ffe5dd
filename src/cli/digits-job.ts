import { MLP } from '../mlp.js';
import type { Backend } from '../options.js';
import { Random } from '../random.js';
import { ProgressBar, formatRate, type ProgressOutput } from './progress.js';
import { PIXELS, argmaxRows, confusionMatrix, formatConfusion, gather, loadMnist, type DigitSet } from './mnist.js';

/** Settings of the MNIST job; the defaults are what `npm start` runs. */
export interface DigitsJobOptions {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  /** Samples trained on the `js` backend for the speed comparison (0 skips it). */
  jsSamples?: number;
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
/** Samples between progress updates: the epoch is fed to `fit` in chunks of this many. */
const CHUNK = 512;

/**
 * The main job: a 784-128-10 ReLU/softmax classifier trained on 8,000 real MNIST digits with
 * mini-batches, tested on the 2,000 others, then the same training timed on the `js` backend.
 */
export async function runDigitsJob(options: DigitsJobOptions = {}): Promise<DigitsJobResult> {
  const { epochs = 10, batchSize = 32, learningRate = 0.2, seed = 1, jsSamples = 2048, out = process.stdout } = options;
  const say = (line = '') => out.write(line + '\n');
  const { train, test } = loadMnist(0.2, 0);
  say(`MNIST digits from the \`mnist\` package: ${train.rows} to train, ${test.rows} to test (a fixed seeded split).`);
  say(`Network 784-128-10, ReLU then softmax, cross-entropy loss; mini-batch SGD, batch ${batchSize}, η = ${learningRate}.`);

  const net = await MLP.create({ layers: [PIXELS, 128, CLASSES], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed });
  try {
    const random = new Random(seed);
    const started = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) trainEpoch(net, train, random, batchSize, learningRate, new ProgressBar(out, `epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}`));
    const trainSeconds = (performance.now() - started) / 1000;

    const predicted = argmaxRows(net.predict(test.X) as Float32Array, CLASSES);
    const correct = predicted.reduce((n, p, i) => n + (p === test.labels[i] ? 1 : 0), 0);
    const testAccuracy = correct / test.rows;
    const confusion = confusionMatrix(test.labels, predicted, CLASSES);
    say();
    say(`Test accuracy: ${(100 * testAccuracy).toFixed(2)}% (${correct} of ${test.rows}) after ${epochs} epochs in ${trainSeconds.toFixed(1)} s of training.`);
    say('Confusion matrix of the test set:');
    for (const line of formatConfusion(confusion, Array.from({ length: CLASSES }, (_, i) => String(i)))) say('  ' + line);

    const speed = jsSamples > 0 ? await compareBackends(train, Math.min(jsSamples, train.rows), batchSize, learningRate, seed) : null;
    if (speed) {
      say();
      say(`Speed on the same training (${Math.min(jsSamples, train.rows)} samples, batch ${batchSize}, measured now):`);
      say(`  wasm ${formatRate(speed.wasm)} samples/s, js ${formatRate(speed.js)} samples/s: wasm is ${(speed.wasm / speed.js).toFixed(1)}× the pure-TypeScript backend.`);
    }
    return { testAccuracy, epochs, trainSeconds, confusion, speed };
  } finally {
    net.dispose();
  }
}

/** One epoch in a fresh seeded order, fed to `fit` a chunk at a time so the bar can move. */
function trainEpoch(net: MLP, train: DigitSet, random: Random, batchSize: number, learningRate: number, bar: ProgressBar): void {
  const order = Int32Array.from({ length: train.rows }, (_, i) => i);
  random.shuffle(order);
  const started = performance.now();
  let done = 0;
  let lossSum = 0;
  let correct = 0;
  const state = () => ({ done, total: train.rows, loss: lossSum / Math.max(done, 1), accuracy: correct / Math.max(done, 1), seconds: (performance.now() - started) / 1000 });
  // Chunks are whole batches, so the batches are exactly those of one fit over the epoch.
  const chunk = Math.max(batchSize, Math.floor(CHUNK / batchSize) * batchSize);
  for (let from = 0; from < train.rows; from += chunk) {
    const part = gather(train.X, train.labels, order.subarray(from, Math.min(from + chunk, train.rows)));
    // Accuracy on each chunk just before training on it: an honest running estimate, not a replay.
    const predicted = argmaxRows(net.predict(part.X) as Float32Array, CLASSES);
    for (let i = 0; i < part.rows; i++) if (predicted[i] === part.labels[i]) correct++;
    const history = net.fit(part.X, part.labels, { epochs: 1, batchSize, learningRate, shuffle: false });
    lossSum += history.loss[0] * part.rows;
    done += part.rows;
    bar.update(state());
  }
  bar.finish(state());
}

/** Throughput of `fit` on each backend, same network, same data, same seed, in this run. */
async function compareBackends(train: DigitSet, samples: number, batchSize: number, learningRate: number, seed: number): Promise<{ wasm: number; js: number }> {
  const data = gather(train.X, train.labels, Int32Array.from({ length: samples }, (_, i) => i));
  const rate = async (backend: Backend) => {
    const net = await MLP.create({ layers: [PIXELS, 128, CLASSES], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed, backend });
    try {
      const started = performance.now();
      net.fit(data.X, data.labels, { epochs: 1, batchSize, learningRate });
      return samples / ((performance.now() - started) / 1000);
    } finally {
      net.dispose();
    }
  };
  const js = await rate('js');
  const wasm = await rate('wasm');
  return { wasm, js };
}
