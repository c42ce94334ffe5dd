// fit(): the epoch loop. Each epoch is one engine call over data already in the engine's
// memory (or one call per batch when a batch callback or an AbortSignal must be able to
// stop it); everything else here runs once per epoch.
import type { RawRows } from '../preprocessing/rows.js';
import type { Engine, StepFailure } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { Random } from '../core/random.js';
import { DisposedError, ValueError, describe, type Divergence } from '../core/errors.js';
import { checkBoolean, checkChoice, checkInteger, checkNumber, checkOptions, keysOf } from '../core/validate.js';
import { divergenceError } from '../engine/divergence.js';
import { LearningRateSchedule, checkRate, checkSchedule, plateauOf, type Schedule } from './schedules.js';
import { checkMetrics, type Metric, type MetricRecord, type MetricValues } from './metrics.js';
import { evaluateStaged } from './evaluate.js';
import type { StagedRows } from './fit-data.js';
import { EarlyStopping, checkEarlyStopping, checkMonitorAvailable, type CheckedEarlyStopping, type EarlyStoppingOptions, type Monitor } from './early-stopping.js';
import type { Matrix, Targets } from '../model/data.js';
import { sameConfig, type OptimizerConfig, type OptimizerOptions } from '../registry/optimizers.js';
export { sameConfig } from '../registry/optimizers.js';
import type { TrainingState } from '../state/training-state.js';
import { putWeights, takeWeights, type BestWeights } from './best-weights.js';
import type { SampleWeights } from './sample-weights.js';


/** What `onEpochEnd` is told after each epoch; `M` is the requested metrics. */
export interface EpochLogs<M extends readonly Metric[] = readonly Metric[]> {
  /** Mean training loss over the epoch's batches (each weighted by its size), measured before each step. */
  loss: number;
  /** Loss on the validation data after the epoch, when there is validation data. */
  valLoss?: number;
  /** Requested metrics on the training data, measured after the epoch's last step. */
  metrics: MetricValues<M>;
  /** Requested metrics on the validation data, when there is validation data. */
  valMetrics: Partial<MetricValues<M>>;
  /** The rate the epoch trained with. */
  learningRate: number;
  /** Wall-clock milliseconds the epoch took, evaluation included. */
  elapsedMs: number;
}

/** What `onBatchEnd` is told after each batch. */
export interface BatchLogs {
  /** The batch's mean loss, before its step. */
  loss: number;
  /** Samples in the batch (the last one of an epoch may be smaller). */
  size: number;
  /** The epoch this batch belongs to, counted over the network's life from 0. */
  epoch: number;
  /** The rate this batch's step used. */
  learningRate: number;
}

/** Why `fit` returned. */
export type StopReason =
  | 'epochs'          // ran every epoch asked for
  | 'callback'        // onEpochEnd or onBatchEnd returned false
  | 'aborted'         // options.signal was aborted
  | 'error-threshold' // training loss fell below options.errorThreshold
  | 'early-stopping'  // the monitored value stopped improving
  | 'diverged';       // a loss or update became non-finite, with options.onDivergence 'stop'

/**
 * Validation samples given directly, with one sample weight per row if they are weighted: in
 * the forms the network's own X and Y take (raw rows with an input stage, names with classNames).
 */
export interface ValidationData { X: Matrix | RawRows; Y: Targets | readonly string[]; sampleWeight?: SampleWeights }

