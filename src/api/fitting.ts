// The plumbing between the MLP class's fit, fitAsync and fitDataset and fit's epoch loop
// (src/training/fit.ts): every check before anything changes, the data staged once, the
// optimizer a fit trains with, and the undo of an interrupted epoch. It works on a FitHost, what
// the class lends it of its private state.
import type { Engine } from '../engine/engine.js';
import type { Architecture, Backend } from '../model/options.js';
import type { Random } from '../core/random.js';
import { checkDatasetFits } from '../model/limits.js';
import { checkBatchStatisticsRows } from '../model/layout.js';
import type { Matrix, Targets } from '../model/data.js';
import type { ThreadsOption } from '../threads/support.js';
import type { NetworkState } from '../state/network-state.js';
import { DEFAULT_OPTIMIZER, FIT_DEFAULT_OPTIMIZER, resolveOptimizer, type OptimizerConfig, type OptimizerOptions } from '../registry/optimizers.js';
import { checkFitOptions, defaultEpochs, disposedWhileTraining, fitEpochs, planRates, sameConfig, type CheckedFitOptions, type EpochLoop, type EpochTrainer, type FitOptions, type FitRun, type TrainingState } from '../training/fit.js';
import { rowsTrainer } from '../training/webgpu-epochs.js';
import { planFitData, stageFitData, stageValidationOnly, type FitDataOptions, type StagedRows } from '../training/fit-data.js';
import type { DatasetAccess } from '../training/fit-dataset.js';
import { checkStratify, stratifiedOrder } from '../training/stratify.js';
import { shuffledOrder } from '../training/row-order.js';
import type { FitAccess } from '../async/fit-async.js';
import { countRows, encodeX, encodeY, stageBatch, toArrays } from './rows.js';

/** What the fit plumbing reads and changes of a network: the MLP class lends it this. */
export interface FitHost {
  readonly architecture: Architecture;
  readonly random: Random;
  /** fit's counters: one object for the network's life. */
  readonly training: TrainingState;
  /** setOptimizer was called: from then on fit trains with the network's optimizer, even plain SGD. */
  readonly optimizerChosen: boolean;
  /** True after dispose(). */
  readonly disposed: boolean;
  /** The network's engine; DisposedError after dispose(). */
  live(fn: string): Engine;
  /** The whole network state (what `save()` writes). */
  snapshot(): NetworkState;
  /** Puts back a `snapshot()`. */
  restore(state: NetworkState): void;
}

/**
 * The optimizer a fit trains with: the one it names, else the network's own — unless the
 * network has none of its own yet (never given one by setOptimizer, never trained by fit),
 * in which case fit's default, Adam at η = 0.01: plain SGD at 0.01 stays `step`'s default
 * (the worked example), but is too slow for fit's small-data habits (XOR in a few lines).
 */
export function fitOptimizer(host: FitHost, fn: string, given: OptimizerOptions | OptimizerOptions['type'] | undefined): OptimizerConfig {
  if (given !== undefined) return resolveOptimizer(fn, given, 'options.optimizer');
  const current = host.live(fn).optimizer();
  const own = host.optimizerChosen || host.training.steps > 0 || !sameConfig(current, DEFAULT_OPTIMIZER);
  return own ? current : FIT_DEFAULT_OPTIMIZER;
}

/** Checks everything a fit needs but X's and the validation data's values (see `startFit`), changing nothing. */
export function planFit(host: FitHost, fn: string, X: Matrix, Y: Targets, options: FitOptions | undefined) {
  const engine = host.live(fn);
  const { architecture } = host;
  const o = checkFitOptions(fn, options, architecture);
  const samples = countRows(fn, engine, architecture, X, Y);
  checkDatasetFits(fn, engine.layout, architecture.dtype, samples, o.batchSize ?? Math.min(32, samples));
  const plan = planFitData(fn, architecture, engine.layout.inputSize, samples, o as FitDataOptions);
  const trainRows = plan.trainRows;
  if (options?.epochs === undefined) o.epochs = defaultEpochs(trainRows, o.batchSize);
  const batchSize = Math.min(o.batchSize ?? 32, trainRows);
  checkBatchStatisticsRows(fn, engine.layout, trainRows % batchSize === 1 ? 1 : batchSize,
    trainRows % batchSize === 1 ? `the last batch of each epoch (${trainRows} training rows in batches of ${batchSize})` : `each batch (options.batchSize ${batchSize})`);
  const stratify = checkStratify(fn, options?.stratify, o.validationSplit, o.validationShuffle, architecture);
  const optimizer = fitOptimizer(host, fn, options?.optimizer);
  const baseRate = o.learningRate ?? optimizer.learningRate;
  return { engine, o, plan, optimizer, baseRate, rates: planRates(fn, o, baseRate, host.training.epoch), stratify };
}

