import type { Engine } from './engine.js';
import type { Activation, Architecture, Backend, CreateOptions, DType, FloatArray, Loss } from './options.js';
import { BACKENDS, DTYPES, arrayType } from './options.js';
import { DisposedError, ShapeError, ValueError, describe, detachedError, inCall, isDetached } from './errors.js';
import { checkBoolean, checkChoice, checkCreateOptions, checkNumber, checkOptions, keysOf } from './validate.js';
import { countRows, countTargetRows, copyRows, copyTargets, isAllowed, badValue, plural, type Matrix, type Targets } from './data.js';
import { stageRows } from './staging.js';
import { predictRows, predictRowsInto } from './predict.js';
import { checkBatchFits, checkDatasetFits, checkTextExport } from './limits.js';
import { checkSampleWeight, datasetWeights, withSampleWeights, type SampleWeightOptions } from './training/sample-weights.js';
import { divergenceError } from './divergence.js';
import { createJsEngine } from './js/engine.js';
import { createThreadedEngine } from './wasm/shared-engine.js';
import { checkThreads, type ThreadsOption } from './threads/support.js';
import { Random } from './random.js';
import { initialise } from './init.js';
import { traceBatch, type Trace } from './trace.js';
import { FIT_KEYS, callBack, checkFitOptions, defaultEpochs, disposedWhileTraining, fitEpochs, newTrainingState, planRates, runToEnd, runYielding, sameConfig, splitValidation, type CheckedFitOptions, type Dataset, type EpochLoop, type FitHistory, type FitOptions, type TrainingState } from './fit.js';
import { CHUNK_ROWS as EVALUATE_CHUNK_ROWS, evaluateChunks, type Evaluation } from './training/evaluate.js';
import { checkMetrics, type Metric } from './training/metrics.js';
import { checkModelJSON, type ModelJSON } from './serialize.js';
import { readCheckpoint, writeCheckpoint } from './io/checkpoint.js';
import { checkTrainingJSON, trainingToJSON } from './io/training-json.js';
import type { Bytes } from './io/bytes.js';
import { writeOnnx, type OnnxOptions } from './io/onnx.js';
import { readSafetensors, writeSafetensors, type SafetensorsArchitecture } from './io/safetensors.js';
import { checkBatchStatisticsRows, hasBatchNorm, type ParameterLayout } from './layout.js';
import type { RunningState } from './io/running.js';
import { DEFAULT_OPTIMIZER, FIT_DEFAULT_OPTIMIZER, resolveOptimizer, type OptimizerConfig, type OptimizerOptions } from './optimizers.js';
import { standaloneModule } from './standalone.js';
import { summaryText } from './summary.js';
import { fitInWorker, type FitAccess, type FitAsyncOptions, type NetworkState } from './async/fit-async.js';
import { fitDataset, type BatchDataset, type DatasetAccess, type FitDatasetOptions } from './training/fit-dataset.js';

/** Options of a single training step. */
export interface StepOptions extends SampleWeightOptions {
  /** The optimizer's learning rate for this step only. Default: the optimizer's own (0.01 for the default SGD). */
  learningRate?: number;
}

/** One batch-norm layer's running statistics (`getRunningStatistics`). */
export interface RunningStatistics {
  /** Index of the dense layer whose output it normalizes. */
  layer: number;
  /** nn.BatchNorm1d's running_mean and running_var, one per unit. */
  runningMean: FloatArray;
  runningVar: FloatArray;
  /** nn.BatchNorm1d's num_batches_tracked: training steps that updated them. */
  batchesTracked: number;
}

/** Options of `toJSON`. */
export interface ToJSONOptions {
  /** Include the optimizer state and fit's counters. Default false. */
  training?: boolean;
}

/** Options of `evaluate`. */
export interface EvaluateOptions<M extends readonly Metric[] = readonly Metric[]> extends SampleWeightOptions {
  /** Metrics to compute besides the loss: 'accuracy', 'mae', 'mse'. Default none. The result's `metrics` has exactly these. */
  metrics?: M;
}

/** Options of `MLP.fromJSON`, `MLP.load` and `MLP.fromSafetensors`. */
export interface LoadOptions {
  /** Where the loaded network computes. Default: the saved backend for `load` and `fromJSON` (JSON without one: 'wasm'), 'wasm' for `fromSafetensors`. */
  backend?: Backend;
  /** As in `MLP.create`. Default 1. */
  threads?: ThreadsOption;
}

/** For the training worker (src/async/worker.ts): a network's FitAccess. Not part of the public API. */
export let fitAccess: (net: MLP) => FitAccess;

/** A multilayer perceptron: dense layers trained by backpropagation, in WebAssembly or pure TypeScript. */
export class MLP {
  private engine: Engine | null;
  private readonly random: Random;
  private training: TrainingState = newTrainingState();
  /** The training call under way ('fit' or 'fitAsync'), or null. */
  private fitting: string | null = null;
  /** setOptimizer was called: from then on fit trains with the network's optimizer, even plain SGD. */
  private optimizerChosen = false;
  /** Fixed architecture of this network. */
  readonly architecture: Architecture;

  private constructor(engine: Engine, architecture: Architecture, random: Random) {
    this.engine = engine;
    this.architecture = architecture;
    this.random = random;
  }

  /**
   * Builds a network with seeded initial weights (biases zero). Every option is checked first;
   * an unknown option name is an error with the nearest valid one.
   * @example
   * const net = await MLP.create({ layers: [2, 8, 1], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy', seed: 1 });
   * @throws {ShapeError} when `layers` or `activations` have the wrong length.
   * @throws {ValueError} for an unknown option, activation, loss, dtype or backend, a bad seed or dropout rate, or a network too large for WebAssembly memory.
   */
  static async create(options: CreateOptions): Promise<MLP> {
    const { architecture, backend, seed, init } = checkCreateOptions('MLP.create', options);
    const threads = checkThreads('MLP.create', options.threads);
    const random = new Random(seed);
    const net = new MLP(await createEngine(architecture, backend, threads), architecture, random);
    initialise(net.live('MLP.create').parameters(), net.layout, random, init);
    net.live('MLP.create').setDropoutRandomState(dropoutStream(seed));
    return net;
  }