/** Options of `fit`; `M` is the type of `metrics`, which the history's and logs' metric fields follow. */
export interface FitOptions<M extends readonly Metric[] = readonly Metric[]> {
  /**
   * Passes over the data. Default: 10, or more on small data sets, as many as give at least
   * 1,000 optimizer steps (XOR's 4 rows in one batch: 1,000 epochs), as brain.js's iterations do.
   */
  epochs?: number;
  /** Samples per step; the last batch of an epoch may be smaller. Default 32 (or all samples, if fewer). */
  batchSize?: number;
  /** Base learning rate η that schedules scale. Default: the optimizer's (0.01 for fit's default Adam). */
  learningRate?: number;
  /**
   * The optimizer to train with (see `setOptimizer`). If the network already uses exactly
   * this configuration its state (moments, step count) carries on, as in a resumed run;
   * otherwise it starts fresh. Default: the network's optimizer if it has one of its own (given
   * by `setOptimizer`, or a previous fit's); on a network that has none yet, Adam at η = 0.01
   * (Keras's habit) — not `step`'s plain SGD, which small data sets learn too slowly with.
   * A name alone (`'adam'`) is that optimizer with its defaults, as `{ type: 'adam' }`.
   */
  optimizer?: OptimizerOptions | OptimizerOptions['type'];
  /** Learning rate per epoch; see `Schedule`. Default: η every epoch. */
  schedule?: Schedule;
  /** Reorder samples every epoch with the network's seeded generator. Default true. */
  shuffle?: boolean;
  /**
   * Hold out this fraction of the samples for validation: the last rows, before any shuffling,
   * as Keras does, unless `validationShuffle` is true.
   */
  validationSplit?: number;
  /**
   * Hold out a pseudo-random selection of rows instead of the last ones, for data sorted by
   * class (iris). The selection is fixed for a given row count, so every fit call and a resumed
   * run validate on the same rows. Default false (Keras's last rows).
   */
  validationShuffle?: boolean;
  /**
   * Stratify validationSplit by class (scikit-learn's `stratify=y`): each class is held out in
   * proportion to its rows, chosen pseudo-randomly but the same for the same targets. For
   * classifiers (softmax, or one sigmoid output: classes 0 and 1 at the 0.5 threshold). Default false.
   */
  stratify?: boolean;
  /** Validation samples; not with validationSplit. */
  validationData?: ValidationData;
  /**
   * One non-negative weight per row of X (Keras's sample_weight): each batch's loss is
   * Σ sᵢ·ℓᵢ / Σ sᵢ·dᵢ (see the guide "Losses and weighting"), and the epoch's loss and metrics weigh rows
   * alike. Rows keep their weights through shuffling and validationSplit. Default: every row 1.
   */
  sampleWeight?: SampleWeights;
  /** Metrics to report each epoch, on training and validation data: 'accuracy', 'mae', 'mse', 'r2', 'precision', 'recall', 'f1'. Default none. */
  metrics?: M;
  /** Stop when the monitored value stops improving (Keras's EarlyStopping); see `EarlyStoppingOptions`. Default: off. */
  earlyStopping?: EarlyStoppingOptions;
  /** Stop once an epoch's training loss is below this. */
  errorThreshold?: number;
  /** Called after each epoch (numbered over the network's life, from 0); returning false stops training. */
  onEpochEnd?: (epoch: number, logs: EpochLogs<M>) => boolean | void;
  /** Called after each batch (numbered within its epoch); returning false stops training there. */
  onBatchEnd?: (batch: number, logs: BatchLogs) => boolean | void;
  /** Stops training between batches once aborted (use `fitAsync` to let other code run meanwhile). */
  signal?: AbortSignal;
  /**
   * When a loss or update becomes non-finite: 'throw' a DivergenceError (default), or 'stop'
   * and return the history with stopReason 'diverged'. Either way the failing step is not
   * applied, so the parameters are the last finite ones.
   */
  onDivergence?: 'throw' | 'stop';
}

/**
 * What `fit` returns: one entry per epoch trained in this call. `M` is the requested metrics:
 * with `metrics: ['accuracy']` written out, `history.metrics.accuracy` is a `number[]`.
 */
export interface FitHistory<M extends readonly Metric[] = readonly Metric[]> {
  /** Training loss per epoch: the mean of the batch losses, each measured before its step. */
  loss: number[];
  /** Validation loss per epoch, after the epoch's last step; empty without validation data. */
  valLoss: number[];
  /** Each requested metric per epoch, on the training data after the epoch's last step. */
  metrics: MetricRecord<M, number[]>;
  /** Each requested metric per epoch, on the validation data (empty without validation data). */
  valMetrics: Partial<MetricRecord<M, number[]>>;
  /** The learning rate each epoch trained with. */
  learningRate: number[];
  /** Wall-clock milliseconds per epoch, evaluation included. */
  elapsedMs: number[];
  /** Epochs completed in this call (an epoch stopped mid-way counts). */
  epochs: number;
  /** With early stopping: the epoch (network-wide number) with the best monitored value. */
  bestEpoch?: number;
  /** Why training ended: 'epochs', 'callback', 'aborted', 'error-threshold', 'early-stopping' or 'diverged'. */
  stopReason: StopReason;
  /** With stopReason 'diverged': where, and the message a DivergenceError would have had. */
  divergence?: Divergence & { message: string };
}

export { newTrainingState, type TrainingState } from '../state/training-state.js';
export { trainingRows } from './fit-data.js';

