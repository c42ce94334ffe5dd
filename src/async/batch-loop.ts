import type { MLP } from '../mlp.js';
import type { FitHistory, FitOptions } from '../fit.js';
import type { FloatArray } from '../options.js';
import type { Random } from '../random.js';

/** What `onBatchEnd` is told after each step. */
export interface BatchLogs {
  /** The batch's mean loss, measured before its step. */
  loss: number;
  /** Samples in the batch (the last of an epoch may be smaller). */
  size: number;
  epoch: number;
}

/** Options of the loop: fit's, resolved, and those passed through to each step's `fit` call. */
export interface BatchLoopOptions {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  /** Undefined: the optimizer's own. */
  learningRate: number | undefined;
  /** Other `fit` options (e.g. an optimizer), given to every step. */
  passThrough: Omit<FitOptions, 'epochs' | 'batchSize' | 'shuffle' | 'onEpochEnd'>;
}

/** Where the loop reports to; each hook may wait, which is how callers yield or synchronise. */
export interface BatchLoopHooks {
  afterBatch(batch: number, logs: BatchLogs): void | Promise<void>;
  /** Returns false to stop training. */
  afterEpoch(epoch: number, loss: number): boolean | void | Promise<boolean | void>;
  /** True when training must stop before the next batch. */
  stopped(): boolean;
}

/** How `fitAsync` ended: like `fit`, plus 'aborted' when its AbortSignal fired. */
export interface AsyncFitHistory extends Omit<FitHistory, 'stopReason'> {
  stopReason: FitHistory['stopReason'] | 'aborted';
}

/**
 * The epoch loop of `fit`, one batch per call so it can pause between batches: same seeded
 * shuffle (the network's generator, identity order then Fisher–Yates), same batches, each
 * trained by `net.fit` on that batch alone (so every fit option applies to every step).
 */
export async function runBatchLoop(net: MLP, random: Random, x: FloatArray, y: FloatArray, rows: number, o: BatchLoopOptions, hooks: BatchLoopHooks): Promise<AsyncFitHistory> {
  const inputs = x.length / rows;
  const outputs = y.length / rows;
  const Float = x.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  const bx = new Float(o.batchSize * inputs);
  const by = new Float(o.batchSize * outputs);
  const order = new Int32Array(rows);
  const history: AsyncFitHistory = { loss: [], epochs: 0, stopReason: 'epochs' };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = 0; i < rows; i++) order[i] = i;
    if (o.shuffle) random.shuffle(order);
    let lossSum = 0;
    for (let start = 0, batch = 0; start < rows; start += o.batchSize, batch++) {
      if (hooks.stopped()) return { ...history, stopReason: 'aborted' };
      const size = Math.min(o.batchSize, rows - start);
      for (let i = 0; i < size; i++) {
        const r = order[start + i];
        bx.set(x.subarray(r * inputs, (r + 1) * inputs), i * inputs);
        by.set(y.subarray(r * outputs, (r + 1) * outputs), i * outputs);
      }
      const step = net.fit(bx.subarray(0, size * inputs), by.subarray(0, size * outputs), {
        ...o.passThrough, ...(o.learningRate === undefined ? {} : { learningRate: o.learningRate }), epochs: 1, batchSize: size, shuffle: false,
      });
      lossSum += step.loss[0] * size;
      await hooks.afterBatch(batch, { loss: step.loss[0], size, epoch });
    }
    const loss = lossSum / rows;
    history.loss.push(loss);
    history.epochs++;
    if ((await hooks.afterEpoch(epoch, loss)) === false) return { ...history, stopReason: 'callback' };
  }
  return history;
}