  /**
   * Rebuilds a network from `toJSON()` output (object or JSON text), bit-exactly.
   * @example
   * const copy = await MLP.fromJSON(JSON.stringify(net));
   * @throws {FormatError} when the JSON is not a wasm-mlp model.
   * @throws {ValueError} for an unknown option.
   */
  static async fromJSON(json: ModelJSON | string, options?: LoadOptions): Promise<MLP> {
    const { architecture, parameters, random, dropoutRandom, training, backend: savedOn, running } = checkModelJSON('MLP.fromJSON', json);
    const o = checkOptions('MLP.fromJSON', 'options', options, true, LOAD_KEYS) as LoadOptions;
    // As MLP.load: the backend the network was saved from, unless another is asked for.
    const backend = o.backend === undefined ? savedOn ?? 'wasm' : checkChoice('MLP.fromJSON', 'options.backend', o.backend, BACKENDS);
    const threads = checkThreads('MLP.fromJSON', o.threads);
    const resume = training === undefined ? null : checkTrainingJSON('MLP.fromJSON', training, parameters.length, arrayType(architecture.dtype));
    const generator = new Random();
    generator.setState(random);
    const net = new MLP(await createEngine(architecture, backend, threads), architecture, generator);
    net.live('MLP.fromJSON').parameters().set(parameters);
    if (dropoutRandom) net.live('MLP.fromJSON').setDropoutRandomState(dropoutRandom);
    setRunningState(net.live('MLP.fromJSON'), running);
    if (resume) {
      net.live('MLP.fromJSON').setOptimizerState(resume.optimizer);
      net.training = resume.training;
    }
    return net;
  }

  /**
   * Restores a `save()` checkpoint: architecture, θ, optimizer state, generators and counters.
   * Training resumes bit-identically (same backend). Bytes may be a Uint8Array (Node's Buffer)
   * or the ArrayBuffer of `fetch().arrayBuffer()`.
   * @example
   * const resumed = await MLP.load(readFileSync('model.ckpt'));
   * const fetched = await MLP.load(await (await fetch('/model.ckpt')).arrayBuffer());
   * @throws {FormatError} when the bytes are truncated, corrupt or not a checkpoint.
   * @throws {ValueError} when the bytes are neither a Uint8Array nor an ArrayBuffer, or for an unknown option.
   */
  static async load(bytes: Bytes, options?: LoadOptions): Promise<MLP> {
    const o = checkOptions('MLP.load', 'options', options, true, LOAD_KEYS) as LoadOptions;
    const requested = o.backend === undefined ? undefined : checkChoice('MLP.load', 'options.backend', o.backend, BACKENDS);
    const c = readCheckpoint('MLP.load', bytes);
    const random = new Random();
    random.setState(c.random);
    const net = new MLP(await createEngine(c.architecture, requested ?? c.backend, checkThreads('MLP.load', o.threads)), c.architecture, random);
    const engine = net.live('MLP.load');
    engine.parameters().set(c.parameters);
    engine.setOptimizerState(c.optimizer);
    engine.setDropoutRandomState(c.dropoutRandom);
    setRunningState(engine, c.running);
    net.training = c.training;
    return net;
  }

  /**
   * Builds a network from safetensors bytes (`toSafetensors()`, or PyTorch `nn.Linear` weights
   * named `layers.{i}.weight` / `layers.{i}.bias`). Files without wasm-mlp metadata need
   * `options.activations`. Only θ is restored: optimizer state and counters start fresh.
   * @example
   * const net = await MLP.fromSafetensors(readFileSync('net.safetensors'));
   * @throws {FormatError} when the file is not valid safetensors or its tensors do not form a network.
   * @throws {ValueError} for bytes of another type, or an unknown option.
   */
  static async fromSafetensors(bytes: Bytes, options?: LoadOptions & SafetensorsArchitecture): Promise<MLP> {
    const o = checkOptions('MLP.fromSafetensors', 'options', options, true, SAFETENSORS_KEYS) as LoadOptions & SafetensorsArchitecture;
    const backend = o.backend === undefined ? 'wasm' : checkChoice('MLP.fromSafetensors', 'options.backend', o.backend, BACKENDS);
    const { architecture, parameters, running } = readSafetensors('MLP.fromSafetensors', bytes, o);
    const net = new MLP(await createEngine(architecture, backend, checkThreads('MLP.fromSafetensors', o.threads)), architecture, new Random());
    net.live('MLP.fromSafetensors').parameters().set(parameters);
    setRunningState(net.live('MLP.fromSafetensors'), running);
    net.live('MLP.fromSafetensors').setDropoutRandomState(dropoutStream(0));
    return net;
  }

  /** Layer sizes: inputs, hidden sizes…, outputs. */
  get layers(): readonly number[] { return this.architecture.layers; }
  /** One activation per weight layer. */
  get activations(): readonly Activation[] { return this.architecture.activations; }
  /** The loss training minimises. */
  get lossName(): Loss { return this.architecture.loss; }
  /** Element type of θ and of the data inside the network. */
  get dtype(): DType { return this.architecture.dtype; }
  /** Where the math runs. */
  get backend(): Backend { return this.live('backend').backend; }
  /** Length of θ. */
  get parameterCount(): number { return this.layout.parameterCount; }
  /** Where each layer's weights and bias sit in θ. */
  get layout(): ParameterLayout { return this.live('layout').layout; }
  /** Bytes of memory the network holds: its whole WebAssembly memory, or its typed arrays on the js backend. */
  get memoryBytes(): number { return this.live('memoryBytes').byteLength(); }
  /** True after `dispose()`. */
  get disposed(): boolean { return this.engine === null; }
  /** Threads training and inference may use (small batches use fewer; see README "Multi-core training"). */
  get threads(): number { return this.live('threads').threads ?? 1; }
  /** Why the network runs on one thread although more were asked for, or null. */
  get threadsFallbackReason(): string | null { return this.live('threadsFallbackReason').threadsFallbackReason ?? null; }