/** Options after validation, with defaults filled in (batchSize is resolved against the data). */
export interface CheckedFitOptions {
  epochs: number;
  batchSize: number | undefined;
  learningRate: number | undefined;
  schedule: Schedule | undefined;
  shuffle: boolean;
  validationSplit: number | undefined;
  validationShuffle: boolean;
  validationData: ValidationData | undefined;
  /** As given: checked against the rows when the data is converted. */
  sampleWeight: SampleWeights | undefined;
  metrics: Metric[];
  earlyStopping: CheckedEarlyStopping | null;
  errorThreshold: number | undefined;
  onEpochEnd: FitOptions['onEpochEnd'];
  onBatchEnd: FitOptions['onBatchEnd'];
  signal: AbortSignal | undefined;
  onDivergence: 'throw' | 'stop';
  /** The public call, for messages raised while training ('fit' or 'fitAsync'). */
  caller: string;
}

/** A dataset as flat arrays of the network's dtype, with its rows' sample weights (null: every row 1). */
export interface Dataset { x: FloatArray; y: FloatArray; rows: number; w?: FloatArray | null }

/** Everything one fit call works on. */
export interface FitRun {
  engine: Engine;
  architecture: Architecture;
  random: Random;
  training: TrainingState;
  /** The training rows and the validation rows after them, in the engine's dataset (staged by src/training/fit-data.ts; the loop releases it). */
  train: StagedRows;
  validation: StagedRows | null;
  options: CheckedFitOptions;
  /** η the schedule scales: options.learningRate, else the optimizer's. */
  baseRate: number;
  /** The optimizer to train with, installed when training starts (fresh state if it differs from the engine's). */
  optimizer: OptimizerConfig;
  /** Throws DisposedError once the network has been disposed (by a callback, or while fitAsync waited). */
  checkLive(): void;
  /**
   * fitAsync's rule: an abort undoes the epoch it interrupts, so the network keeps the state of
   * the last completed epoch; with `onError` (fitDataset's rule) so does an error thrown in an
   * epoch (a bad batch, a failing source). Null for `fit`, where an interrupted epoch counts.
   */
  undo: { snapshot(): unknown; restore(state: unknown): void; onError?: boolean } | null;
  /** How an epoch is trained: fit's staged rows (ROWS_TRAINER) or fitDataset's stream of batches. */
  trainer: EpochTrainer;
}

/** What an epoch's training gives the loop. */
export interface Trained {
  /** Σ (batch loss × batch weight) and Σ batch weight (`samples`: its rows when nothing is weighted). */
  total: number;
  samples: number;
  /** Optimizer steps applied. */
  batches: number;
  stop: StopReason | null;
  /** Where a step met a non-finite value (that step not applied), or null. */
  failure: StepFailure | null;
  /** The epoch's training metrics if the trainer measured them itself (fitDataset, per batch); else fit measures them on the staged rows. */
  metrics?: MetricValues;
}

/**
 * One way of training an epoch. `epoch` trains it (pausing for callbacks and, for a stream,
 * for its batches); `allEpochs`, if given, may run every epoch at once when nothing observes
 * single ones and returns whether it did.
 */
export interface EpochTrainer {
  epoch(run: FitRun, epoch: number, learningRate: number, yieldPerBatch: boolean): Generator<Pause, Trained, PauseAnswer>;
  allEpochs?(run: FitRun, rates: RatePlan | null, yieldPerBatch: boolean, history: FitHistory): boolean;
}

/**
 * Where the epoch loop pauses: to have a callback called (its return value is passed back in,
 * false stops training), or, at a 'tick', just to let other work run. The loop never calls the
 * user's callbacks itself, so fitAsync's worker can answer them from the calling thread.
 */
export type Pause = CallbackPause | SourcePause | WaitPause | { kind: 'tick' };

/**
 * A pause until asynchronous engine work settles (a GPU epoch and its read-back): an async
 * driver awaits `until` and resumes the loop, or throws its rejection into the loop.
 */
export type WaitPause = { kind: 'wait'; until: Promise<void> };

/** A callback pause: what the driver answers. */
export type CallbackPause =
  | { kind: 'batch'; batch: number; logs: BatchLogs }
  | { kind: 'epoch'; epoch: number; logs: EpochLogs };

