// fitDataset(): training from batches that arrive one at a time (a generator, a file read as it
// goes, a network stream), so memory is bounded by a batch, not by the dataset. Each batch is
// one optimizer step, through the same engine step `fit` uses: the same batches give the same
// numbers bit for bit.
import type { Engine } from '../engine.js';
import type { Architecture } from '../options.js';
import type { Matrix, Targets } from '../data.js';
import type { OptimizerConfig } from '../optimizers.js';
import type { NetworkState } from '../async/fit-async.js';
import { checkBatchStatisticsRows } from '../layout.js';
import { ValueError, describe, inCall } from '../errors.js';
import { checkInteger, checkKeys, checkOptions } from '../validate.js';
import { checkBatchFits } from '../limits.js';
import { divergenceError } from '../divergence.js';
import { FIT_KEYS, afterEpoch, checkFitOptions, emptyHistory, planRates, record, type CheckedFitOptions, type Dataset, type EpochLogs, type FitHistory, type FitOptions, type StopReason, type TrainingState } from '../fit.js';
import { LearningRateSchedule, checkRate, plateauOf } from './schedules.js';
import { EarlyStopping, type Monitor } from './early-stopping.js';
import { evaluateArrays } from './evaluate.js';
import { MetricTally } from './metrics.js';
import { putWeights, takeWeights, type BestWeights } from './best-weights.js';

/** One batch: its samples `x` and targets `y`, in any form `fit` accepts for X and Y. */
export interface Batch {
  x: Matrix;
  y: Targets;
}

/** What a dataset gives for one epoch: batches, now or as they come. */
export type BatchSource = Iterable<Batch> | AsyncIterable<Batch>;

/**
 * A dataset for `fitDataset`: called at the start of every epoch (with the network's epoch
 * number) for that epoch's batches, e.g. a generator function that reads a file from the start.
 */
export type BatchDataset = (epoch: number) => BatchSource;

/** Options of `fitDataset`: those of `fit` that apply to a stream of batches, and `batchesPerEpoch`. */
export interface FitDatasetOptions extends Omit<FitOptions, 'batchSize' | 'shuffle' | 'validationSplit' | 'validationShuffle'> {
  /** End an epoch after this many batches even if the dataset has more (its iterator is closed). Default: all. */
  batchesPerEpoch?: number;
}

/** What fitDataset needs of a network beyond its public API. */
export interface DatasetAccess {
  engine: Engine;
  architecture: Architecture;
  training: TrainingState;
  toArrays(fn: string, X: Matrix, Y: Targets, prefix: string): Dataset;
  snapshot(): NetworkState;
  restore(state: NetworkState): void;
  /** Throws a DisposedError once the network is disposed (it may be, while a batch is awaited). */
  checkLive(): void;
  /** The optimizer `options.optimizer` asks for (checked), else the network's. */
  chooseOptimizer(options: FitDatasetOptions): OptimizerConfig;
  /** Installs it, with fresh state, unless the network already uses exactly this configuration. */
  useOptimizer(config: OptimizerConfig): void;
}

const FN = 'fitDataset';

/** Options that depend on having all the samples at once. */
const NOT_FOR_STREAMS = {
  batchSize: "the dataset's batches set the batch size",
  shuffle: 'a stream is trained in the order it gives (shuffle inside the dataset function)',
  validationSplit: 'a stream cannot be split ahead of time (give options.validationData)',
  validationShuffle: 'a stream cannot be split ahead of time (give options.validationData)',
} as const;
/** Every option fitDataset takes, for the check that refuses unknown (misspelt) ones. */
const DATASET_KEYS = [...FIT_KEYS.filter((key) => !(key in NOT_FOR_STREAMS)), 'batchesPerEpoch'];

/** Checks the options: fit's, without those that need the whole dataset, plus batchesPerEpoch. */
export function checkFitDatasetOptions(options: unknown, arch: Architecture): { o: CheckedFitOptions; batchesPerEpoch: number } {
  const given = checkOptions(FN, 'options', options, true) as FitDatasetOptions & Record<string, unknown>;
  for (const [name, why] of Object.entries(NOT_FOR_STREAMS)) {
    if (given[name] !== undefined) throw new ValueError(`${FN}: options.${name} does not apply: ${why}`);
  }
  checkKeys(FN, 'options', given, DATASET_KEYS);
  const { batchesPerEpoch, ...fitOptions } = given;
  return {
    o: checkFitOptions(FN, fitOptions, arch),
    batchesPerEpoch: batchesPerEpoch === undefined ? Infinity : checkInteger(FN, 'options.batchesPerEpoch', batchesPerEpoch, 1),
  };
}