  /**
   * A copy of each batch-norm layer's running statistics (what `predict` and `evaluate`
   * normalize with): its layer index, running mean and running variance (unbiased, as
   * nn.BatchNorm1d keeps them), and the training steps that updated them. Empty without batch-norm.
   */
  getRunningStatistics(): RunningStatistics[] {
    const engine = this.live('getRunningStatistics');
    const running = engine.runningStatistics();
    const batchesTracked = engine.batchesTracked();
    const out: RunningStatistics[] = [];
    let at = 0;
    engine.layout.layers.forEach((layer, l) => {
      if (layer.normalization !== 'batch-norm') return;
      out.push({ layer: l, runningMean: running.slice(at, at + layer.outputs), runningVar: running.slice(at + layer.outputs, at + 2 * layer.outputs), batchesTracked });
      at += 2 * layer.outputs;
    });
    return out;
  }

  /**
   * Replaces the batch-norm layers' running statistics with `stats`, in `getRunningStatistics`'
   * form: one entry per batch-norm layer, in layer order, each with its `layer` index,
   * `runningMean` and `runningVar` (one per unit; variances ≥ 0) and `batchesTracked` (a
   * non-negative integer, the same in every entry). Everything is checked before anything changes.
   */
  setRunningStatistics(stats: readonly RunningStatistics[]): void {
    const fn = 'setRunningStatistics';
    const engine = this.idle(fn);
    const layers = engine.layout.layers.flatMap((layer, l) => (layer.normalization === 'batch-norm' ? [{ l, units: layer.outputs }] : []));
    const expected = `one entry per batch-norm layer (layers ${layers.map((b) => b.l).join(', ') || 'none'})`;
    if (!Array.isArray(stats)) throw new ValueError(`${fn}: stats must be an array with ${expected}, got ${describe(stats)}`);
    if (stats.length !== layers.length) throw new ShapeError(`${fn}: stats has ${stats.length} ${stats.length === 1 ? 'entry' : 'entries'}, expected ${expected}`);
    const float32 = this.dtype === 'float32';
    const values: number[] = [];
    let tracked: number | undefined;
    stats.forEach((entry, i) => {
      const name = `stats[${i}]`;
      const { l, units } = layers[i];
      if (typeof entry !== 'object' || entry === null) throw new ValueError(`${fn}: ${name} must be { layer, runningMean, runningVar, batchesTracked }, got ${describe(entry)}`);
      if (entry.layer !== l) throw new ValueError(`${fn}: ${name}.layer must be ${l} (the network's batch-norm layers are ${layers.map((b) => b.l).join(', ')}), got ${describe(entry.layer)}`);
      if (!Number.isSafeInteger(entry.batchesTracked) || entry.batchesTracked < 0) throw new ValueError(`${fn}: ${name}.batchesTracked must be a non-negative integer, got ${describe(entry.batchesTracked)}`);
      if (tracked !== undefined && entry.batchesTracked !== tracked) throw new ValueError(`${fn}: ${name}.batchesTracked is ${entry.batchesTracked}, but stats[0].batchesTracked is ${tracked} (one count serves every layer)`);
      tracked = entry.batchesTracked;
      for (const key of ['runningMean', 'runningVar'] as const) {
        const list = entry[key];
        if (!isNumberArray(list)) throw new ValueError(`${fn}: ${name}.${key} must be an array or typed array of ${units} numbers, got ${describe(list)}`);
        if (list.length !== units) throw new ShapeError(`${fn}: ${name}.${key} has ${plural(list.length, 'value')}, expected ${units} (layer ${l}'s units)`);
        for (let u = 0; u < units; u++) {
          const v = list[u];
          if (typeof v !== 'number' || !isAllowed(v, undefined, float32)) throw badValue(fn, `${name}.${key}[${u}]`, v, undefined, float32);
          if (key === 'runningVar' && v < 0) throw new ValueError(`${fn}: ${name}.runningVar[${u}] must be a variance (≥ 0), got ${v}`);
          values.push(v);
        }
      }
    });
    setRunningState(engine, layers.length === 0 ? null : { runningStatistics: Float64Array.from(values), batchesTracked: tracked ?? 0 });
  }

  /** Replaces θ: per layer, the weight matrix row-major (outputs × inputs), the bias, then a normalization's γ and β. */
  setParameters(theta: ArrayLike<number>): void {
    const engine = this.idle('setParameters');
    const count = engine.layout.parameterCount;
    if (!isNumberArray(theta)) throw new ValueError(`setParameters: theta must be an array or typed array of ${count} numbers, got ${describe(theta)}`);
    if (ArrayBuffer.isView(theta) && isDetached(theta)) throw detachedError('setParameters', 'theta', theta);
    if (theta.length !== count) throw new ShapeError(`setParameters: theta has ${plural(theta.length, 'value')}, expected ${count} (the network's parameter count)`);
    const float32 = this.dtype === 'float32';
    for (let i = 0; i < count; i++) {
      const v = theta[i];
      if (typeof v !== 'number' || !isAllowed(v, undefined, float32)) throw badValue('setParameters', `theta[${i}]`, v, undefined, float32);
    }
    engine.parameters().set(theta);
  }

  /** A copy of θ, in the network's dtype. */
  getParameters(): FloatArray {
    return this.live('getParameters').parameters().slice();
  }