/**
 * A stream's pauses (fitDataset): 'next-batch' asks the driver for batch `batch` of epoch
 * `epoch` (answered with the batch, or null at the end of the epoch's source); 'source-done'
 * says the epoch needs no more batches (the driver closes its iterator).
 */
export type SourcePause = { kind: 'next-batch'; epoch: number; batch: number } | { kind: 'source-done' };

/** A stream's answer to 'next-batch': what its source gave (checked by the trainer), or null at the end of the epoch's source. */
export type SourceAnswer = { given: unknown } | null;

/** What a driver passes back in at a pause: a callback's return value, or a stream's batch. */
export type PauseAnswer = boolean | void | SourceAnswer;

/** The epoch loop, not yet started: it yields pauses and returns the history. */
export type EpochLoop = Generator<Pause, FitHistory, PauseAnswer>;

/** Optimizer steps that fit's default epoch count gives at least: enough for small data (XOR's 4 rows) to learn. */
export const DEFAULT_MIN_STEPS = 1000;

/** fit's epochs when none are given: 10, or more on small data, so that training takes at least DEFAULT_MIN_STEPS steps. */
export function defaultEpochs(trainRows: number, batchSize: number | undefined): number {
  const batches = Math.ceil(trainRows / Math.min(batchSize ?? 32, trainRows));
  return Math.max(10, Math.ceil(DEFAULT_MIN_STEPS / batches));
}

/** Every key of `FitOptions`, for the check that refuses unknown (misspelt) ones. */
export const FIT_KEYS = keysOf<FitOptions>({
  epochs: true, batchSize: true, learningRate: true, optimizer: true, schedule: true, shuffle: true, validationSplit: true, validationShuffle: true, stratify: true,
  validationData: true, sampleWeight: true, metrics: true, earlyStopping: true, errorThreshold: true, onEpochEnd: true, onBatchEnd: true, signal: true, onDivergence: true,
});
const VALIDATION_KEYS = keysOf<ValidationData>({ X: true, Y: true, sampleWeight: true });

export function checkFitOptions(fn: string, options: unknown, arch: Architecture): CheckedFitOptions {
  const o = checkOptions(fn, 'options', options, true, FIT_KEYS) as FitOptions;
  for (const name of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw new ValueError(`${fn}: options.${name} must be a function, got ${describe(o[name])}`);
  }
  if (o.signal !== undefined && !isAbortSignal(o.signal)) throw new ValueError(`${fn}: options.signal must be an AbortSignal, got ${describe(o.signal)}`);
  if (o.validationSplit !== undefined && o.validationData !== undefined) {
    throw new ValueError(`${fn}: give options.validationSplit or options.validationData, not both`);
  }
  const validationSplit = o.validationSplit === undefined ? undefined : checkNumber(fn, 'options.validationSplit', o.validationSplit, { min: 0, max: 1 });
  if (validationSplit === 1) throw new ValueError(`${fn}: options.validationSplit must be below 1 (some samples must remain to train on), got 1`);
  if (o.validationData !== undefined) {
    const v = checkOptions(fn, 'options.validationData', o.validationData, false, VALIDATION_KEYS);
    if (v.X === undefined || v.Y === undefined) throw new ValueError(`${fn}: options.validationData must be { X, Y }, got an object without ${v.X === undefined ? 'X' : 'Y'}`);
  }
  const hasValidation = (validationSplit ?? 0) > 0 || o.validationData !== undefined;
  const metrics = checkMetrics(fn, 'options.metrics', o.metrics, arch);
  const schedule = o.schedule === undefined ? undefined : checkSchedule(fn, 'options.schedule', o.schedule);
  const plateau = plateauOf(schedule);
  if (plateau?.monitor) checkMonitorAvailable(fn, 'options.schedule.monitor', plateau.monitor, hasValidation, metrics);
  return {
    epochs: o.epochs === undefined ? 10 : checkInteger(fn, 'options.epochs', o.epochs, 1),
    batchSize: o.batchSize === undefined ? undefined : checkInteger(fn, 'options.batchSize', o.batchSize, 1),
    learningRate: o.learningRate === undefined ? undefined : checkNumber(fn, 'options.learningRate', o.learningRate, { min: 0 }),
    schedule,
    shuffle: o.shuffle === undefined ? true : checkBoolean(fn, 'options.shuffle', o.shuffle),
    validationSplit,
    validationShuffle: o.validationShuffle === undefined ? false : checkBoolean(fn, 'options.validationShuffle', o.validationShuffle),
    validationData: o.validationData,
    sampleWeight: o.sampleWeight,
    metrics,
    earlyStopping: checkEarlyStopping(fn, o.earlyStopping, hasValidation, metrics),
    errorThreshold: o.errorThreshold === undefined ? undefined : checkNumber(fn, 'options.errorThreshold', o.errorThreshold, { min: 0 }),
    onEpochEnd: o.onEpochEnd,
    onBatchEnd: o.onBatchEnd,
    signal: o.signal,
    onDivergence: o.onDivergence === undefined ? 'throw' : checkChoice(fn, 'options.onDivergence', o.onDivergence, ['throw', 'stop'] as const),
    caller: fn,
  };
}

