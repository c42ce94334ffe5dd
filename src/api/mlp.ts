// The public class: a network's state (its engine, generators and counters) and its methods,
// each checking its arguments and delegating the work to the modules beside it (./rows.ts,
// ./prediction.ts, ./fitting.ts, ./opening.ts…) and to the layers below.
import type { Engine } from '../engine/engine.js';
import { provideEngineReader } from './test-seam.js';
import type { Activation, Architecture, Backend, CreateOptions, DType, FloatArray, Loss } from '../model/options.js';
import { DisposedError, inCall } from '../core/errors.js';
import { checkBoolean, checkOptions } from '../core/validate.js';
import { checkCreateOptions } from '../model/create-options.js';
import type { KnownOutputs, OutputWidth } from '../model/output-row.js';
import { checkTextExport } from '../model/limits.js';
import { withSampleWeights, type SampleWeightOptions } from '../training/sample-weights.js';
import { checkThreads } from '../threads/support.js';
import { Random } from '../core/random.js';
import { freshSeed } from '../core/seed.js';
import { initialise } from '../model/init.js';
import { traceStagedRows, type Trace } from './trace.js';
import { callBack, newTrainingState, runToEnd, runYielding, type FitHistory, type FitOptions, type TrainingState } from '../training/fit.js';
import type { Evaluation } from '../training/evaluate.js';
import type { Metric } from '../training/metrics.js';
import type { ModelJSON } from '../io/model-json.js';
import { writeCheckpoint } from '../io/checkpoint.js';
import type { Bytes } from '../io/bytes.js';
import { writeOnnx, type OnnxOptions } from '../io/onnx.js';
import { writeSafetensors, type SafetensorsArchitecture } from '../io/safetensors.js';
import type { ParameterLayout } from '../model/layout.js';
import { resolveOptimizer, type OptimizerConfig, type OptimizerOptions } from '../registry/optimizers.js';
import { standaloneModule } from '../io/standalone.js';
import { summaryText } from './summary.js';
import { quantizeNetwork, type QuantizeOptions } from '../quantize/quantize.js';
import { fitInWorker, type FitAccess, type FitAsyncOptions } from '../async/fit-async.js';
import { applyState, captureState, WEIGHT_PIECES, type NetworkState, type StateHolder } from '../state/network-state.js';
import { checkpointOf, modelJSONOf, runningOf } from '../io/state-files.js';
import { fitDataset, type BatchDataset, type FitDatasetOptions } from '../training/fit-dataset.js';
import type { InputStage } from '../preprocessing/stage.js';
import type { RawRow, RawRows } from '../preprocessing/rows.js';
import type { Matrix } from '../model/data.js';
import { classNamesOf, type ClassLabel } from '../model/predict-classes.js';
import { FIT_ASYNC_KEYS, checkOnnxOptions, readToJSONTraining, type EvaluateOptions, type LoadOptions, type RunningStatistics, type StepOptions, type ToJSONOptions } from './call-options.js';
import { checkParameters } from './arguments.js';
import { checkRunningStatistics, runningStatisticsOf } from './running-statistics.js';
import { encodeFit, encodeX, encodeY, readSampleWeight, stageBatch, type Labels, type Rows } from './rows.js';
import { stepOnce } from './step.js';
import { predictAny, predictAnyAsync, predictAnyInto, predictClassesAny } from './prediction.js';
import { evaluateNetwork } from './evaluation.js';
import { datasetAccess, fitAccessOf, fitOptimizer, startFit, type FitHost } from './fitting.js';
import { TrainingGuard } from './training-guard.js';
import { createEngine, dropoutStream, openJSON, openModelFile, openSafetensors, type Opened } from './opening.js';
import { isWebGpuEngine } from '../webgpu/contract.js';
import { refuseSyncOnWebGpu } from '../webgpu/sync-calls.js';
import { checkWebGpuFit } from '../training/webgpu-epochs.js';

export type { StepOptions, RunningStatistics, ToJSONOptions, EvaluateOptions, LoadOptions } from './call-options.js';

/** For the training worker (src/async/worker.ts): a network's FitAccess. Not part of the public API. */
export let fitAccess: (net: MLP) => FitAccess;