  /**
   * The network's outputs, in the form of the input: rows in (`number[][]`), rows out; one
   * sample in (`[x1, x2, …]`, as many values as the network has inputs), one row out; a flat
   * typed array of rows × inputs in, the same type out (rows × outputs). Changes nothing.
   * @example
   * net.predict([[0, 1], [1, 1]]); // [[0.98…], [0.01…]]
   * net.predict([0, 1]);           // [0.98…]
   * net.predict([[0, 1]])[0][0];   // 0.98…
   * @throws {ShapeError} when a row's length is not the network's input size.
   * @throws {ValueError} when a value is not a finite number.
   */
  predict(X: readonly (readonly number[])[]): number[][];
  predict(sample: readonly number[]): number[];
  predict(X: Float32Array): Float32Array;
  predict(X: Float64Array): Float64Array;
  predict(X: Matrix | readonly number[]): number[][] | number[] | FloatArray;
  predict(X: Matrix | readonly number[]): number[][] | number[] | FloatArray {
    const engine = this.live('predict');
    if (!isSample(X)) return predictRows('predict', engine, this.dtype, X as Matrix);
    if (X.length !== engine.layout.inputSize) {
      throw new ShapeError(`predict: X is one sample of ${plural(X.length, 'value')}, but the network takes ${engine.layout.inputSize} inputs; for several samples pass one row each, e.g. [[${X.slice(0, 2).join(', ')}${X.length > 2 ? ', …' : ''}], …]`);
    }
    return (predictRows('predict', engine, this.dtype, [X]) as number[][])[0];
  }

  /**
   * `predict` that writes the outputs (rows × outputs, row-major) into `out` and returns it,
   * allocating nothing: for serving loops and animation frames. `out` may be a Float32Array or
   * Float64Array of exactly that length, in either dtype.
   */
  predictInto<T extends FloatArray>(X: Matrix, out: T): T {
    return predictRowsInto('predictInto', this.live('predictInto'), this.dtype, X, out);
  }

  /**
   * Mean loss of the network on (X, Y). Changes nothing.
   * @example
   * net.loss([[2, 1], [-3, 2]], [[1.3], [1.9]]); // 3.25 for the worked example
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {ValueError} for a value that is not a finite number (or a target out of the loss's range).
   */
  loss(X: Matrix, Y: Targets, options?: SampleWeightOptions): number {
    const engine = this.live('loss');
    const weights = this.readSampleWeight('loss', X, options);
    const rows = this.stage('loss', X, Y);
    engine.forward(rows, true);
    return withSampleWeights(engine, weights, rows, () => engine.loss(rows));
  }

  /**
   * ∇θ L on (X, Y): the exact gradient of the mean loss, in θ's order. Changes nothing.
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {ValueError} for a value that is not a finite number.
   */
  gradient(X: Matrix, Y: Targets, options?: SampleWeightOptions): FloatArray {
    const engine = this.live('gradient');
    const weights = this.readSampleWeight('gradient', X, options);
    const rows = this.stage('gradient', X, Y);
    engine.forward(rows, true);
    withSampleWeights(engine, weights, rows, () => engine.backward(rows));
    return engine.gradient().slice();
  }

  /**
   * One step of the network's optimizer on L(X, Y) (plain SGD θ ← θ − η·∇θ unless
   * `setOptimizer`, or a fit, chose another), with dropout active. Returns the loss before the step.
   * @example
   * net.step(X, Y, { learningRate: 0.01 }); // 3.25, the loss before the step
   * @throws {DivergenceError} when the loss or the update is not finite; the step is not applied.
   * @throws {ValueError} for an unknown option or a negative learning rate.
   */
  step(X: Matrix, Y: Targets, options?: StepOptions): number {
    const engine = this.idle('step');
    const learningRate = readLearningRate('step', options) ?? engine.optimizer().learningRate;
    const weights = options?.sampleWeight === undefined ? null : this.readSampleWeight('step', X, options, STEP_KEYS);
    const rows = this.stage('step', X, Y);
    const loss = weights === null ? engine.step(rows, learningRate) : withSampleWeights(engine, weights, rows, () => engine.step(rows, learningRate));
    const failure = engine.failure();
    if (failure) throw divergenceError('step', { layer: failure.layer, phase: failure.phase, step: 0 }, engine.layout, learningRate);
    return loss;
  }

  /**
   * Chooses the optimizer `step` and `fit` use, as torch.optim computes it, with fresh state.
   * Omitted options take PyTorch's defaults; `clipNorm`/`clipValue` clip ∇θ before each update.
   * @example
   * net.setOptimizer({ type: 'adam', learningRate: 0.01 });
   * @throws {ValueError} for an unknown type or option, or a value out of PyTorch's range; the optimizer stays as it was.
   */
  setOptimizer(options: OptimizerOptions): void {
    const engine = this.idle('setOptimizer');
    const config = resolveOptimizer('setOptimizer', options, 'options');
    inCall('setOptimizer', () => engine.setOptimizer(config));
    this.optimizerChosen = true;
  }

  /** The optimizer in use with every option resolved: plain SGD, η = 0.01, until one is set (by `setOptimizer`, or by a fit, which installs Adam on a network without one of its own). */
  get optimizer(): OptimizerConfig {
    return { ...this.live('optimizer').optimizer() };
  }

  /** Clears the optimizer's state (moments, step count) and keeps its configuration. */
  resetOptimizer(): void {
    this.idle('resetOptimizer').resetOptimizer();
  }