/** Learning rates of a fit call's epochs: `at(i)` is epoch i's (from 0 in this call). */
export interface RatePlan {
  /** Every epoch has the same rate. */
  readonly uniform: boolean;
  at(i: number): number;
}

/**
 * Epochs whose rates a schedule is asked for at a time. The first chunk is computed before
 * training, so a schedule that returns nonsense early is caught before anything changes; a
 * fit longer than this checks each later chunk as it reaches it, so memory does not grow with
 * options.epochs.
 */
export const RATE_CHUNK = 65536;

/**
 * The learning rate of each epoch this call will train, checked up front (a chunk at a time for
 * very long fits, see RATE_CHUNK). Null when a reduce-on-plateau schedule decides rates as
 * training goes.
 */
export function planRates(fn: string, o: CheckedFitOptions, baseRate: number, firstEpoch: number): RatePlan | null {
  if (plateauOf(o.schedule)) return null;
  // Without a schedule every epoch has the base rate: no per-epoch evaluation (fit's fast path on many tiny epochs).
  if (o.schedule === undefined) return { uniform: true, at: () => baseRate };
  const schedule = new LearningRateSchedule(o.schedule, baseRate);
  let start = 0;
  let rates: number[] = [];
  const compute = (from: number) => {
    start = from;
    rates = Array.from({ length: Math.min(RATE_CHUNK, o.epochs - from) }, (_, k) => checkRate(fn, firstEpoch + from + k, schedule.rate(firstEpoch + from + k)));
  };
  compute(0);
  return {
    uniform: o.epochs <= RATE_CHUNK && rates.every((rate) => rate === rates[0]),
    at(i) {
      if (i < start || i >= start + rates.length) compute(i - (i % RATE_CHUNK));
      return rates[i - start];
    },
  };
}

/**
 * The epoch loop, as a generator that pauses for each callback and at a 'tick' after every
 * epoch (and, with `yieldPerBatch`, after every batch): `fit` runs it straight through,
 * `fitAsync` lets the event loop run at ticks. Nothing changes before its first step, and
 * nothing at all if the signal is already aborted then.
 */
