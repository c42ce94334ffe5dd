import type { MLP } from '../api/mlp.js';
import type { FitOptions } from '../training/fit.js';
import { optimizerLabel, type OptimizerConfig } from '../registry/optimizers.js';
import { Random } from '../core/random.js';
import { ProgressBar, type ProgressOutput, type ProgressState } from './progress.js';
import { turnEventLoop } from './save-on-signal.js';

/** Samples with their targets: a flat feature matrix, and class indices or a flat target matrix. */
export interface Samples {
  X: Float32Array;
  Y: Int32Array | Float32Array;
  rows: number;
}

/** How the CLI and the MNIST job train: fit's options plus what the progress bar needs. */
export interface LoopOptions {
  epochs: number;
  batchSize: number;
  /** Passed to every `fit` call (learning rate, optimizer…); epochs, batch size and shuffling are the loop's. */
  fit: Omit<FitOptions, 'epochs' | 'batchSize' | 'shuffle' | 'onEpochEnd'>;
  /** η for each epoch (numbered from 0), overriding the optimizer's; absent: the optimizer's own. */
  schedule?: (epoch: number) => number;
  /** Number of classes for a running accuracy; null for regression. */
  classes: number | null;
  seed: number;
  out: ProgressOutput;
  /** Called after each epoch; a returned string ends the epoch's line (e.g. a validation loss). */
  afterEpoch?: (epoch: number) => string | void;
  /** Asked after each epoch (after `afterEpoch`): true ends training there. */
  stop?: () => boolean;
  /** Rows each epoch trains on, the first of its shuffled order (default all; src/cli/last-batch.ts). */
  rowsPerEpoch?: number;
  /** Asked after each chunk of batches, the event loop having run (a signal): true ends training at once. */
  interrupted?: () => boolean;
}

/** Cosine annealing from η₀ to η₀/100 over the epochs (torch's CosineAnnealingLR, stepped per epoch). */
export function cosineSchedule(initial: number, epochs: number): (epoch: number) => number {
  const final = initial / 100;
  return (epoch) => final + (initial - final) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2;
}

/** Samples between progress updates: an epoch is fed to `fit` in chunks of about this many. */
const CHUNK = 512;

/** Trains epoch by epoch in seeded orders, with a live progress bar. Returns each epoch's mean loss. */
export async function trainWithProgress(net: MLP, data: Samples, o: LoopOptions): Promise<number[]> {
  const random = new Random(o.seed);
  const losses: number[] = [];
  const digits = String(o.epochs).length;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const bar = new ProgressBar(o.out, `epoch ${String(epoch + 1).padStart(digits)}/${o.epochs}`);
    const fit = o.schedule ? { ...o.fit, learningRate: o.schedule(epoch) } : o.fit;
    const state = await trainEpoch(net, data, random, { ...o, fit }, bar);
    if (o.interrupted?.()) {
      bar.finish(state, 'interrupted');
      break;
    }
    bar.finish(state, o.afterEpoch?.(epoch) || undefined);
    losses.push(state.loss);
    if (o.stop?.()) break;
  }
  return losses;
}

async function trainEpoch(net: MLP, data: Samples, random: Random, o: LoopOptions, bar: ProgressBar): Promise<ProgressState> {
  const order = Int32Array.from({ length: data.rows }, (_, i) => i);
  random.shuffle(order);
  const rows = o.rowsPerEpoch ?? data.rows;
  const started = performance.now();
  let done = 0;
  let lossSum = 0;
  let correct = 0;
  const state = () => ({
    done, total: rows, loss: lossSum / Math.max(done, 1),
    accuracy: o.classes === null ? null : correct / Math.max(done, 1), seconds: (performance.now() - started) / 1000,
  });
  // Chunks are whole batches, so the batches are exactly those of one `fit` over the epoch.
  const chunk = Math.max(o.batchSize, Math.floor(CHUNK / o.batchSize) * o.batchSize);
  for (let from = 0; from < rows; from += chunk) {
    const part = takeRows(data, order.subarray(from, Math.min(from + chunk, rows)));
    if (o.classes !== null) {
      // Accuracy on each chunk just before training on it: an honest running estimate, not a replay.
      const predicted = argmaxRows(net.predict(part.X) as Float32Array, o.classes);
      for (let i = 0; i < part.rows; i++) if (predicted[i] === part.Y[i]) correct++;
    }
    const history = net.fit(part.X, part.Y, { ...o.fit, epochs: 1, batchSize: o.batchSize, shuffle: false });
    lossSum += history.loss[0] * part.rows;
    done += part.rows;
    bar.update(state());
    if (o.interrupted) {
      await turnEventLoop();
      if (o.interrupted()) break;
    }
  }
  return state();
}

/** The samples at the given indices, in that order. */
export function takeRows(data: Samples, indices: ArrayLike<number>): Samples {
  const rows = indices.length;
  const width = data.X.length / data.rows;
  const targetWidth = data.Y.length / data.rows;
  const X = new Float32Array(rows * width);
  const Y = new (data.Y.constructor as Int32ArrayConstructor | Float32ArrayConstructor)(rows * targetWidth);
  for (let i = 0; i < rows; i++) {
    const from = indices[i];
    X.set(data.X.subarray(from * width, (from + 1) * width), i * width);
    Y.set(data.Y.subarray(from * targetWidth, (from + 1) * targetWidth), i * targetWidth);
  }
  return { X, Y, rows };
}

/** Index of the largest value in each row of a flat rows × classes array. */
export function argmaxRows(outputs: ArrayLike<number>, classes: number): Int32Array {
  const rows = outputs.length / classes;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (outputs[i * classes + j] > outputs[i * classes + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** counts[true][predicted]. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]][predicted[i]]++;
  return counts;
}

/** The matrix as aligned text, rows the true class, columns the predicted one. */
export function formatConfusion(counts: number[][], names: readonly string[]): string[] {
  const width = Math.max(4, ...counts.flat().map((c) => String(c).length + 1), ...names.map((n) => n.length + 1));
  const cell = (s: string) => s.padStart(width);
  const label = Math.max(...names.map((n) => n.length), 'true'.length);
  const lines = [`${'true'.padEnd(label)} ${names.map(cell).join('')}   ← predicted`];
  counts.forEach((row, i) => lines.push(`${names[i].padEnd(label)} ${row.map((c) => cell(String(c))).join('')}`));
  return lines;
}

/** "Adam (η = 0.001)", "SGD with momentum 0.9 (η = 0.02)". */
export function describeOptimizer(o: OptimizerConfig): string {
  const name = optimizerLabel(o.type);
  const momentum = 'momentum' in o && o.momentum ? ` with ${o.type === 'sgd' && o.nesterov ? 'Nesterov ' : ''}momentum ${o.momentum}` : '';
  return `${name}${momentum} (η = ${o.learningRate})`;
}
