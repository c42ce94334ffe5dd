// fitDataset(): training from batches that arrive one at a time (a generator, a file read as it
// goes, a network stream), so memory is bounded by a batch, not by the dataset. It runs fit's
// epoch loop (src/training/fit.ts fitEpochs: callbacks, early stopping, schedules, history, metrics,
// abort and undo in one place) with the stream as its batch source: each batch is one
// optimizer step, through the same engine step `fit` uses, so the same batches give the same
// numbers bit for bit. The loop asks for batches at pauses; the driver here awaits them.
import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import type { Matrix, Targets } from '../model/data.js';
import type { RawRows } from '../preprocessing/rows.js';
import type { OptimizerOptions } from '../registry/optimizers.js';
import { AbortError, ValueError, describe } from '../core/errors.js';
import { checkInteger, checkKeys, checkOptions } from '../core/validate.js';
import { FIT_KEYS, callBack, checkFitOptions, disposedWhileTraining, isSourcePause, type CheckedFitOptions, type EpochLoop, type EpochTrainer, type FitHistory, type FitOptions, type Pause, type PauseAnswer, type SourceAnswer, type Trained } from './fit.js';
import { MetricTally } from './metrics.js';

/** One batch: its samples `x` and targets `y`, in any form `fit` accepts for X and Y. */
export interface Batch {
  x: Matrix | RawRows;
  y: Targets | readonly string[];
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
  architecture: Architecture;
  /** Aborted when the network is disposed: a wait for the source's next batch ends then. */
  disposal: AbortSignal;
  /**
   * fit's epoch loop (not yet started) over epochs that `trainer` trains, with fitDataset's undo
   * rule (an epoch that fails or is aborted is undone), the optimizer `given` asks for (else the
   * network's), and the validation data staged in the engine.
   */
  loop(o: CheckedFitOptions, given: OptimizerOptions | OptimizerOptions['type'] | undefined, trainer: EpochTrainer): EpochLoop;
  /** Checks a batch (raw rows and class names first through the network's input stage and label encoder) and copies it straight into the engine's batch buffers (names prefixed with `prefix`, the batch called `what`); returns its rows. */
  stage(X: Matrix | RawRows, Y: Targets | readonly string[], prefix: string, what: string): number;
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
  const loop = net.loop(o, options?.optimizer, streamTrainer(net, batchesPerEpoch));
  return drive(loop, dataset, o, net.disposal);
}

/** Epochs over a stream: each batch the loop is given is one step at η, up to batchesPerEpoch. */
function streamTrainer(net: DatasetAccess, batchesPerEpoch: number): EpochTrainer {
  return {
    *epoch(run, epoch, learningRate) {
      const trained = yield* trainStream(net, run.engine, run.options, run.checkLive, epoch, learningRate, batchesPerEpoch);
      yield { kind: 'source-done' };
      return trained;
    },
  };
}

/** One epoch of a stream: asks for batches until the source ends or batchesPerEpoch is reached; stops early as fit's batches do (a callback's false, an abort, a divergence). */
function* trainStream(net: DatasetAccess, engine: Engine, o: CheckedFitOptions, checkLive: () => void, epoch: number, learningRate: number, batchesPerEpoch: number): Generator<Pause, Trained, PauseAnswer> {
  const last = engine.layout.layers.length - 1;
  const tally = new MetricTally(o.metrics, net.architecture);
  const trained: Trained = { total: 0, samples: 0, batches: 0, stop: null, failure: null };
  const result = (stop: Trained['stop']): Trained => ({ ...trained, stop, metrics: tally.values() });
  while (trained.batches < batchesPerEpoch) {
    const b = trained.batches;
    const answer = (yield { kind: 'next-batch', epoch, batch: b }) as SourceAnswer;
    if (answer === null) break;
    checkLive();
    const batch = answer.given as Batch;
    const where = `batch ${b} of epoch ${epoch}`;
    if (typeof batch !== 'object' || batch === null || !('x' in batch) || !('y' in batch)) {
      throw new ValueError(`${FN}: ${where} must be an object { x, y }, got ${describe(batch)}`);
    }
    const rows = net.stage(batch.x, batch.y, `${where}: `, where);
    const loss = engine.step(rows, learningRate);
    const failure = engine.failure();
    if (failure) return { ...result('diverged'), failure: { ...failure, step: b } };
    trained.batches++;
    trained.total += loss * rows;
    trained.samples += rows;
    // The step's forward pass left the outputs in place: metrics while training, as Keras reports them.
    if (o.metrics.length > 0) tally.add(engine.activation(last, rows), engine.targetBuffer(rows), rows);
    const reply = o.onBatchEnd ? yield { kind: 'batch', batch: b, logs: { loss, size: rows, epoch, learningRate } } : undefined;
    checkLive();
    if (reply === false) return result('callback');
    if (o.signal?.aborted) return result('aborted');
  }
  if (trained.samples === 0) throw new ValueError(`${FN}: dataset(${epoch}) gave no batches; every epoch needs at least one`);
  return result(null);
}