export function* fitEpochs(run: FitRun, rates: RatePlan | null, yieldPerBatch = false): EpochLoop {
  const { engine, training, options: o, undo } = run;
  const history = emptyHistory(o.metrics, run.validation !== null);
  // fitAsync starts after the event loop has run: the network may have been disposed meanwhile.
  run.checkLive();
  if (o.signal?.aborted) {
    engine.clearDataset();
    history.stopReason = 'aborted';
    return history;
  }
  const undoing = undo !== null && (o.signal !== undefined || undo.onError === true);
  // The first epoch's undo point is taken before the optimizer is installed, so undoing that
  // epoch also puts back the optimizer (configuration and moments) the call replaced.
  let saved = undoing ? undo.snapshot() : null;
  if (!sameConfig(run.optimizer, engine.optimizer())) engine.setOptimizer(run.optimizer);
  const schedule = new LearningRateSchedule(o.schedule, run.baseRate, training.plateau);
  const stopper = o.earlyStopping ? new EarlyStopping(o.earlyStopping) : null;
  const plateauMonitor: Monitor = plateauOf(o.schedule)?.monitor ?? (run.validation ? 'val_loss' : 'loss');
  let best: BestWeights | null = null;
  try {
    if (run.trainer.allEpochs?.(run, rates, yieldPerBatch, history)) return history;
    for (let i = 0; i < o.epochs; i++) {
      if (o.signal?.aborted) {
        history.stopReason = 'aborted';
        break;
      }
      // An epoch that is undone goes back to what it started from.
      if (i > 0 && undoing) saved = undo.snapshot();
      const epoch = training.epoch;
      const started = performance.now();
      const learningRate = rates ? rates.at(i) : checkRate(o.caller, epoch, schedule.rate(epoch));
      let trained: Trained;
      try {
        trained = yield* run.trainer.epoch(run, epoch, learningRate, yieldPerBatch);
        if (trained.failure) diverged(run, history, { epoch, ...trained.failure }, learningRate);
      } catch (error) {
        if (saved !== null && undo!.onError) undo!.restore(saved);
        throw error;
      }
      if (trained.failure) break;
      if (trained.stop === 'aborted' && saved !== null) {
        undo!.restore(saved);
        history.stopReason = 'aborted';
        break;
      }
      training.epoch++;
      training.steps += trained.batches;
      const logs = epochLogs(run, weightedMean(trained.total, trained.samples), learningRate, trained.metrics);
      logs.elapsedMs = performance.now() - started;
      record(history, logs);
      const stop = epochVerdict({ options: o, training, schedule, plateauMonitor, stopper }, epoch, logs, trained.stop, () => (best = takeWeights(engine)));
      const answer = o.onEpochEnd ? yield { kind: 'epoch', epoch, logs } : undefined;
      run.checkLive();
      const callbackStop = answer === false ? 'callback' : null;
      if (stop ?? callbackStop) {
        history.stopReason = (stop ?? callbackStop)!;
        break;
      }
      yield { kind: 'tick' };
      run.checkLive();
    }
  } finally {
    engine.setSampleWeighting(false);
    engine.clearDataset();
  }
  if (stopper && stopper.bestEpoch >= 0) {
    history.bestEpoch = stopper.bestEpoch;
    if (best && stopper.bestEpoch !== training.epoch - 1) putWeights(engine, best);
  }
  return history;
}

/** fit's epochs: over the rows staged in the engine's dataset, shuffled by the network's generator. */
export const ROWS_TRAINER: EpochTrainer = {
  *epoch(run, epoch, learningRate, yieldPerBatch) {
    const { engine, random, train, options: o } = run;
    const batchSize = Math.min(o.batchSize ?? 32, train.rows);
    const batches = Math.ceil(train.rows / batchSize);
    const order = engine.datasetOrder();
    for (let s = 0; s < train.rows; s++) order[s] = s;
    if (o.shuffle) random.shuffle(order);
    // Evaluation between epochs stages rows of its own: weighting is switched on for each training call.
    engine.setSampleWeighting(train.weighted);
    const trained = o.onBatchEnd || o.signal || yieldPerBatch
      ? yield* trainByBatch(run, epoch, batches, batchSize, learningRate, yieldPerBatch)
      : { total: engine.trainBatches(0, batches, batchSize, learningRate), batches, samples: engine.batchesWeight(), stop: null };
    return { ...trained, failure: engine.failure() };
  },
  allEpochs(run, rates, yieldPerBatch, history) {
    if (!unobserved(run, rates, yieldPerBatch)) return false;
    // Nothing looks at single epochs: the engine runs them all, shuffling as `epoch` would.
    const { engine, random, training, train, options: o } = run;
    const batchSize = Math.min(o.batchSize ?? 32, train.rows);
    const started = performance.now();
    const rate = rates!.at(0);
    engine.setSampleWeighting(train.weighted);
    engine.trainEpochs(o.epochs, batchSize, rate, o.shuffle, random, history.loss);
    // One rate throughout and no plateau schedule (see `unobserved`): nothing to observe per epoch.
    const completed = history.loss.length; // fewer than asked if a step diverged
    history.learningRate = new Array<number>(completed).fill(rate);
    history.elapsedMs = new Array<number>(completed).fill((performance.now() - started) / Math.max(1, completed));
    training.epoch += completed;
    training.steps += Math.ceil(train.rows / batchSize) * completed;
    history.epochs = completed;
    const failure = engine.failure();
    if (failure) diverged(run, history, { epoch: training.epoch, ...failure }, rate);
    return true;
  },
};

/** A step met a non-finite value and was not applied (the steps before it in its epoch were): throw, or record it. */
function diverged(run: FitRun, history: FitHistory, divergence: Divergence, learningRate: number): void {
  const { engine, training, options: o } = run;
  training.steps += divergence.step;
  const error = divergenceError(o.caller, divergence, engine.layout, learningRate);
  if (o.onDivergence === 'throw') throw error;
  history.stopReason = 'diverged';
  history.divergence = { ...error.divergence, message: error.message };
}