  /** Every intermediate value of the forward and backward pass, per sample and for the batch. Changes nothing. */
  trace(X: Matrix, Y: Targets): Trace {
    const engine = this.live('trace');
    const rows = this.stage('trace', X, Y);
    // Each sample's own values come from a batch of that one row.
    checkBatchStatisticsRows('trace', engine.layout, 1, "each sample's own pass");
    const inputs = engine.layout.inputSize;
    const outputs = engine.layout.outputSize;
    const x = Array.from(engine.inputBuffer(rows));
    const y = Array.from(engine.targetBuffer(rows));
    return traceBatch(engine, rows, (i) => {
      const xi = x.slice(i * inputs, (i + 1) * inputs);
      const yi = y.slice(i * outputs, (i + 1) * outputs);
      engine.inputBuffer(1).set(xi);
      engine.targetBuffer(1).set(yi);
      return { x: xi, y: yi };
    }, () => {
      engine.inputBuffer(rows).set(x);
      engine.targetBuffer(rows).set(y);
    });
  }

  /**
   * Trains on (X, Y) for `options.epochs` epochs with mini-batches; see `FitOptions`. The data
   * is copied into the network's memory once. Returns the history, one entry per epoch.
   * @example
   * const history = net.fit(X, Y, { epochs: 100, batchSize: 32, optimizer: { type: 'adam', learningRate: 0.01 }, validationSplit: 0.2 });
   * history.loss.at(-1); history.valLoss.at(-1); history.stopReason;
   * @throws {ValueError} for an unknown or bad option (nothing changes), or a call while this network is already training.
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {DivergenceError} when training meets a non-finite value (unless `onDivergence: 'stop'`).
   */
  fit<const M extends readonly Metric[] = []>(X: Matrix, Y: Targets, options?: FitOptions<M>): FitHistory<M> {
    return this.whileFitting('fit', () => {
      const { loop, options: o } = this.startFit('fit', X, Y, options as FitOptions | undefined);
      return runToEnd(loop, o) as unknown as FitHistory<M>; // it holds exactly the checked metrics: M's
    });
  }

  /**
   * `fit` that lets the event loop run every ~16 ms (between batches), so timers, UI events and
   * `options.signal` can act; with `{ worker: true }` it trains in a Web Worker or worker_threads
   * Worker instead. Training starts after the event loop has run once. An abort leaves the
   * state of the last completed epoch: the epoch it interrupts is undone.
   * @example
   * const history = await net.fitAsync(X, Y, { worker: true, epochs: 50, signal: controller.signal });
   * @throws {ValueError} (as a rejected promise) for the same mistakes as `fit`.
   */
  async fitAsync<const M extends readonly Metric[] = []>(X: Matrix, Y: Targets, options?: FitAsyncOptions<M>): Promise<FitHistory<M>> {
    this.live('fitAsync'); // a disposed network says so before judging the options
    const { worker = false, ...fitOptions } = checkOptions('fitAsync', 'options', options, true, FIT_ASYNC_KEYS) as FitAsyncOptions;
    if (checkBoolean('fitAsync', 'options.worker', worker)) return this.whileFitting('fitAsync', () => fitInWorker(this.fitAccess(), X, Y, fitOptions)) as unknown as Promise<FitHistory<M>>;
    return this.whileFitting('fitAsync', () => {
      const { loop, options: o } = this.startFit('fitAsync', X, Y, fitOptions, true);
      return runYielding(loop, (pause) => callBack(o, pause));
    }) as unknown as Promise<FitHistory<M>>;
  }

  /**
   * Trains on batches that arrive one at a time, so memory is bounded by a batch, not the
   * dataset: `dataset(epoch)` returns each epoch's batches `{ x, y }` (in the forms `fit`
   * accepts) as an iterable or async iterable. Each batch is one optimizer step; the same
   * batches give the same numbers as `fit`. See README "Training from streams".
   */
  fitDataset(dataset: BatchDataset, options?: FitDatasetOptions): Promise<FitHistory> {
    return this.whileFitting('fitDataset', () => fitDataset(this.datasetAccess(), dataset, options));
  }

  /** Source of a dependency-free ES module exporting `predict` for this network as it is now (see README). */
  toFunction(): string {
    const engine = this.live('toFunction');
    checkTextExport('toFunction', engine.layout.parameterCount);
    return standaloneModule(this.architecture, engine.parameters(), engine.runningStatistics());
  }

  /**
   * Mean loss and metrics on (X, Y), in chunks, without changing anything.
   * @example
   * net.evaluate(X, labels, { metrics: ['accuracy'] }); // { loss: 0.12…, metrics: { accuracy: 0.96… } }
   * @throws {ValueError} for an unknown option or metric, or a metric the network cannot report.
   * @throws {ShapeError} when X and Y do not match the network or each other.
   */
  evaluate<const M extends readonly Metric[] = []>(X: Matrix, Y: Targets, options?: EvaluateOptions<M>): Evaluation<M> {
    const engine = this.live('evaluate');
    const o = checkOptions('evaluate', 'options', options, true, EVALUATE_KEYS) as EvaluateOptions;
    const metrics = checkMetrics('evaluate', 'options.metrics', o.metrics, this.architecture);
    const rows = this.countRows('evaluate', X, Y);
    checkDatasetFits('evaluate', engine.layout, this.dtype, rows, EVALUATE_CHUNK_ROWS, 'data set');
    // Only the targets are converted up front; X goes chunk by chunk straight into the engine.
    const y = new (arrayType(this.dtype))(rows * engine.layout.outputSize);
    copyTargets('evaluate', 'Y', Y, this.architecture.loss, engine.layout.outputSize, y);
    const w = o.sampleWeight === undefined ? null : datasetWeights('evaluate', 'options.sampleWeight', o.sampleWeight, rows, arrayType(this.dtype));
    return evaluateChunks(engine, this.architecture, (start, n) => stageRows('evaluate', 'X', engine, X, start, n), y, rows, metrics, w) as unknown as Evaluation<M>;
  }