/**
 * Runs the loop, answering its pauses: callbacks are called here; each epoch's first
 * 'next-batch' calls `dataset(epoch)`, and every 'next-batch' awaits the source (an abort
 * cuts that wait short); 'source-done' closes the epoch's iterator. An error answers the
 * pause as a throw, so the loop undoes the epoch before it surfaces.
 */
async function drive(loop: EpochLoop, dataset: BatchDataset, o: CheckedFitOptions, disposal: AbortSignal): Promise<FitHistory> {
  let batches: Batches | null = null;
  const answer = async (pause: Pause): Promise<PauseAnswer> => {
    if (pause.kind === 'tick') return undefined;
    if (pause.kind === 'wait') return pause.until;
    if (!isSourcePause(pause)) return callBack(o, pause);
    if (pause.kind === 'source-done') {
      await batches?.close(true);
      batches = null;
      return undefined;
    }
    if (pause.batch === 0) batches = open(dataset, pause.epoch, o.signal, disposal);
    return batches!.next();
  };
  try {
    let next = loop.next();
    while (!next.done) {
      let value: PauseAnswer;
      try {
        value = await answer(next.value);
      } catch (error) {
        next = loop.throw(error);
        continue;
      }
      next = loop.next(value);
    }
    return next.value;
  } finally {
    // An error or an abort mid-epoch: the source is closed without waiting for it.
    void (batches as Batches | null)?.close(false);
  }
}

/** The batches `dataset(epoch)` gives, checked to be an iterable. */
function open(dataset: BatchDataset, epoch: number, signal: AbortSignal | undefined, disposal: AbortSignal): Batches {
  const source = dataset(epoch);
  if (!isIterable(source)) throw new ValueError(`${FN}: dataset(${epoch}) must return an iterable or async iterable of { x, y } batches, got ${describe(source)}`);
  return new Batches(source, signal, disposal);
}

/**
 * An epoch's batches, one `next()` at a time, as `for await` would walk them (sync iterables
 * too) — except that an abort of `signal` while a batch is awaited rejects at once with an
 * AbortError, and a dispose of the network with a DisposedError, whatever the source does: a
 * source whose `next()` never settles cannot hold the network.
 */
class Batches {
  private readonly iterator: AsyncIterator<Batch> | Iterator<Batch>;
  private done = false;

  constructor(source: BatchSource, private readonly signal: AbortSignal | undefined, private readonly disposal: AbortSignal) {
    const asyncIterable = source as AsyncIterable<Batch>;
    this.iterator = typeof asyncIterable[Symbol.asyncIterator] === 'function' ? asyncIterable[Symbol.asyncIterator]() : (source as Iterable<Batch>)[Symbol.iterator]();
  }

  /** What the source gives next, or null at its end. */
  async next(): Promise<SourceAnswer> {
    const result = await this.untilAborted(Promise.resolve(this.iterator.next()));
    if (result.done) {
      this.done = true;
      return null;
    }
    // As `for await` does for a sync iterable's values: a promised batch is awaited.
    return { given: await this.untilAborted(Promise.resolve(result.value)) };
  }

  /**
   * Closes the iterator unless it ended by itself (a generator's `finally` runs), awaiting its
   * return() if `wait` — not after an error or an abort, when it may never settle; a failure
   * to close is ignored then, as the call's own outcome stands.
   */
  async close(wait: boolean): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (wait) {
      await this.iterator.return?.();
      return;
    }
    try {
      const closing = this.iterator.return?.();
      if (closing instanceof Promise) closing.catch(() => undefined);
    } catch {
      // The source failed to close: the call's own outcome stands.
    }
  }

  /** `pending`, unless the call's signal aborts (an AbortError) or the network is disposed (a DisposedError) first. */
  private untilAborted<T>(pending: Promise<T>): Promise<T> {
    const { signal, disposal } = this;
    if (signal?.aborted) return Promise.reject(aborted());
    if (disposal.aborted) return Promise.reject(disposedWhileTraining(FN));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(aborted());
      const onDispose = () => reject(disposedWhileTraining(FN));
      signal?.addEventListener('abort', onAbort, { once: true });
      disposal.addEventListener('abort', onDispose, { once: true });
      pending.then(resolve, reject).finally(() => {
        signal?.removeEventListener('abort', onAbort);
        disposal.removeEventListener('abort', onDispose);
      });
    });
  }
}

function aborted(): AbortError {
  return new AbortError(`${FN}: options.signal was aborted while the dataset's next batch was awaited; the epoch was undone (the network keeps the state of the last completed epoch), and the dataset's iterator was closed without waiting for it`);
}

function isIterable(value: unknown): value is BatchSource {
  return typeof value === 'object' && value !== null
    && (typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function' || typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function');
}
