import type { Engine } from './engine.js';
import type { FloatArray } from './options.js';
import type { Random } from './random.js';
import { ValueError, describe } from './errors.js';
import { checkBoolean, checkInteger, checkNumber, checkOptions } from './validate.js';

/** η when none is given, as in the seed. */
export const DEFAULT_LEARNING_RATE = 0.01;

/** What `onEpochEnd` is told after each epoch. */
export interface EpochLogs {
  /** Mean training loss over the epoch's batches (each weighted by its size), measured before each step. */
  loss: number;
  learningRate: number;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Passes over the data. Default 10. */
  epochs?: number;
  /** Samples per step; the last batch of an epoch may be smaller. Default 32 (or all samples, if fewer). */
  batchSize?: number;
  /** Default: the network's optimizer's (0.01 for the default SGD). */
  learningRate?: number;
  /** Reorder samples every epoch with the network's seeded generator. Default true. */
  shuffle?: boolean;
  /** Called after each epoch (numbered from 0); returning false stops training. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => boolean | void;
}

/** What `fit` returns. */
export interface FitHistory {
  /** Training loss of each epoch. */
  loss: number[];
  /** Epochs completed. */
  epochs: number;
  /** Why training ended. */
  stopReason: 'epochs' | 'callback';
}

/** Options after validation, with defaults filled in (batchSize is resolved against the data). */
export interface CheckedFitOptions {
  epochs: number;
  batchSize: number | undefined;
  learningRate: number | undefined;
  shuffle: boolean;
  onEpochEnd: FitOptions['onEpochEnd'];
}

export function checkFitOptions(fn: string, options: unknown): CheckedFitOptions {
  const o = checkOptions(fn, 'options', options, true) as FitOptions;
  if (o.onEpochEnd !== undefined && typeof o.onEpochEnd !== 'function') {
    throw new ValueError(`${fn}: options.onEpochEnd must be a function, got ${describe(o.onEpochEnd)}`);
  }
  return {
    epochs: o.epochs === undefined ? 10 : checkInteger(fn, 'options.epochs', o.epochs, 1),
    batchSize: o.batchSize === undefined ? undefined : checkInteger(fn, 'options.batchSize', o.batchSize, 1),
    learningRate: o.learningRate === undefined ? undefined : checkNumber(fn, 'options.learningRate', o.learningRate, { min: 0 }),
    shuffle: o.shuffle === undefined ? true : checkBoolean(fn, 'options.shuffle', o.shuffle),
    onEpochEnd: o.onEpochEnd,
  };
}

/** The epoch loop: the dataset goes into the engine once, then one engine call per epoch. */
export function runFit(engine: Engine, random: Random, x: FloatArray, y: FloatArray, rows: number, o: CheckedFitOptions): FitHistory {
  const batchSize = o.batchSize ?? Math.min(32, rows);
  const learningRate = o.learningRate ?? engine.optimizer().learningRate;
  const history: FitHistory = { loss: [], epochs: 0, stopReason: 'epochs' };
  engine.setDataset(x, y, rows);
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = engine.datasetOrder();
      for (let i = 0; i < rows; i++) order[i] = i;
      if (o.shuffle) random.shuffle(order);
      const loss = engine.trainEpoch(batchSize, learningRate);
      history.loss.push(loss);
      history.epochs++;
      if (o.onEpochEnd?.(epoch, { loss, learningRate }) === false) {
        history.stopReason = 'callback';
        break;
      }
    }
  } finally {
    engine.clearDataset();
  }
  return history;
}