  /**
   * The network as text, like Keras's `model.summary()`: each layer's shape, activation,
   * dropout and parameter count, the total, the loss, the optimizer with every setting, the
   * backend, dtype and threads.
   * @example
   * console.log(net.summary());
   * // MLP 2-8-1
   * // ───────────────────────────────────────────────
   * // Layer    Shape  Activation  Dropout  Parameters
   * // ───────────────────────────────────────────────
   * // dense 0  2 → 8  relu        -                24
   * // dense 1  8 → 1  sigmoid     -                 9
   * // …
   * @throws {DisposedError} after `dispose()`.
   */
  summary(): string {
    const engine = this.live('summary');
    return summaryText({ architecture: this.architecture, layout: engine.layout, optimizer: engine.optimizer(), backend: engine.backend, threads: this.threads, epoch: this.training.epoch });
  }

  /** Epochs trained over the network's life (schedules are evaluated at this count; saved in checkpoints). */
  get epoch(): number { return this.training.epoch; }

  /**
   * The whole training state as a checkpoint (format: README "Checkpoints"), for `MLP.load`.
   * @example
   * writeFileSync('model.ckpt', net.save());
   */
  save(): Uint8Array {
    const engine = this.live('save');
    return writeCheckpoint({
      architecture: this.architecture, backend: engine.backend, parameters: engine.parameters(), optimizer: engine.optimizerState(),
      random: this.random.getState(), dropoutRandom: engine.dropoutRandomState(), training: this.training, running: runningStateOf(engine),
    });
  }

  /** θ in the safetensors format, tensors `layers.{i}.weight` (outputs × inputs) and `layers.{i}.bias`, for PyTorch and other tools. */
  toSafetensors(): Uint8Array {
    const engine = this.live('toSafetensors');
    return writeSafetensors(this.architecture, engine.parameters(), runningStateOf(engine));
  }

  /**
   * The network as an ONNX model (opset 13: per layer a Gemm and its activation; the output is
   * what `predict` returns), for ONNX Runtime on the web, in Node, Python or a model server.
   * Input `input` and output `output` are batch × features tensors of the network's dtype
   * unless `options.dtype` says otherwise; see README "ONNX export".
   */
  toOnnx(options?: OnnxOptions): Uint8Array {
    const engine = this.live('toOnnx');
    const o = checkOptions('toOnnx', 'options', options, true, ONNX_KEYS) as OnnxOptions;
    const dtype = o.dtype === undefined ? undefined : checkChoice('toOnnx', 'options.dtype', o.dtype, DTYPES);
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new ValueError(`toOnnx: options.name must be a non-empty string, got ${describe(o.name)}`);
    return writeOnnx(this.architecture, engine.parameters(), { dtype, name: o.name }, {}, engine.runningStatistics());
  }

  /**
   * The network as plain JSON data; `MLP.fromJSON` restores it bit-exactly. With
   * `{ training: true }` it also carries the optimizer state and fit's counters, like `save()`.
   */
  toJSON(options?: ToJSONOptions): ModelJSON {
    const engine = this.live('toJSON');
    // JSON.stringify(net) calls toJSON with a property name: only an options object counts.
    const o = typeof options === 'object' && options !== null ? checkOptions('toJSON', 'options', options, false, TO_JSON_KEYS) as ToJSONOptions : {};
    const training = o.training !== undefined && checkBoolean('toJSON', 'options.training', o.training);
    checkTextExport('toJSON', engine.layout.parameterCount);
    const { layers, activations, loss, lossOptions, dtype, dropout, normalization } = this.architecture;
    const running = runningStateOf(engine);
    const json: ModelJSON = {
      format: 'wasm-mlp', version: 1, layers: [...layers], activations: [...activations], loss, ...(lossOptions && { lossOptions: { ...lossOptions } }), dtype, dropout: [...dropout],
      // Written only for networks that have them, so other networks' files stay as they were.
      ...(normalization.some((n) => n !== null) && { normalization: [...normalization] }),
      ...(running && { runningStatistics: Array.from(running.runningStatistics), batchesTracked: running.batchesTracked }),
      backend: engine.backend, parameters: Array.from(engine.parameters()), random: this.random.getState(), dropoutRandom: engine.dropoutRandomState(),
    };
    if (training) json.training = trainingToJSON(engine.optimizerState(), this.training);
    return json;
  }

  /** Frees the network's memory. Any later call throws DisposedError. Safe to call twice. */
  dispose(): void {
    this.engine?.dispose();
    this.engine = null;
  }

  static {
    fitAccess = (net) => net.fitAccess();
  }

  /** What fitAsync needs to train exactly as `fit` does: the network's shape, checked data, its epoch loop, its whole state. */
  private fitAccess(): FitAccess {
    const net = this;
    return {
      architecture: this.architecture,
      backend: this.backend,
      threads: this.live('fitAsync').threadsRequested === 'auto' ? 'auto' : this.threads,
      get epoch() { return net.training.epoch; },
      get disposed() { return net.disposed; },
      toArrays: (fn, X, Y, prefix, sampleWeight) => this.toArrays(fn, X, Y, prefix, sampleWeight),
      check: (fn, X, Y, options) => void this.startFit(fn, X, Y, options, true),
      loop: (fn, X, Y, options) => this.startFit(fn, X, Y, options, true).loop,
      fitOptimizer: (fn, given) => this.fitOptimizer(fn, given),
      snapshot: () => this.snapshot(),
      restore: (state) => this.restore(state),
    };
  }

  /** For fitDataset: the engine, fit's counters, checked conversion, and the state to put back after a failed epoch. */
  private datasetAccess(): DatasetAccess {
    const engine: Engine = this.live('fitDataset');
    const net = this;
    return {
      engine, architecture: this.architecture, snapshot: () => this.snapshot(), restore: (state) => this.restore(state),
      // A getter: restore() replaces the network's counters object.
      get training() { return net.training; },
      checkLive: () => void this.live('fitDataset'),
      toArrays: (fn, X, Y, prefix) => this.toArrays(fn, X, Y, prefix),
      chooseOptimizer: (o) => this.fitOptimizer('fitDataset', o.optimizer),
      useOptimizer: (config) => {
        if (!sameConfig(config, engine.optimizer())) engine.setOptimizer(config);
      },
    };
  }