/**
 * Checks everything a fit needs, then returns its epoch loop, not yet started (nothing has
 * changed yet). `asyncRun`: fitAsync's loop, which pauses between batches and undoes an
 * epoch an abort interrupts.
 */
export function startFit(host: FitHost, fn: string, X: Matrix, Y: Targets, options: FitOptions | undefined, asyncRun = false): { loop: EpochLoop; options: CheckedFitOptions } {
  const { engine, o, plan, optimizer, baseRate, rates, stratify } = planFit(host, fn, X, Y, options);
  // Last, once everything else is checked: X's rows go into the engine, checked as they are copied.
  // Raw validation rows and class names were encoded by the public call (encodeFit). A
  // stratified split, like a shuffled one, stages rows it picked (the same counts as the plain split).
  const { train, validation } = stageFitData(fn, engine, host.architecture, X, Y, { ...(o as FitDataOptions), validationShuffle: o.validationShuffle || stratify }, plan,
    (targets, rows) => (stratify ? stratifiedOrder(fn, targets, rows, o.validationSplit!) : shuffledOrder(rows)));
  const undo = asyncRun ? undoOf(host) : null;
  return { loop: fitEpochs(fitRun(host, fn, engine, { train, validation }, o, optimizer, baseRate, undo, rowsTrainer(engine)), rates, asyncRun), options: o };
}

/** For fitDataset: fit's epoch loop (with fitDataset's undo rule) over a stream's epochs, and each batch's staging. */
export function datasetAccess(host: FitHost, disposal: AbortSignal): DatasetAccess {
  const fn = 'fitDataset';
  const { architecture } = host;
  return {
    architecture,
    disposal,
    stage: (X, Y, prefix, what) => stageBatch(fn, host.live(fn), architecture, encodeX(fn, architecture, X, prefix), encodeY(fn, architecture, Y, prefix), prefix, what),
    loop: (o, given, trainer) => {
      const engine = host.live(fn);
      const optimizer = fitOptimizer(host, fn, given);
      const baseRate = o.learningRate ?? optimizer.learningRate;
      const rates = planRates(fn, o, baseRate, host.training.epoch);
      const v = o.validationData;
      const validation = v && { ...v, X: encodeX(fn, architecture, v.X, 'options.validationData.'), Y: encodeY(fn, architecture, v.Y, 'options.validationData.') };
      const data = stageValidationOnly(fn, engine, architecture, validation);
      return fitEpochs(fitRun(host, fn, engine, data, o, optimizer, baseRate, { ...undoOf(host), onError: true }, trainer), rates);
    },
  };
}

/** What fitAsync needs to train exactly as `fit` does: the network's shape, checked data, its epoch loop, its whole state. */
export function fitAccessOf(host: FitHost, backend: Backend, threads: ThreadsOption): FitAccess {
  const { architecture } = host;
  return {
    architecture,
    backend,
    threads,
    get epoch() { return host.training.epoch; },
    get disposed() { return host.disposed; },
    toArrays: (fn, X, Y, prefix, sampleWeight) => toArrays(fn, host.live(fn), architecture, X, Y, prefix, sampleWeight),
    check: (fn, X, Y, options) => void planFit(host, fn, X, Y, options),
    loop: (fn, X, Y, options) => startFit(host, fn, X, Y, options, true).loop,
    fitOptimizer: (fn, given) => fitOptimizer(host, fn, given),
    snapshot: () => host.snapshot(),
    restore: (state) => host.restore(state),
  };
}

/** What fit's epoch loop works on (src/training/fit.ts FitRun). */
function fitRun(host: FitHost, fn: string, engine: Engine, data: { train: StagedRows; validation: StagedRows | null }, o: CheckedFitOptions, optimizer: OptimizerConfig, baseRate: number, undo: FitRun['undo'], trainer: EpochTrainer): FitRun {
  return {
    engine, architecture: host.architecture, random: host.random, training: host.training, ...data, options: o, baseRate, optimizer, undo, trainer,
    checkLive: () => {
      if (host.disposed) throw disposedWhileTraining(fn);
    },
  };
}

/** Undoing an epoch: the whole network state, captured and applied (src/state/network-state.ts). */
function undoOf(host: FitHost): NonNullable<FitRun['undo']> {
  // A network disposed while it trained has nothing to put back.
  return { snapshot: () => host.snapshot(), restore: (state: unknown) => void (!host.disposed && host.restore(state as NetworkState)) };
}