/** Σ (loss × weight) / Σ weight, and 0 for a weight of 0 (batches whose sample weights are all 0 count for nothing). */
function weightedMean(total: number, weight: number): number {
  return weight === 0 ? 0 : total / weight;
}


/**
 * True when no option needs anything between epochs — callbacks, a signal, evaluation, early
 * stopping, a threshold, a changing rate — and the loop runs straight through (`fit`, not
 * `fitAsync`): then whole chunks of epochs can run in one engine call.
 */
function unobserved(run: FitRun, rates: RatePlan | null, yieldPerBatch: boolean): boolean {
  const o = run.options;
  return !yieldPerBatch && !o.onEpochEnd && !o.onBatchEnd && !o.signal && !run.validation && o.metrics.length === 0
    && !o.earlyStopping && o.errorThreshold === undefined && rates !== null && rates.uniform;
}

/** One engine call per batch, so callbacks and the signal can stop between batches. */
function* trainByBatch(run: FitRun, epoch: number, batches: number, batchSize: number, learningRate: number, yieldPerBatch: boolean): Generator<Pause, Omit<Trained, 'failure'>, PauseAnswer> {
  const { engine, options: o, train } = run;
  let total = 0;
  let samples = 0;
  for (let b = 0; b < batches; b++) {
    const size = Math.min(batchSize, train.rows - b * batchSize);
    engine.setSampleWeighting(train.weighted);
    const loss = engine.trainBatches(b, 1, batchSize, learningRate);
    if (engine.failure()) return { total, batches: b, samples, stop: 'diverged' };
    const weight = engine.batchesWeight();
    total += loss;
    samples += weight;
    const answer = o.onBatchEnd ? yield { kind: 'batch', batch: b, logs: { loss: weightedMean(loss, weight), size, epoch, learningRate } } : undefined;
    run.checkLive();
    const stop: StopReason | null = answer === false ? 'callback' : o.signal?.aborted ? 'aborted' : null;
    if (stop) return { total, batches: b + 1, samples, stop };
    if (yieldPerBatch && b < batches - 1) {
      yield { kind: 'tick' };
      run.checkLive();
    }
  }
  return { total, batches, samples, stop: null };
}

function epochLogs(run: FitRun, loss: number, learningRate: number, measured: MetricValues | undefined): EpochLogs {
  const { engine, architecture, train, validation, options: o } = run;
  const logs: EpochLogs = { loss, metrics: measured ?? {}, valMetrics: {}, learningRate, elapsedMs: 0 };
  // Both read the rows staged in the engine, not the caller's X (which a callback may have changed).
  if (!measured && o.metrics.length > 0) logs.metrics = evaluateStaged(engine, architecture, train, o.metrics).metrics;
  if (validation) {
    const v = evaluateStaged(engine, architecture, validation, o.metrics);
    logs.valLoss = v.loss;
    logs.valMetrics = v.metrics;
  }
  return logs;
}

/** What decides, after each epoch, whether training goes on. */
export interface EpochWatch {
  options: CheckedFitOptions;
  training: TrainingState;
  schedule: LearningRateSchedule;
  plateauMonitor: Monitor;
  stopper: EarlyStopping | null;
}

/**
 * After an epoch is recorded: feeds the plateau schedule and early stopping, and returns why
 * training stops by the epoch's numbers (`stopped`, if the epoch was already cut short), or
 * null. `keepBest` is called when early stopping should remember this epoch's θ.
 */
function epochVerdict(w: EpochWatch, epoch: number, logs: EpochLogs, stopped: StopReason | null, keepBest: () => void): StopReason | null {
  w.schedule.observe(epoch, monitored(w.plateauMonitor, logs));
  w.training.plateau = w.schedule.state();
  const verdict = w.stopper?.update(epoch, monitored(w.stopper.options.monitor, logs));
  if (verdict?.improved && w.stopper!.options.restoreBest) keepBest();
  return stopped ?? stopAfterEpoch(w.options, logs, verdict?.stop ?? false);
}

/** Stop reasons decided by the epoch's numbers, in order of precedence. */
function stopAfterEpoch(o: CheckedFitOptions, logs: EpochLogs, earlyStop: boolean): StopReason | null {
  if (o.signal?.aborted) return 'aborted';
  if (o.errorThreshold !== undefined && logs.loss < o.errorThreshold) return 'error-threshold';
  if (earlyStop) return 'early-stopping';
  return null;
}