/** Trains epoch by epoch on the dataset's batches; see `MLP.fitDataset`. */
export async function fitDataset(net: DatasetAccess, dataset: BatchDataset, options: FitDatasetOptions | undefined): Promise<FitHistory> {
  if (typeof dataset !== 'function') throw new ValueError(`${FN}: dataset must be a function returning each epoch's batches (an iterable or async iterable of { x, y }), got ${describe(dataset)}`);
  const { o, batchesPerEpoch } = checkFitDatasetOptions(options, net.architecture);
  const { engine } = net;
  const validation = o.validationData ? net.toArrays(FN, o.validationData.X, o.validationData.Y, 'options.validationData.') : null;
  const optimizer = net.chooseOptimizer(options ?? {});
  const baseRate = o.learningRate ?? optimizer.learningRate;
  const rates = planRates(FN, o, baseRate, net.training.epoch);
  net.useOptimizer(optimizer);
  const schedule = new LearningRateSchedule(o.schedule, baseRate, net.training.plateau);
  const stopper = o.earlyStopping ? new EarlyStopping(o.earlyStopping) : null;
  const plateauMonitor: Monitor = plateauOf(o.schedule)?.monitor ?? (validation ? 'val_loss' : 'loss');
  const history = emptyHistory(o.metrics, validation !== null);
  let best: BestWeights | null = null;
  for (let i = 0; i < o.epochs; i++) {
    if (o.signal?.aborted) {
      history.stopReason = 'aborted';
      break;
    }
    const epoch = net.training.epoch;
    const started = performance.now();
    const learningRate = rates ? rates.at(i) : checkRate(FN, epoch, schedule.rate(epoch));
    // A bad batch, a failing dataset or an abort mid-epoch puts back the state this epoch started from.
    const start = net.snapshot();
    let trained: Trained;
    try {
      trained = await trainEpoch(net, dataset, epoch, learningRate, batchesPerEpoch, o);
    } catch (error) {
      net.restore(start);
      throw error;
    }
    if (trained.stop === 'aborted') {
      net.restore(start);
      history.stopReason = 'aborted';
      break;
    }
    net.training.steps += trained.batches;
    if (trained.stop === 'diverged') {
      history.stopReason = 'diverged';
      history.divergence = trained.divergence;
      break;
    }
    net.training.epoch++;
    const logs: EpochLogs = { loss: trained.total / trained.samples, metrics: {}, valMetrics: {}, learningRate, elapsedMs: 0 };
    logs.metrics = trained.metrics.values();
    if (validation) {
      const v = evaluateArrays(engine, net.architecture, validation, o.metrics);
      logs.valLoss = v.loss;
      logs.valMetrics = v.metrics;
    }
    logs.elapsedMs = performance.now() - started;
    record(history, logs);
    const stop = afterEpoch({ options: o, training: net.training, schedule, plateauMonitor, stopper }, epoch, logs, trained.stop, () => (best = takeWeights(engine)));
    if (stop) {
      history.stopReason = stop;
      break;
    }
  }
  if (stopper && stopper.bestEpoch >= 0) {
    history.bestEpoch = stopper.bestEpoch;
    if (best && stopper.bestEpoch !== net.training.epoch - 1) putWeights(engine, best);
  }
  return history;
}

interface Trained {
  /** Σ batch loss × batch rows, and the rows. */
  total: number;
  samples: number;
  batches: number;
  /** The requested metrics over the outputs of each step's forward pass. */
  metrics: MetricTally;
  stop: StopReason | null;
  divergence?: FitHistory['divergence'];
}

/** One epoch: every batch of the dataset's source (up to batchesPerEpoch) is one step at η. */
async function trainEpoch(net: DatasetAccess, dataset: BatchDataset, epoch: number, learningRate: number, batchesPerEpoch: number, o: CheckedFitOptions): Promise<Trained> {
  const { engine, architecture } = net;
  const last = engine.layout.layers.length - 1;
  const trained: Trained = { total: 0, samples: 0, batches: 0, metrics: new MetricTally(o.metrics, architecture), stop: null };
  const source = dataset(epoch);
  if (!isIterable(source)) throw new ValueError(`${FN}: dataset(${epoch}) must return an iterable or async iterable of { x, y } batches, got ${describe(source)}`);
  // `for await` also walks sync iterables; `break` closes the iterator (a generator's finally runs).
  for await (const batch of source as AsyncIterable<Batch>) {
    net.checkLive();
    const b = trained.batches;
    const where = `batch ${b} of epoch ${epoch}`;
    if (typeof batch !== 'object' || batch === null || !('x' in batch) || !('y' in batch)) {
      throw new ValueError(`${FN}: ${where} must be an object { x, y }, got ${describe(batch)}`);
    }
    const data = net.toArrays(FN, batch.x, batch.y, `${where}: `);
    checkBatchFits(`${FN}: ${where}`, engine.layout, architecture.dtype, data.rows);
    checkBatchStatisticsRows(FN, engine.layout, data.rows, where);
    inCall(`${FN}: ${where}`, () => engine.reserve(data.rows));
    engine.inputBuffer(data.rows).set(data.x);
    engine.targetBuffer(data.rows).set(data.y);
    const loss = engine.step(data.rows, learningRate);
    const failure = engine.failure();
    if (failure) {
      const error = divergenceError(FN, { epoch, ...failure, step: b }, engine.layout, learningRate);
      if (o.onDivergence === 'throw') throw error;
      return { ...trained, stop: 'diverged', divergence: { ...error.divergence, message: error.message } };
    }
    trained.batches++;
    trained.total += loss * data.rows;
    trained.samples += data.rows;
    if (o.metrics.length > 0) {
      // The step's forward pass left the outputs in place: metrics while training, as Keras reports them.
      trained.metrics.add(engine.activation(last, data.rows), engine.targetBuffer(data.rows), data.rows);
    }
    if (o.onBatchEnd?.(b, { loss, size: data.rows, epoch, learningRate }) === false) return { ...trained, stop: 'callback' };
    if (o.signal?.aborted) return { ...trained, stop: 'aborted' };
    if (trained.batches >= batchesPerEpoch) break;
  }
  if (trained.samples === 0) throw new ValueError(`${FN}: dataset(${epoch}) gave no batches; every epoch needs at least one`);
  return trained;
}

function isIterable(value: unknown): value is BatchSource {
  return typeof value === 'object' && value !== null
    && (typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function');
}