/** A multilayer perceptron: dense layers trained by backpropagation, in WebAssembly or pure TypeScript. */
export class MLP {
  private engine: Engine | null;
  private readonly random: Random;
  /** fit's counters: one object for the network's life (applyState writes into it). */
  private readonly training: TrainingState = newTrainingState();
  /** The training call under way, if any. */
  private readonly guard = new TrainingGuard();
  /** Aborted by dispose(): a fitDataset waiting for its source's next batch stops waiting. */
  private readonly disposal = new AbortController();
  /** setOptimizer was called: from then on fit trains with the network's optimizer, even plain SGD. */
  private optimizerChosen = false;
  /** The seed MLP.create used (given or drawn); undefined for a network read from a file. */
  private createdWith: number | undefined;
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
  static async create<const L extends readonly number[]>(options: CreateOptions & { layers: L }): Promise<KnownOutputs<OutputWidth<L>> & MLP> {
    const checked = checkCreateOptions('MLP.create', options);
    const { architecture, backend, init } = checked;
    const seed = checked.seed ?? freshSeed();
    const threads = checkThreads('MLP.create', options.threads);
    const random = new Random(seed);
    const net = new MLP(await createEngine('MLP.create', architecture, backend, threads, options.gpu), architecture, random);
    initialise(net.live('MLP.create').parameters(), net.layout, random, init);
    net.live('MLP.create').setDropoutRandomState(dropoutStream(seed));
    net.createdWith = seed;
    // predict's rows have layers' last entry as their width: KnownOutputs only names that.
    return net as KnownOutputs<OutputWidth<L>> & MLP;
  }

  /**
   * Rebuilds a network from `toJSON()` output (object or JSON text), bit-exactly.
   * @example
   * const copy = await MLP.fromJSON(JSON.stringify(net));
   * @throws {FormatError} when the JSON is not a wasm-mlp model.
   * @throws {ValueError} for an unknown option.
   */
  static async fromJSON(json: ModelJSON | string, options?: LoadOptions): Promise<MLP> {
    return MLP.open('MLP.fromJSON', openJSON(json, options));
  }

  /**
   * Restores a `save()` checkpoint: architecture, θ, optimizer state, generators and counters.
   * Training resumes bit-identically (same backend). Any other model file the package writes
   * is read too, told apart by its first bytes: a JSON model (`toJSON()`, as `fromJSON`), a
   * `wasm-mlp train` model, or safetensors with wasm-mlp metadata (as `fromSafetensors`). Bytes
   * may be a Uint8Array (Node's Buffer) or the ArrayBuffer of `fetch().arrayBuffer()`.
   * @example
   * const resumed = await MLP.load(readFileSync('model.wmlp'));
   * const fetched = await MLP.load(await (await fetch('/model.wmlp')).arrayBuffer());
   * @throws {FormatError} when the bytes are truncated or corrupt, or a file of another kind (ONNX, ZIP, CSV…: the message says which).
   * @throws {ValueError} when the bytes are neither a Uint8Array nor an ArrayBuffer, or for an unknown option.
   */
  static async load(bytes: Bytes, options?: LoadOptions): Promise<MLP> {
    const file = openModelFile(bytes, options);
    if (file.kind === 'model-json') return MLP.fromJSON(file.json, file.options);
    if (file.kind === 'safetensors') return MLP.fromSafetensors(file.bytes, file.options);
    return MLP.open('MLP.load', file.opened);
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
    return MLP.open('MLP.fromSafetensors', openSafetensors(bytes, options));
  }

