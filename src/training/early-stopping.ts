// Early stopping as Keras defines it: an epoch improves when the monitored value beats the
// best so far by more than minDelta; training stops after `patience` epochs without one.
import { ValueError, describe } from '../core/errors.js';
import { checkBoolean, checkChoice, checkInteger, checkNumber, checkOptions, keysOf } from '../core/validate.js';
import { MAXIMISED_METRICS, METRICS, type Metric } from './metrics.js';

/** What early stopping and plateau schedules may watch. */
export type Monitor = 'loss' | 'val_loss' | Metric | `val_${Metric}`;
export const MONITORS: readonly Monitor[] = ['loss', 'val_loss', ...METRICS.flatMap((m) => [m, `val_${m}` as const])];

/** Options of `fit`'s `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** Default 'val_loss' when there is validation data, else 'loss'. Accuracy, r2, precision, recall and f1 are maximised, the rest minimised. */
  monitor?: Monitor;
  /** Stop after this many epochs in a row without improvement (as Keras; 0, the default, acts as 1). */
  patience?: number;
  /** Smallest change that counts as an improvement. Default 0. */
  minDelta?: number;
  /** When fit ends, put back the parameters of the best epoch. Default false. */
  restoreBest?: boolean;
}

const EARLY_STOPPING_KEYS = keysOf<EarlyStoppingOptions>({ monitor: true, patience: true, minDelta: true, restoreBest: true });

export interface CheckedEarlyStopping { monitor: Monitor; patience: number; minDelta: number; restoreBest: boolean }

export function checkEarlyStopping(fn: string, value: unknown, hasValidation: boolean, metrics: readonly Metric[]): CheckedEarlyStopping | null {
  if (value === undefined) return null;
  const o = checkOptions(fn, 'options.earlyStopping', value, false, EARLY_STOPPING_KEYS);
  const monitor = o.monitor === undefined ? (hasValidation ? 'val_loss' : 'loss') : checkChoice(fn, 'options.earlyStopping.monitor', o.monitor, MONITORS);
  checkMonitorAvailable(fn, 'options.earlyStopping.monitor', monitor, hasValidation, metrics);
  return {
    monitor,
    patience: o.patience === undefined ? 0 : checkInteger(fn, 'options.earlyStopping.patience', o.patience, 0),
    minDelta: o.minDelta === undefined ? 0 : checkNumber(fn, 'options.earlyStopping.minDelta', o.minDelta, { min: 0 }),
    restoreBest: o.restoreBest === undefined ? false : checkBoolean(fn, 'options.earlyStopping.restoreBest', o.restoreBest),
  };
}

/** Throws unless fit will produce the monitored value every epoch. */
export function checkMonitorAvailable(fn: string, name: string, monitor: Monitor, hasValidation: boolean, metrics: readonly Metric[]): void {
  if (monitor.startsWith('val_') && !hasValidation) {
    throw new ValueError(`${fn}: ${name} is '${monitor}', which needs validation data (options.validationSplit or options.validationData)`);
  }
  const metric = monitor.replace(/^val_/, '');
  if (metric !== 'loss' && !metrics.includes(metric as Metric)) {
    throw new ValueError(`${fn}: ${name} is ${describe(monitor)}, which needs '${metric}' in options.metrics`);
  }
}

/** Tracks the best epoch; `update` says whether training should stop. */
export class EarlyStopping {
  best: number;
  bestEpoch = -1;
  private wait = 0;
  private readonly sign: number;

  constructor(readonly options: CheckedEarlyStopping) {
    this.sign = MAXIMISED_METRICS.includes(options.monitor.replace(/^val_/, '') as Metric) ? -1 : 1; // compare as minimisation
    this.best = Infinity;
  }

  /** Records an epoch's monitored value: did it improve, and should training stop now? */
  update(epoch: number, value: number): { improved: boolean; stop: boolean } {
    const v = this.sign * value;
    if (v < this.best - this.options.minDelta) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= Math.max(1, this.options.patience) };
  }
}