  private live(fn: string): Engine {
    if (!this.engine) throw new DisposedError(`${fn}: this network was disposed; create or load a new one`);
    return this.engine;
  }

  /** Checks X and Y of a training call (batch statistics), then copies them into the engine's batch buffers. Nothing else changes. */
  private stage(fn: string, X: Matrix, Y: Targets): number {
    const engine = this.live(fn);
    const { outputSize } = engine.layout;
    const rows = this.countRows(fn, X, Y);
    checkBatchStatisticsRows(fn, engine.layout, rows, 'the batch');
    checkBatchFits(fn, engine.layout, this.dtype, rows);
    reserveRows(fn, engine, rows);
    stageRows(fn, 'X', engine, X, 0, rows);
    copyTargets(fn, 'Y', Y, this.architecture.loss, outputSize, engine.targetBuffer(rows));
    return rows;
  }

  /** options.sampleWeight checked against the rows of X, or null when there is none. */
  private readSampleWeight(fn: string, X: Matrix, options: SampleWeightOptions | undefined, keys: readonly string[] = SAMPLE_WEIGHT_KEYS): ArrayLike<number> | null {
    const o = checkOptions(fn, 'options', options, true, keys) as SampleWeightOptions;
    if (o.sampleWeight === undefined) return null;
    return checkSampleWeight(fn, 'options.sampleWeight', o.sampleWeight, countRows(fn, 'X', X, this.layout.inputSize, "the network's input size"));
  }

  /** Rows of X, after checking that Y has as many. */
  private countRows(fn: string, X: Matrix, Y: Targets, prefix = ''): number {
    const { inputSize, outputSize } = this.layout;
    // Names built only with a prefix: step calls this on every call, and a template string allocates.
    const rows = countRows(fn, prefix ? `${prefix}X` : 'X', X, inputSize, "the network's input size");
    const targetRows = countTargetRows(fn, prefix ? `${prefix}Y` : 'Y', Y, this.architecture.loss, outputSize);
    if (targetRows !== rows) throw new ShapeError(`${fn}: ${prefix}Y has ${plural(targetRows, 'row')}, expected ${rows} (one per row of ${prefix}X)`);
    return rows;
  }

  /**
   * Checks everything a fit needs, then returns its epoch loop, not yet started (nothing has
   * changed yet). `asyncRun`: fitAsync's loop, which pauses between batches and undoes an
   * epoch an abort interrupts.
   */
  private startFit(fn: string, X: Matrix, Y: Targets, options: FitOptions | undefined, asyncRun = false): { loop: EpochLoop; options: CheckedFitOptions } {
    const engine = this.live(fn);
    const o = checkFitOptions(fn, options, this.architecture);
    const samples = this.countRows(fn, X, Y);
    checkDatasetFits(fn, engine.layout, this.dtype, samples, o.batchSize ?? Math.min(32, samples));
    // The synchronous fit copies the training rows into the engine before a callback could
    // change X, so it checks X in place (copying a large data set was most of a short fit's
    // serial time); rows held out for validation are read later, so they are copied.
    const data = this.toArrays(fn, X, Y, '', o.sampleWeight, !asyncRun);
    const split = o.validationData
      ? { train: data, validation: this.toArrays(fn, o.validationData.X, o.validationData.Y, 'options.validationData.', o.validationData.sampleWeight) }
      : splitValidation(fn, data, o.validationSplit ?? 0, o.validationShuffle);
    const { train } = split;
    const heldOutOfX = split.validation !== null && split.validation.x.buffer === data.x.buffer && data.x === X;
    const validation = heldOutOfX ? { ...split.validation!, x: split.validation!.x.slice() } : split.validation;
    if (options?.epochs === undefined) o.epochs = defaultEpochs(train.rows, o.batchSize);
    const batchSize = Math.min(o.batchSize ?? 32, train.rows);
    checkBatchStatisticsRows(fn, engine.layout, train.rows % batchSize === 1 ? 1 : batchSize,
      train.rows % batchSize === 1 ? `the last batch of each epoch (${train.rows} training rows in batches of ${batchSize})` : `each batch (options.batchSize ${batchSize})`);
    const optimizer = this.fitOptimizer(fn, options?.optimizer);
    const baseRate = o.learningRate ?? optimizer.learningRate;
    const rates = planRates(fn, o, baseRate, this.training.epoch);
    const run = {
      engine, architecture: this.architecture, random: this.random, training: this.training, train, validation, options: o, baseRate, optimizer,
      checkLive: () => {
        if (!this.engine) throw disposedWhileTraining(fn);
      },
      undo: asyncRun ? { snapshot: () => this.snapshot(), restore: (state: unknown) => this.restore(state as NetworkState) } : null,
    };
    return { loop: fitEpochs(run, rates, asyncRun), options: o };
  }

  /**
   * The optimizer a fit trains with: the one it names, else the network's own — unless the
   * network has none of its own yet (never given one by setOptimizer, never trained by fit),
   * in which case fit's default, Adam at η = 0.01: plain SGD at 0.01 stays `step`'s default
   * (the worked example), but is too slow for fit's small-data habits (XOR in a few lines).
   */
  private fitOptimizer(fn: string, given: OptimizerOptions | undefined): OptimizerConfig {
    if (given !== undefined) return resolveOptimizer(fn, given, 'options.optimizer');
    const current = this.live(fn).optimizer();
    const own = this.optimizerChosen || this.training.steps > 0 || !sameConfig(current, DEFAULT_OPTIMIZER);
    return own ? current : FIT_DEFAULT_OPTIMIZER;
  }