  /** A network built from what a file or JSON holds, its state applied; its own generator until the state sets it. */
  private static async open(fn: string, { architecture, backend, threads, gpu, state }: Opened): Promise<MLP> {
    const net = new MLP(await createEngine(fn, architecture, backend, threads, gpu), architecture, new Random());
    applyState(net.holder(fn), state);
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
  /** The input stage raw rows pass through before the first layer (a copy), or null for a network without one. */
  get input(): InputStage | null { return this.architecture.input ? structuredClone(this.architecture.input) : null; }
  /** The class name of each output (two for one sigmoid output), or null for a network without them. */
  get classNames(): readonly string[] | null { return this.architecture.classNames ? [...this.architecture.classNames] : null; }
  /** Length of θ. */
  get parameterCount(): number { return this.layout.parameterCount; }
  /** Where each layer's weights and bias sit in θ. */
  get layout(): ParameterLayout { return this.live('layout').layout; }
  /** Bytes of memory the network holds: its whole WebAssembly memory, or its typed arrays on the js backend. */
  get memoryBytes(): number { return this.live('memoryBytes').byteLength(); }
  /**
   * The seed this network was created with: the one given to `MLP.create`, or the one it drew
   * when none was given. Undefined for a network read from a file (its generators' state is
   * restored instead).
   */
  get seed(): number | undefined { return this.createdWith; }
  /** True after `dispose()`. */
  get disposed(): boolean { return this.engine === null; }
  /** Threads training and inference may use (small batches use fewer; see the guide "Off the main thread and on several cores"). */
  get threads(): number { return this.live('threads').threads ?? 1; }
  /** Why the network runs on one thread although more were asked for, or null. */
  get threadsFallbackReason(): string | null { return this.live('threadsFallbackReason').threadsFallbackReason ?? null; }
  /** With backend 'auto': why the network runs on 'wasm' rather than 'webgpu' (no WebGPU, a layer without a kernel, or the calibration's figures), or null. */
  get backendFallbackReason(): string | null { return this.live('backendFallbackReason').backendFallbackReason ?? null; }

  /**
   * A copy of each batch-norm layer's running statistics (what `predict` and `evaluate`
   * normalize with): its layer index, running mean and running variance (unbiased, as
   * nn.BatchNorm1d keeps them), and the training steps that updated them. Empty without batch-norm.
   * @throws DisposedError after `dispose()`.
   */
  getRunningStatistics(): RunningStatistics[] {
    return runningStatisticsOf(this.live('getRunningStatistics'));
  }

  /**
   * Replaces the batch-norm layers' running statistics with `stats`, in `getRunningStatistics`'
   * form: one entry per batch-norm layer, in layer order, each with its `layer` index,
   * `runningMean` and `runningVar` (one per unit; variances ≥ 0) and `batchesTracked` (a
   * non-negative integer, the same in every entry). Everything is checked before anything changes.
   * @throws ShapeError or ValueError naming the entry when `stats` does not match the network's batch-norm layers; nothing changes.
   * @throws DisposedError after `dispose()`.
   */
  setRunningStatistics(stats: readonly RunningStatistics[]): void {
    const engine = this.idle('setRunningStatistics');
    const running = checkRunningStatistics('setRunningStatistics', engine.layout, this.dtype, stats);
    if (running) applyState(this.holder('setRunningStatistics'), running);
  }

  /**
   * Replaces θ: per layer, the weight matrix row-major (outputs × inputs), the bias, then a normalization's γ and β.
   * @throws ShapeError when `theta` does not hold `parameterCount` values.
   * @throws ValueError when a value is not a finite number (or beyond float32 in a float32 network), or while the network trains.
   * @throws DisposedError after `dispose()`.
   */
  setParameters(theta: ArrayLike<number>): void {
    const engine = this.idle('setParameters');
    engine.parameters().set(checkParameters('setParameters', theta, engine.layout.parameterCount, this.dtype));
  }

  /**
   * A copy of θ, in the network's dtype.
   * @throws DisposedError after `dispose()`.
   */
  getParameters(): FloatArray {
    return this.live('getParameters').parameters().slice();
  }

  /**
   * The network's outputs, in the form of the input: rows in (`number[][]`), rows out; one
   * sample in (`[x1, x2, …]`, as many values as the network has inputs), one row out; a flat
   * typed array of rows × inputs in, the same type out (rows × outputs). With an input stage,
   * raw rows (cells in column order, or objects keyed by column name) in the same forms. Changes nothing.
   * @example
   * net.predict([[0, 1], [1, 1]]); // [[0.98…], [0.01…]]
   * net.predict([0, 1]);           // [0.98…]
   * net.predict([[0, 1]])[0][0];   // 0.98…
   * @throws {ShapeError} when a row's length is not the network's input size (with a stage: its column count).
   * @throws {ValueError} when a value is not a finite number (with a stage: a cell it cannot encode).
   */
  predict(X: readonly (readonly number[])[]): number[][];
  predict(sample: readonly number[]): number[];
  predict(X: Float32Array): Float32Array;
  predict(X: Float64Array): Float64Array;
  predict(X: Matrix | readonly number[]): number[][] | number[] | FloatArray;
  predict(X: readonly RawRow[]): number[][];
  predict(sample: RawRow): number[];
  predict(X: RawRows | RawRow): number[][] | number[] | FloatArray;
  predict(X: Rows | readonly number[] | RawRow): number[][] | number[] | FloatArray {
    return predictAny('predict', this.live('predict'), this.architecture, X);
  }

  /**
   * The class of each row (scikit-learn's `predict`; `predict` itself gives the probabilities):
   * the index of the largest output of a softmax network, or for one sigmoid output 1 when
   * p > 0.5, else 0. A network with class names gives the names. One sample in, one class out.
   * @example
   * net.predictClasses([[7, 8], [1, 3]]); // [1, 0]
   * @throws {ValueError} when the network is not a classifier (softmax, or one sigmoid output), or a value is not a finite number.
   * @throws {ShapeError} when a row's length is not the network's input size.
   */
  predictClasses(X: Matrix | RawRows): ClassLabel[];
  predictClasses(sample: readonly number[] | RawRow): ClassLabel;
  predictClasses(X: Rows | readonly number[] | RawRow): ClassLabel[] | ClassLabel {
    return predictClassesAny('predictClasses', this.live('predictClasses'), this.architecture, classNamesOf(this), X);
  }

  /**
   * `predict` that writes the outputs (rows × outputs, row-major) into `out` and returns it,
   * allocating nothing: for serving loops and animation frames. `out` may be a Float32Array or
   * Float64Array of exactly that length, in either dtype. (A network with an input stage
   * allocates its encoded rows.)
   * @throws ShapeError when a row of X has the wrong width or `out` the wrong length.
   * @throws ValueError when X holds a non-finite value (naming row and column) or `out` is not a Float32Array or Float64Array.
   * @throws DisposedError after `dispose()`.
   */
  predictInto<T extends FloatArray>(X: Rows, out: T): T {
    return predictAnyInto('predictInto', this.live('predictInto'), this.architecture, X, out);
  }

  /**
   * Mean loss of the network on (X, Y). Changes nothing.
   * @example
   * net.loss([[2, 1], [-3, 2]], [[1.3], [1.9]]); // 3.25 for the worked example
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {ValueError} for a value that is not a finite number (or a target out of the loss's range).
   */
  loss(rawX: Rows, rawY: Labels, options?: SampleWeightOptions): number {
    const { engine, weights, rows } = this.batch('loss', rawX, rawY, options);
    engine.forward(rows, true);
    return withSampleWeights(engine, weights, rows, () => engine.loss(rows));
  }

  /**
   * ∇θ L on (X, Y): the exact gradient of the mean loss, in θ's order. Changes nothing.
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {ValueError} for a value that is not a finite number.
   */
  gradient(rawX: Rows, rawY: Labels, options?: SampleWeightOptions): FloatArray {
    const { engine, weights, rows } = this.batch('gradient', rawX, rawY, options);
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
  step(rawX: Rows, rawY: Labels, options?: StepOptions): number {
    return stepOnce('step', this.idle('step'), this.architecture, encodeX('step', this.architecture, rawX), encodeY('step', this.architecture, rawY), options);
  }

  /**
   * Chooses the optimizer `step` and `fit` use, as torch.optim computes it, with fresh state.
   * Omitted options take PyTorch's defaults; `clipNorm`/`clipValue` clip ∇θ before each update.
   * @example
   * net.setOptimizer({ type: 'adam', learningRate: 0.01 });
   * @throws {ValueError} for an unknown type or option, or a value out of PyTorch's range; the optimizer stays as it was.
   */
  setOptimizer(options: OptimizerOptions | OptimizerOptions['type']): void {
    const engine = this.idle('setOptimizer');
    const config = resolveOptimizer('setOptimizer', options, 'options');
    inCall('setOptimizer', () => engine.setOptimizer(config));
    this.optimizerChosen = true;
  }

  /** The optimizer in use with every option resolved: plain SGD, η = 0.01, until one is set (by `setOptimizer`, or by a fit, which installs Adam on a network without one of its own). */
  get optimizer(): OptimizerConfig {
    return { ...this.live('optimizer').optimizer() };
  }

  /**
   * Clears the optimizer's state (moments, step count) and keeps its configuration.
   * @throws ValueError while the network trains (inside a fit callback, or before fitAsync settles).
   * @throws DisposedError after `dispose()`.
   */
  resetOptimizer(): void {
    this.idle('resetOptimizer').resetOptimizer();
  }

  /**
   * Every intermediate value of the forward and backward pass, per sample and for the batch. Changes nothing.
   * @throws ShapeError when X and Y do not match the network or each other.
   * @throws ValueError for non-finite values or out-of-range targets, and on a network with batch norm (a one-row batch has no spread).
   * @throws DisposedError after `dispose()`.
   */
  trace(rawX: Rows, rawY: Labels): Trace {
    const engine = this.live('trace');
    return traceStagedRows('trace', engine, stageBatch('trace', engine, this.architecture, encodeX('trace', this.architecture, rawX), encodeY('trace', this.architecture, rawY)));
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
  fit<const M extends readonly Metric[] = []>(X: Rows, Y: Labels, options?: FitOptions<M>): FitHistory<M> {
    return this.guard.run('fit', () => {
      const data = encodeFit('fit', this.architecture, X, Y, options as FitOptions | undefined);
      const { loop, options: o } = startFit(this.fitHost(), 'fit', data.X, data.Y, data.options);
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
  async fitAsync<const M extends readonly Metric[] = []>(rawX: Rows, rawY: Labels, options?: FitAsyncOptions<M>): Promise<FitHistory<M>> {
    const engine = this.live('fitAsync'); // a disposed network says so before judging the options
    const { worker = false, ...rawOptions } = checkOptions('fitAsync', 'options', options, true, FIT_ASYNC_KEYS) as FitAsyncOptions;
    if (isWebGpuEngine(engine)) checkWebGpuFit('fitAsync', options, fitOptimizer(this.fitHost(), 'fitAsync', rawOptions.optimizer as FitOptions['optimizer']));
    const { X, Y, options: fitOptions } = encodeFit('fitAsync', this.architecture, rawX, rawY, rawOptions);
    if (checkBoolean('fitAsync', 'options.worker', worker)) return this.guard.run('fitAsync', () => fitInWorker(this.fitAccess(), X, Y, fitOptions)) as unknown as Promise<FitHistory<M>>;
    return this.guard.run('fitAsync', () => {
      const { loop, options: o } = startFit(this.fitHost(), 'fitAsync', X, Y, fitOptions, true);
      return runYielding(loop, (pause) => callBack(o, pause));
    }) as unknown as Promise<FitHistory<M>>;
  }

  /**
   * `predict` as a Promise: on backend 'webgpu' the forward pass runs on the GPU and its outputs
   * are read back; on the other backends it resolves `predict`'s result. Inputs and outputs take
   * the forms `predict`'s do.
   * @example
   * const outputs = await net.predictAsync([[0, 1], [1, 1]]); // [[0.98…], [0.01…]]
   * @throws {ShapeError} (as a rejected promise) when a row's length is not the network's input size.
   * @throws {ValueError} (as a rejected promise) when a value is not a finite number.
   * @throws {WebGpuDeviceLostError} (as a rejected promise) when the GPU device was lost.
   */
  predictAsync(X: readonly (readonly number[])[]): Promise<number[][]>;
  predictAsync(sample: readonly number[]): Promise<number[]>;
  predictAsync(X: Float32Array): Promise<Float32Array>;
  predictAsync(X: Float64Array): Promise<Float64Array>;
  predictAsync(X: Rows | readonly number[] | RawRow): Promise<number[][] | number[] | FloatArray>;
  async predictAsync(X: Rows | readonly number[] | RawRow): Promise<number[][] | number[] | FloatArray> {
    return predictAnyAsync('predictAsync', this.live('predictAsync'), this.architecture, X);
  }

  /**
   * `evaluate` as a Promise, for every backend. On backend 'webgpu' the network's state is
   * read back from the GPU after each fitAsync epoch, so the loss and metrics are computed from
   * that copy on the CPU (the wasm build), the same numbers `evaluate` gives on backend 'wasm'.
   * @throws {ValueError} (as a rejected promise) for an unknown option or metric.
   * @throws {ShapeError} (as a rejected promise) when X and Y do not match the network or each other.
   */
  async evaluateAsync<const M extends readonly Metric[] = []>(rawX: Rows, rawY: Labels, options?: EvaluateOptions<M>): Promise<Evaluation<M>> {
    return evaluateNetwork('evaluateAsync', this.live('evaluateAsync'), this.architecture, rawX, rawY, options) as unknown as Evaluation<M>;
  }

  /**
   * Trains on batches that arrive one at a time, so memory is bounded by a batch, not the
   * dataset: `dataset(epoch)` returns each epoch's batches `{ x, y }` (in the forms `fit`
   * accepts) as an iterable or async iterable. Each batch is one optimizer step; the same
   * batches give the same numbers as `fit`. See the Data guide, "Training from streams". An epoch
   * that fails or is aborted is undone: the network keeps the state the last completed epoch left.
   * @throws ValueError (as a rejected Promise) for a bad option, a batch with non-finite values or out-of-range labels, or a call while the network trains; ShapeError for a batch of the wrong shape; each names the batch and the epoch.
   * @throws DivergenceError when a step meets a non-finite value, unless `onDivergence` is `'stop'`.
   * @throws AbortError (as a rejected Promise) when `options.signal` aborts while a batch is awaited.
   * @throws DisposedError (as a rejected Promise) after `dispose()`, or when the network is disposed while it trains.
   */
  fitDataset(dataset: BatchDataset, options?: FitDatasetOptions): Promise<FitHistory> {
    return this.guard.run('fitDataset', () => fitDataset(datasetAccess(this.fitHost(), this.disposal.signal), dataset, options));
  }

  /**
   * Source of a dependency-free ES module exporting `predict` for this network as it is now (see the guide "Inference").
   * @throws ValueError for a network of more than 2^24 parameters (use `save()` or `toSafetensors()`).
   * @throws DisposedError after `dispose()`.
   */
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
  evaluate<const M extends readonly Metric[] = []>(rawX: Rows, rawY: Labels, options?: EvaluateOptions<M>): Evaluation<M> {
    return evaluateNetwork('evaluate', this.live('evaluate'), this.architecture, rawX, rawY, options) as unknown as Evaluation<M>;
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
   * The whole training state as a checkpoint (its format: the guide "Saving and formats"), for `MLP.load`.
   * @example
   * writeFileSync('model.ckpt', net.save());
   * @throws DisposedError after `dispose()`.
   */
  save(): Uint8Array {
    const holder = this.holder('save');
    return writeCheckpoint(checkpointOf(this.architecture, holder.engine.backend, captureState(holder)));
  }

  /**
   * θ in the safetensors format, tensors `layers.{i}.weight` (outputs × inputs) and `layers.{i}.bias`, for PyTorch and other tools.
   * @throws DisposedError after `dispose()`.
   */
  toSafetensors(): Uint8Array {
    const weights = captureState(this.holder('toSafetensors'), WEIGHT_PIECES);
    return writeSafetensors(this.architecture, weights.parameters, runningOf(weights));
  }

  /**
   * The network as a quantized model file for `Predictor.load` (wasm-mlp/inference): int8 weights
   * with one float32 scale per output unit, or float16 weights, in safetensors (see the
   * quantization guide). Batch norm is folded into its Linear first. The network is unchanged.
   * @example
   * writeFileSync('model.int8.safetensors', net.quantize({ weights: 'int8' }));
   * @throws {ValueError} for unknown or invalid options, a non-finite parameter, a layer norm with
   * int8 weights, or a float16 weight beyond float16's range.
   */
  quantize(options: QuantizeOptions): Uint8Array {
    const engine = this.live('quantize');
    return quantizeNetwork('quantize', this.architecture, engine.parameters(), engine.runningStatistics(), options);
  }

  /**
   * The network as an ONNX model (opset 13: per layer a Gemm and its activation; the output is
   * what `predict` returns), for ONNX Runtime on the web, in Node, Python or a model server.
   * Input `input` and output `output` are batch × features tensors of the network's dtype
   * unless `options.dtype` says otherwise; see the guide "Saving and formats".
   * @throws ValueError for an unknown option or an element type other than float32 and float64.
   * @throws DisposedError after `dispose()`.
   */
  toOnnx(options?: OnnxOptions): Uint8Array {
    const engine = this.live('toOnnx');
    return writeOnnx(this.architecture, engine.parameters(), checkOnnxOptions(options), {}, engine.runningStatistics());
  }

  /**
   * The network as plain JSON data; `MLP.fromJSON` restores it bit-exactly. With
   * `{ training: true }` it also carries the optimizer state and fit's counters, like `save()`.
   * @throws ValueError for an unknown option, or a network of more than 2^24 parameters (use `save()` or `toSafetensors()`).
   * @throws DisposedError after `dispose()`.
   */
  toJSON(options?: ToJSONOptions): ModelJSON {
    const engine = this.live('toJSON');
    const training = readToJSONTraining(options);
    checkTextExport('toJSON', engine.layout.parameterCount);
    return modelJSONOf(this.architecture, engine.backend, captureState(this.holder('toJSON')), training);
  }

  /**
   * Frees the network's memory. Any later call throws DisposedError. Safe to call twice.
   * @throws Nothing: it is safe to call twice, and from a fit callback it ends training (that call then throws DisposedError).
   */
  dispose(): void {
    this.engine?.dispose();
    this.engine = null;
    this.disposal.abort();
  }

  static {
    fitAccess = (net) => net.fitAccess();
    provideEngineReader((net: MLP) => net.engine);
  }

  /** What fitAsync's worker needs to train exactly as `fit` does (./fitting.ts). */
  private fitAccess(): FitAccess {
    return fitAccessOf(this.fitHost(), this.backend, this.live('fitAsync').threadsRequested === 'auto' ? 'auto' : this.threads);
  }

  /** What the fit plumbing (./fitting.ts) works on: the network's private state, lent. */
  private fitHost(): FitHost {
    const net = this;
    return {
      architecture: this.architecture, random: this.random, training: this.training,
      get optimizerChosen() { return net.optimizerChosen; },
      get disposed() { return net.disposed; },
      live: (fn) => this.live(fn),
      snapshot: () => captureState(this.holder('fitAsync')),
      restore: (state: NetworkState) => applyState(this.holder('fitAsync'), state),
    };
  }

  /** loss's and gradient's batch: X and Y encoded, checked and staged, and the sample weights checked. */
  private batch(fn: string, rawX: Rows, rawY: Labels, options: SampleWeightOptions | undefined): { engine: Engine; weights: ArrayLike<number> | null; rows: number } {
    const engine = this.live(fn);
    const X = encodeX(fn, this.architecture, rawX);
    const Y = encodeY(fn, this.architecture, rawY);
    const weights = readSampleWeight(fn, engine, X, options);
    return { engine, weights, rows: stageBatch(fn, engine, this.architecture, X, Y) };
  }

  private live(fn: string): Engine {
    if (!this.engine) throw new DisposedError(`${fn}: this network was disposed; create or load a new one`);
    if (this.engine.backend === 'webgpu') refuseSyncOnWebGpu(fn);
    return this.engine;
  }

  /** Where this network keeps its state (src/state/network-state.ts). */
  private holder(fn: string): StateHolder {
    return { engine: this.live(fn), random: this.random, training: this.training };
  }

  /** The engine, for a call that changes the network: refused while it trains, as a second fit is. */
  private idle(fn: string): Engine {
    const engine = this.live(fn);
    this.guard.refuseChange(fn);
    return engine;
  }

}