function monitored(monitor: Monitor, logs: EpochLogs): number {
  switch (monitor) {
    case 'loss': return logs.loss;
    case 'val_loss': return logs.valLoss!;
    default: return monitor.startsWith('val_') ? logs.valMetrics[monitor.slice(4) as Metric]! : logs.metrics[monitor as Metric]!;
  }
}

export function emptyHistory(metrics: readonly Metric[], hasValidation: boolean): FitHistory {
  const perMetric = () => Object.fromEntries(metrics.map((m) => [m, [] as number[]]));
  return { loss: [], valLoss: [], metrics: perMetric(), valMetrics: hasValidation ? perMetric() : {}, learningRate: [], elapsedMs: [], epochs: 0, stopReason: 'epochs' };
}

export function record(history: FitHistory, logs: EpochLogs): void {
  history.loss.push(logs.loss);
  if (logs.valLoss !== undefined) history.valLoss.push(logs.valLoss);
  for (const [m, v] of Object.entries(logs.metrics)) history.metrics[m as Metric]!.push(v);
  for (const [m, v] of Object.entries(logs.valMetrics)) history.valMetrics[m as Metric]!.push(v);
  history.learningRate.push(logs.learningRate);
  history.elapsedMs.push(logs.elapsedMs);
  history.epochs++;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function';
}

export function isSourcePause(pause: Pause): pause is SourcePause {
  return pause.kind === 'next-batch' || pause.kind === 'source-done';
}

/** Calls the callback a pause names, from fit's own options. */
export function callBack(o: Pick<FitOptions, 'onBatchEnd' | 'onEpochEnd'>, pause: CallbackPause): boolean | void {
  return pause.kind === 'batch' ? o.onBatchEnd!(pause.batch, pause.logs) : o.onEpochEnd!(pause.epoch, pause.logs);
}

/** Runs the epoch loop to the end without yielding to the event loop, calling callbacks as it pauses. */
export function runToEnd(loop: EpochLoop, o: Pick<FitOptions, 'onBatchEnd' | 'onEpochEnd'>): FitHistory {
  let next = loop.next();
  while (!next.done) {
    const pause = next.value;
    if (pause.kind === 'tick') {
      next = loop.next();
      continue;
    }
    if (isSourcePause(pause) || pause.kind === 'wait') throw new Error(`internal: a loop that pauses for '${pause.kind}' needs an asynchronous driver`);
    let answer: boolean | void;
    try {
      answer = callBack(o, pause);
    } catch (error) {
      next = loop.throw(error); // the loop's cleanup runs, then the callback's error surfaces
      continue;
    }
    next = loop.next(answer);
  }
  return next.value;
}

/** Longest stretch `fitAsync` trains without letting the event loop run: about one frame. */
const SLICE_MS = 16;

/** Resolves after the event loop has run once (timers, I/O, messages). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs the epoch loop, letting timers, events and abort signals fire every ~16 ms of training
 * (at the next batch or epoch boundary), not after every batch: a macrotask costs about 1–4 ms,
 * which would dominate small batches. It starts only after the event loop has run once, so
 * code after the fitAsync call (an abort, say) acts before any training. `answer` handles each
 * callback pause and may answer later (a worker waits for its caller's callbacks).
 */
export async function runYielding(loop: EpochLoop, answer: (pause: CallbackPause) => boolean | void | Promise<boolean | void>): Promise<FitHistory> {
  await nextTask();
  let sliceStart = performance.now();
  let next = loop.next();
  while (!next.done) {
    const pause = next.value;
    if (pause.kind === 'tick') {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await nextTask();
        sliceStart = performance.now();
      }
      next = loop.next();
      continue;
    }
    if (isSourcePause(pause)) throw new Error('internal: a loop over a stream of batches needs its own driver');
    let value: boolean | void;
    try {
      if (pause.kind === 'wait') {
        await pause.until;
        sliceStart = performance.now();
        next = loop.next();
        continue;
      }
      const answered = answer(pause);
      value = answered instanceof Promise ? await answered : answered;
    } catch (error) {
      next = loop.throw(error);
      continue;
    }
    next = loop.next(value);
  }
  return next.value;
}


/** The error for a network disposed while it trained. */
export function disposedWhileTraining(fn: string): DisposedError {
  return new DisposedError(`${fn}: this network was disposed while training; training stopped there (create or load a new network)`);
}