  /** Everything training changes: θ, the generators, the optimizer's state, fit's counters. */
  private snapshot(): NetworkState {
    const engine = this.live('fitAsync');
    return {
      parameters: engine.parameters().slice(), random: this.random.getState(), optimizer: engine.optimizerState(),
      dropoutRandom: engine.dropoutRandomState(), training: structuredClone(this.training),
      runningStatistics: engine.runningStatistics().slice(), batchesTracked: engine.batchesTracked(),
    };
  }

  /** Puts back a `snapshot()`. */
  private restore(state: NetworkState): void {
    const engine = this.live('fitAsync');
    engine.parameters().set(state.parameters);
    this.random.setState(state.random);
    engine.setOptimizerState(state.optimizer);
    engine.setDropoutRandomState(state.dropoutRandom);
    engine.runningStatistics().set(state.runningStatistics);
    engine.setBatchesTracked(state.batchesTracked);
    this.training = structuredClone(state.training);
  }

  /** The engine, for a call that changes the network: refused while it trains, as a second fit is. */
  private idle(fn: string): Engine {
    const engine = this.live(fn);
    if (this.fitting) {
      throw new ValueError(`${fn}: this network is training (a fit or fitAsync has not returned), and training would overwrite the change; call it after training ends, or stop training first (options.signal, or a callback returning false)`);
    }
    return engine;
  }

  /** One fit at a time: a second would replace the first one's dataset under it. */
  private whileFitting<T>(fn: string, body: () => T): T {
    if (this.fitting === 'fit') throw new ValueError(`${fn}: this network is already training in fit (called from one of its callbacks?); call it after fit returns`);
    if (this.fitting) throw new ValueError(`${fn}: this network is already training in a ${this.fitting} that has not finished; await it (or abort it through its signal) first`);
    this.fitting = fn;
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.fitting = null;
      throw error;
    }
    if (result instanceof Promise) return result.finally(() => (this.fitting = null)) as T;
    this.fitting = null;
    return result;
  }

  /**
   * Checks and converts a whole dataset, and its sample weights if given, to flat arrays of the
   * network's dtype. With `borrow`, an X that already is one is returned itself, not copied.
   */
  private toArrays(fn: string, X: Matrix, Y: Targets, prefix = '', sampleWeight?: unknown, borrow = false): Dataset {
    const { inputSize, outputSize } = this.layout;
    const rows = this.countRows(fn, X, Y, prefix);
    const Float = arrayType(this.architecture.dtype);
    // Borrowed only when its own `constructor` is its class: subarray and slice build through it.
    const x = borrow && X instanceof Float && X.constructor === Float ? X : new Float(rows * inputSize);
    const y = new Float(rows * outputSize);
    copyRows(fn, `${prefix}X`, X, inputSize, x);
    copyTargets(fn, `${prefix}Y`, Y, this.architecture.loss, outputSize, y);
    const w = sampleWeight === undefined ? null : datasetWeights(fn, prefix ? `${prefix}sampleWeight` : 'options.sampleWeight', sampleWeight, rows, Float);
    return { x, y, rows, w };
  }
}

function createEngine(architecture: Architecture, backend: Backend, threads: ThreadsOption): Promise<Engine> | Engine {
  if (backend === 'wasm') return createThreadedEngine(architecture, threads);
  const engine = createJsEngine(architecture);
  return threads === 1 ? engine : { ...engine, threads: 1, threadsFallbackReason: 'the js backend runs on one thread' };
}

const STEP_KEYS = keysOf<StepOptions>({ learningRate: true, sampleWeight: true });
const SAMPLE_WEIGHT_KEYS = keysOf<SampleWeightOptions>({ sampleWeight: true });
const EVALUATE_KEYS = keysOf<EvaluateOptions>({ metrics: true, sampleWeight: true });
const TO_JSON_KEYS = keysOf<ToJSONOptions>({ training: true });
const LOAD_KEYS = keysOf<LoadOptions>({ backend: true, threads: true });
const SAFETENSORS_KEYS = [...LOAD_KEYS, ...keysOf<SafetensorsArchitecture>({ activations: true, loss: true })];
const FIT_ASYNC_KEYS = [...FIT_KEYS, 'worker'];
const ONNX_KEYS = keysOf<OnnxOptions>({ dtype: true, name: true });

/** Hoisted so that checking a step's options allocates nothing. */
const NON_NEGATIVE = { min: 0 } as const;

function readLearningRate(fn: string, options: StepOptions | undefined): number | undefined {
  const o = checkOptions(fn, 'options', options, true, STEP_KEYS) as StepOptions;
  return o.learningRate === undefined ? undefined : checkNumber(fn, 'options.learningRate', o.learningRate, NON_NEGATIVE);
}

/** The dropout generator's start: its own stream, so dropout never shifts initialisation or shuffling. */
function dropoutStream(seed: number): number[] {
  return new Random(seed).getState().map((word) => (word ^ 0x9e3779b9) >>> 0);
}

/** One sample given as a plain array of numbers (not rows): what `predict([x1, x2])` receives. */
function isSample(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');
}

function isNumberArray(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Batch norm's running statistics and their count, or null for a network without batch norm. */
function runningStateOf(engine: Engine): RunningState | null {
  return hasBatchNorm(engine.layout) ? { runningStatistics: engine.runningStatistics(), batchesTracked: engine.batchesTracked() } : null;
}

/** Puts stored running statistics into a network (null: it has no batch norm). */
function setRunningState(engine: Engine, running: RunningState | null): void {
  if (!running) return;
  engine.runningStatistics().set(running.runningStatistics);
  engine.setBatchesTracked(running.batchesTracked);
}

/** `engine.reserve`, its errors named as `inCall` names them, without a closure per call (step stages on every call). */
function reserveRows(fn: string, engine: Engine, rows: number): void {
  try {
    engine.reserve(rows);
  } catch (error) {
    inCall(fn, () => { throw error; });
  }
}
