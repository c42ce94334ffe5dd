import type { Engine } from '../engine/engine.js';
import { provideEngineReader } from './test-seam.js';
import type { Activation, Architecture, Backend, CreateOptions, DType, FloatArray, Loss } from '../model/options.js';
import { BACKENDS, DTYPES, arrayType } from '../model/options.js';
import { DisposedError, ShapeError, ValueError, describe, detachedError, inCall, isDetached } from '../core/errors.js';
import { checkBoolean, checkChoice, checkNumber, checkOptions, keysOf } from '../core/validate.js';
import { checkCreateOptions } from '../model/create-options.js';
import { countRows, countTargetRows, copyRows, copyTargets, isAllowed, badValue, plural, type Matrix, type Targets } from '../model/data.js';
import { stageRows } from '../engine/staging.js';
import { predictRows, predictRowsInto } from '../engine/predict.js';
import { checkBatchFits, checkDatasetFits, checkTextExport } from '../model/limits.js';
import { checkSampleWeight, datasetWeights, withSampleWeights, type SampleWeightOptions } from '../training/sample-weights.js';
import { divergenceError } from '../engine/divergence.js';
import { createJsEngine } from '../js/engine.js';
import { createThreadedEngine } from '../wasm/shared-engine.js';
import { checkThreads, type ThreadsOption } from '../threads/support.js';
import { Random } from '../core/random.js';
import { initialise } from '../model/init.js';
import { traceBatch, type Trace } from './trace.js';
import { FIT_KEYS, callBack, checkFitOptions, defaultEpochs, disposedWhileTraining, fitEpochs, newTrainingState, planRates, runToEnd, runYielding, sameConfig, splitValidation, type CheckedFitOptions, type Dataset, type EpochLoop, type EpochTrainer, type FitHistory, type FitOptions, type FitRun, type TrainingState } from '../training/fit.js';
import { CHUNK_ROWS as EVALUATE_CHUNK_ROWS, evaluateChunks, type Evaluation } from '../training/evaluate.js';
import { planFitData, stageFitData, stageValidationOnly, type FitDataOptions, type StagedRows } from '../training/fit-data.js';
import { checkMetrics, type Metric } from '../training/metrics.js';
import { checkModelJSON, type ModelJSON } from '../io/model-json.js';
import { readCheckpoint, writeCheckpoint } from '../io/checkpoint.js';
import { checkTrainingJSON, trainingToJSON } from '../io/training-json.js';
import { toBytes, type Bytes } from '../io/bytes.js';
import { sniffModel } from '../io/sniff.js';
import { writeOnnx, type OnnxOptions } from '../io/onnx.js';
import { readSafetensors, writeSafetensors, type SafetensorsArchitecture } from '../io/safetensors.js';
import { checkBatchStatisticsRows, type ParameterLayout } from '../model/layout.js';
import { DEFAULT_OPTIMIZER, FIT_DEFAULT_OPTIMIZER, resolveOptimizer, type OptimizerConfig, type OptimizerOptions } from '../registry/optimizers.js';
import { standaloneModule } from '../io/standalone.js';
import { summaryText } from './summary.js';
import { quantizeNetwork, type QuantizeOptions } from '../quantize/quantize.js';
import { fitInWorker, type FitAccess, type FitAsyncOptions } from '../async/fit-async.js';
import { applyState, captureState, WEIGHT_PIECES, type NetworkState, type StateHolder } from '../state/network-state.js';
import { checkpointOf, runningOf, stateOfCheckpoint, stateOfJSON, statisticsOf } from '../io/state-files.js';
import { fitDataset, type BatchDataset, type DatasetAccess, type FitDatasetOptions } from '../training/fit-dataset.js';
import type { InputStage } from '../preprocessing/stage.js';
import { isRawSample, type RawRow, type RawRows } from '../preprocessing/rows.js';
import { encodeRows } from '../preprocessing/encode.js';
import { encodeLabels } from '../preprocessing/labels.js';
import { predictRaw, predictRawInto } from '../engine/predict-raw.js';
import { preprocessingToJSON } from '../preprocessing/architecture.js';
import { createWebGpuEngine, isWebGpuEngine } from '../webgpu/engine.js';
import { createAutoEngine } from '../webgpu/auto.js';
import { refuseSyncOnWebGpu } from '../webgpu/sync-calls.js';
import { predictOnWebGpu } from '../webgpu/predict.js';
import { checkWebGpuFit, rowsTrainer } from '../training/webgpu-epochs.js';

/** Rows a network takes: numbers, or raw rows (numbers and text) for a network with an input stage. */
type Rows = Matrix | RawRows;
/** Targets a network takes: numbers, or class names for a network with classNames. */
type Labels = Targets | readonly string[];
import { freshSeed } from '../core/seed.js';
import { checkClassifier, classNamesOf, classesOf, type ClassLabel } from '../model/predict-classes.js';
import { checkStratify, stratifiedSplit } from '../training/stratify.js';

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
  /**
   * Where the loaded network computes ('auto' as in `MLP.create`). Default: the saved backend for
   * `load` and `fromJSON` (JSON without one, or a network saved on 'webgpu': 'wasm'), 'wasm' for `fromSafetensors`.
   */
  backend?: Backend | 'auto';
  /** As in `MLP.create`. Default 1. */
  threads?: ThreadsOption;
  /** As in `MLP.create`, for backend 'webgpu'. */
  gpu?: object;
}

/** For the training worker (src/async/worker.ts): a network's FitAccess. Not part of the public API. */
export let fitAccess: (net: MLP) => FitAccess;

/** A multilayer perceptron: dense layers trained by backpropagation, in WebAssembly or pure TypeScript. */
export class MLP {
  private engine: Engine | null;
  private readonly random: Random;
  /** fit's counters: one object for the network's life (applyState writes into it). */
  private readonly training: TrainingState = newTrainingState();
  /** The training call under way ('fit' or 'fitAsync'), or null. */
  private fitting: string | null = null;
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
  static async create(options: CreateOptions): Promise<MLP> {
    const checked = checkCreateOptions('MLP.create', options);
    const { architecture, backend, init } = checked;
    const seed = checked.seed ?? freshSeed();
    const threads = checkThreads('MLP.create', options.threads);
    const random = new Random(seed);
    const net = new MLP(await createEngine('MLP.create', architecture, backend, threads, options.gpu), architecture, random);
    initialise(net.live('MLP.create').parameters(), net.layout, random, init);
    net.live('MLP.create').setDropoutRandomState(dropoutStream(seed));
    net.createdWith = seed;
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
    const backend = o.backend === undefined ? loadedOn(savedOn) : checkChoice('MLP.fromJSON', 'options.backend', o.backend, LOAD_BACKENDS);
    const threads = checkThreads('MLP.fromJSON', o.threads);
    const resume = training === undefined ? null : checkTrainingJSON('MLP.fromJSON', training, parameters.length, arrayType(architecture.dtype));
    const generator = new Random();
    const net = new MLP(await createEngine('MLP.fromJSON', architecture, backend, threads, o.gpu), architecture, generator);
    applyState(net.holder('MLP.fromJSON'), stateOfJSON({ parameters, random, dropoutRandom, running }, resume, arrayType(architecture.dtype)));
    return net;
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
    const o = checkOptions('MLP.load', 'options', options, true, LOAD_KEYS) as LoadOptions;
    const requested = o.backend === undefined ? undefined : checkChoice('MLP.load', 'options.backend', o.backend, LOAD_BACKENDS);
    const file = sniffModel('MLP.load', toBytes('MLP.load', bytes, 'a model file (a checkpoint, JSON or safetensors)'));
    if (file.kind === 'model-json') return MLP.fromJSON(file.json as ModelJSON, o);
    if (file.kind === 'safetensors') return MLP.fromSafetensors(file.bytes, o);
    const c = readCheckpoint('MLP.load', file.kind === 'cli-model' ? file.checkpoint : file.bytes);
    const net = new MLP(await createEngine('MLP.load', c.architecture, requested ?? loadedOn(c.backend), checkThreads('MLP.load', o.threads), o.gpu), c.architecture, new Random());
    applyState(net.holder('MLP.load'), stateOfCheckpoint(c));
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
    const backend = o.backend === undefined ? 'wasm' : checkChoice('MLP.fromSafetensors', 'options.backend', o.backend, LOAD_BACKENDS);
    const { architecture, parameters, running } = readSafetensors('MLP.fromSafetensors', bytes, o);
    const net = new MLP(await createEngine('MLP.fromSafetensors', architecture, backend, checkThreads('MLP.fromSafetensors', o.threads), o.gpu), architecture, new Random());
    const Float = arrayType(architecture.dtype);
    applyState(net.holder('MLP.fromSafetensors'), { parameters: Float.from(parameters), ...statisticsOf(running, Float), dropoutRandom: dropoutStream(0) });
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
   * @throws ShapeError or ValueError naming the entry when `stats` does not match the network's batch-norm layers; nothing changes.
   * @throws DisposedError after `dispose()`.
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
    if (layers.length > 0) applyState(this.holder(fn), { runningStatistics: arrayType(this.dtype).from(values), batchesTracked: tracked ?? 0 });
  }

  /**
   * Replaces θ: per layer, the weight matrix row-major (outputs × inputs), the bias, then a normalization's γ and β.
   * @throws ShapeError when `theta` does not hold `parameterCount` values.
   * @throws ValueError when a value is not a finite number (or beyond float32 in a float32 network), or while the network trains.
   * @throws DisposedError after `dispose()`.
   */
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
    const engine = this.live('predict');
    if (this.architecture.input) return predictRaw('predict', engine, this.dtype, this.architecture.input, X);
    if (!isSample(X)) return predictRows('predict', engine, this.dtype, X as Matrix);
    if (X.length !== engine.layout.inputSize) {
      throw new ShapeError(`predict: X is one sample of ${plural(X.length, 'value')}, but the network takes ${engine.layout.inputSize} inputs; for several samples pass one row each, e.g. [[${X.slice(0, 2).join(', ')}${X.length > 2 ? ', …' : ''}], …]`);
    }
    return (predictRows('predict', engine, this.dtype, [X]) as number[][])[0];
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
    const engine = this.live('predictClasses');
    checkClassifier('predictClasses', this.architecture);
    const input = this.architecture.input;
    const one = input ? isRawSample(X) : isSample(X);
    const rows = (one ? [X] : X) as Rows;
    // A network with an input stage encodes raw rows (arrays or objects keyed by column) first.
    const outputs = input ? predictRaw('predictClasses', engine, this.dtype, input, rows) as number[][] | FloatArray : predictRows('predictClasses', engine, this.dtype, rows as Matrix);
    const labels = classesOf('predictClasses', outputs, engine.layout.outputSize, classNamesOf(this));
    return one ? labels[0]! : labels;
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
    const engine = this.live('predictInto');
    if (this.architecture.input) return predictRawInto('predictInto', engine, this.dtype, this.architecture.input, X, out);
    return predictRowsInto('predictInto', engine, this.dtype, X as Matrix, out);
  }

  /**
   * Mean loss of the network on (X, Y). Changes nothing.
   * @example
   * net.loss([[2, 1], [-3, 2]], [[1.3], [1.9]]); // 3.25 for the worked example
   * @throws {ShapeError} when X and Y do not match the network or each other.
   * @throws {ValueError} for a value that is not a finite number (or a target out of the loss's range).
   */
  loss(rawX: Rows, rawY: Labels, options?: SampleWeightOptions): number {
    const engine = this.live('loss');
    const X = this.encodeX('loss', rawX);
    const Y = this.encodeY('loss', rawY);
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
  gradient(rawX: Rows, rawY: Labels, options?: SampleWeightOptions): FloatArray {
    const engine = this.live('gradient');
    const X = this.encodeX('gradient', rawX);
    const Y = this.encodeY('gradient', rawY);
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
  step(rawX: Rows, rawY: Labels, options?: StepOptions): number {
    const engine = this.idle('step');
    const X = this.encodeX('step', rawX);
    const Y = this.encodeY('step', rawY);
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
    const X = this.encodeX('trace', rawX);
    const Y = this.encodeY('trace', rawY);
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
  fit<const M extends readonly Metric[] = []>(X: Rows, Y: Labels, options?: FitOptions<M>): FitHistory<M> {
    return this.whileFitting('fit', () => {
      const data = this.encodeFit('fit', X, Y, options as FitOptions | undefined);
      const { loop, options: o } = this.startFit('fit', data.X, data.Y, data.options);
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
    if (isWebGpuEngine(engine)) checkWebGpuFit('fitAsync', options, this.fitOptimizer('fitAsync', rawOptions.optimizer as FitOptions['optimizer']));
    const { X, Y, options: fitOptions } = this.encodeFit('fitAsync', rawX, rawY, rawOptions);
    if (checkBoolean('fitAsync', 'options.worker', worker)) return this.whileFitting('fitAsync', () => fitInWorker(this.fitAccess(), X, Y, fitOptions)) as unknown as Promise<FitHistory<M>>;
    return this.whileFitting('fitAsync', () => {
      const { loop, options: o } = this.startFit('fitAsync', X, Y, fitOptions, true);
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
    const engine = this.engine;
    if (!engine || !isWebGpuEngine(engine)) return this.predict(X as Rows);
    const input = this.architecture.input;
    const one = input ? isRawSample(X) : isSample(X);
    const rows = (one ? [X] : X) as Rows;
    const outputs = await predictOnWebGpu('predictAsync', engine, input ? encodeRows('predictAsync', 'X', input, rows) : rows as Matrix);
    return one ? (outputs as number[][])[0] : outputs;
  }

  /**
   * `evaluate` as a Promise, for every backend. On backend 'webgpu' the network's state is
   * read back from the GPU after each fitAsync epoch, so the loss and metrics are computed from
   * that copy on the CPU (the wasm build), the same numbers `evaluate` gives on backend 'wasm'.
   * @throws {ValueError} (as a rejected promise) for an unknown option or metric.
   * @throws {ShapeError} (as a rejected promise) when X and Y do not match the network or each other.
   */
  async evaluateAsync<const M extends readonly Metric[] = []>(rawX: Rows, rawY: Labels, options?: EvaluateOptions<M>): Promise<Evaluation<M>> {
    return this.evaluateAs('evaluateAsync', rawX, rawY, options);
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
    return this.whileFitting('fitDataset', () => fitDataset(this.datasetAccess(), dataset, options));
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
    return this.evaluateAs('evaluate', rawX, rawY, options);
  }

  /** `evaluate`, its errors named for the public call `fn`. */
  private evaluateAs<const M extends readonly Metric[]>(fn: string, rawX: Rows, rawY: Labels, options?: EvaluateOptions<M>): Evaluation<M> {
    const engine = this.live(fn);
    const X = this.encodeX(fn, rawX);
    const Y = this.encodeY(fn, rawY);
    const o = checkOptions(fn, 'options', options, true, EVALUATE_KEYS) as EvaluateOptions;
    const metrics = checkMetrics(fn, 'options.metrics', o.metrics, this.architecture);
    const rows = this.countRows(fn, X, Y);
    checkDatasetFits(fn, engine.layout, this.dtype, rows, EVALUATE_CHUNK_ROWS, 'data set');
    // Only the targets are converted up front; X goes chunk by chunk straight into the engine.
    const y = new (arrayType(this.dtype))(rows * engine.layout.outputSize);
    copyTargets(fn, 'Y', Y, this.architecture.loss, engine.layout.outputSize, y);
    const w = o.sampleWeight === undefined ? null : datasetWeights(fn, 'options.sampleWeight', o.sampleWeight, rows, arrayType(this.dtype));
    return evaluateChunks(engine, this.architecture, (start, n) => stageRows(fn, 'X', engine, X, start, n), y, rows, metrics, w) as unknown as Evaluation<M>;
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
    // Keys checked: a misspelt `quantize` would otherwise export the float32 graph without a word.
    const o = checkOptions('toOnnx', 'options', options, true, ONNX_KEYS) as OnnxOptions;
    const dtype = o.dtype === undefined ? undefined : checkChoice('toOnnx', 'options.dtype', o.dtype, DTYPES);
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) throw new ValueError(`toOnnx: options.name must be a non-empty string, got ${describe(o.name)}`);
    const quantize = o.quantize === undefined ? undefined : checkChoice('toOnnx', 'options.quantize', o.quantize, ['int8'] as const);
    if (quantize && dtype === 'float64') throw new ValueError("toOnnx: options.quantize 'int8' exports a float32 graph (the int8 model computes in float32); leave options.dtype out or pass 'float32'");
    return writeOnnx(this.architecture, engine.parameters(), { dtype, name: o.name, quantize }, {}, engine.runningStatistics());
  }

  /**
   * The network as plain JSON data; `MLP.fromJSON` restores it bit-exactly. With
   * `{ training: true }` it also carries the optimizer state and fit's counters, like `save()`.
   * @throws ValueError for an unknown option, or a network of more than 2^24 parameters (use `save()` or `toSafetensors()`).
   * @throws DisposedError after `dispose()`.
   */
  toJSON(options?: ToJSONOptions): ModelJSON {
    const engine = this.live('toJSON');
    // JSON.stringify(net) calls toJSON with a property name: only an options object counts.
    const o = typeof options === 'object' && options !== null ? checkOptions('toJSON', 'options', options, false, TO_JSON_KEYS) as ToJSONOptions : {};
    const training = o.training !== undefined && checkBoolean('toJSON', 'options.training', o.training);
    checkTextExport('toJSON', engine.layout.parameterCount);
    const { layers, activations, loss, lossOptions, dtype, dropout, normalization } = this.architecture;
    const state = captureState(this.holder('toJSON'));
    const running = runningOf(state);
    const json: ModelJSON = {
      format: 'wasm-mlp', version: 1, layers: [...layers], activations: [...activations], loss, ...(lossOptions && { lossOptions: { ...lossOptions } }), dtype, dropout: [...dropout],
      // Written only for networks that have them, so other networks' files stay as they were.
      ...(normalization.some((n) => n !== null) && { normalization: [...normalization] }),
      ...(running && { runningStatistics: Array.from(running.runningStatistics), batchesTracked: running.batchesTracked }),
      ...preprocessingToJSON(this.architecture),
      backend: engine.backend, parameters: Array.from(state.parameters), random: state.random, dropoutRandom: state.dropoutRandom,
    };
    if (training) json.training = trainingToJSON(state.optimizer, state.training);
    return json;
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
      check: (fn, X, Y, options) => void this.planFit(fn, X, Y, options),
      loop: (fn, X, Y, options) => this.startFit(fn, X, Y, options, true).loop,
      fitOptimizer: (fn, given) => this.fitOptimizer(fn, given),
      snapshot: () => this.snapshot(),
      restore: (state) => this.restore(state),
    };
  }

  /** For fitDataset: fit's epoch loop (with fitDataset's undo rule) over a stream's epochs, and each batch's staging. */
  private datasetAccess(): DatasetAccess {
    const fn = 'fitDataset';
    return {
      architecture: this.architecture,
      disposal: this.disposal.signal,
      stage: (X, Y, prefix, what) => this.stage(fn, this.encodeX(fn, X, prefix), this.encodeY(fn, Y, prefix), prefix, what),
      loop: (o, given, trainer) => {
        const engine = this.live(fn);
        const optimizer = this.fitOptimizer(fn, given);
        const baseRate = o.learningRate ?? optimizer.learningRate;
        const rates = planRates(fn, o, baseRate, this.training.epoch);
        const v = o.validationData;
        const validation = v && { ...v, X: this.encodeX(fn, v.X, 'options.validationData.'), Y: this.encodeY(fn, v.Y, 'options.validationData.') };
        const data = stageValidationOnly(fn, engine, this.architecture, validation);
        return fitEpochs(this.fitRun(fn, engine, data, o, optimizer, baseRate, { ...this.undo(), onError: true }, trainer), rates);
      },
    };
  }

  /** Raw rows through the network's input stage (X itself for a network without one). */
  private encodeX(fn: string, X: Rows, prefix = ''): Matrix {
    const input = this.architecture.input;
    return input ? encodeRows(fn, `${prefix}X`, input, X) : X as Matrix;
  }

  /** Class names as the targets the network trains on (other targets as they are). */
  private encodeY(fn: string, Y: Labels, prefix = ''): Targets {
    return encodeLabels(fn, prefix ? `${prefix}Y` : 'Y', this.architecture.classNames, this.architecture.loss, Y);
  }

  /** A fit's data and validation data through the input stage and label encoder, before any other check. */
  private encodeFit<O extends FitOptions | undefined>(fn: string, X: Rows, Y: Labels, options: O): { X: Matrix; Y: Targets; options: O } {
    const encoded = { X: this.encodeX(fn, X), Y: this.encodeY(fn, Y), options };
    const v = options?.validationData;
    const { input, classNames } = this.architecture;
    if (typeof v !== 'object' || v === null || (input === undefined && classNames === undefined)) return encoded;
    const validationData = { ...v, X: this.encodeX(fn, v.X, 'options.validationData.'), Y: this.encodeY(fn, v.Y, 'options.validationData.') };
    return { ...encoded, options: { ...options!, validationData } as O };
  }

  private live(fn: string): Engine {
    if (!this.engine) throw new DisposedError(`${fn}: this network was disposed; create or load a new one`);
    if (this.engine.backend === 'webgpu') refuseSyncOnWebGpu(fn);
    return this.engine;
  }

  /**
   * Checks X and Y of a training call (batch statistics), then copies them into the engine's
   * batch buffers, once. Nothing else changes. `prefix` goes before X's and Y's names in errors.
   */
  private stage(fn: string, X: Matrix, Y: Targets, prefix = '', what = 'the batch'): number {
    const engine = this.live(fn);
    const { outputSize } = engine.layout;
    const rows = this.countRows(fn, X, Y, prefix);
    checkBatchStatisticsRows(fn, engine.layout, rows, what);
    // A stream's batch ("batch 3 of epoch 1: ") is named in the size errors too.
    const place = prefix ? `${fn}: ${prefix.replace(/: $/, '')}` : fn;
    checkBatchFits(place, engine.layout, this.dtype, rows);
    reserveRows(place, engine, rows);
    // Names built only with a prefix: step stages on every call, and a template string allocates.
    stageRows(fn, prefix ? `${prefix}X` : 'X', engine, X, 0, rows);
    copyTargets(fn, prefix ? `${prefix}Y` : 'Y', Y, this.architecture.loss, outputSize, engine.targetBuffer(rows));
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
    const { engine, o, plan, optimizer, baseRate, rates, stratify } = this.planFit(fn, X, Y, options);
    // Last, once everything else is checked: X's rows go into the engine, checked as they are copied.
    // Raw validation rows and class names were encoded by the public call (encodeFit). A
    // stratified split, like a shuffled one, stages rows it picked (the same counts as the plain split).
    const { train, validation } = stageFitData(fn, engine, this.architecture, X, Y, { ...(o as FitDataOptions), validationShuffle: o.validationShuffle || stratify }, plan, () => {
      const data = this.toArrays(fn, X, Y, '', o.sampleWeight);
      return (stratify ? stratifiedSplit(fn, data, o.validationSplit!) : splitValidation(fn, data, o.validationSplit ?? 0, true)) as { train: Dataset; validation: Dataset };
    });
    const undo = asyncRun ? this.undo() : null;
    return { loop: fitEpochs(this.fitRun(fn, engine, { train, validation }, o, optimizer, baseRate, undo, rowsTrainer(engine)), rates, asyncRun), options: o };
  }

  /** What fit's epoch loop works on (src/training/fit.ts FitRun). */
  private fitRun(fn: string, engine: Engine, data: { train: StagedRows; validation: StagedRows | null }, o: CheckedFitOptions, optimizer: OptimizerConfig, baseRate: number, undo: FitRun['undo'], trainer: EpochTrainer): FitRun {
    return {
      engine, architecture: this.architecture, random: this.random, training: this.training, ...data, options: o, baseRate, optimizer, undo, trainer,
      checkLive: () => {
        if (!this.engine) throw disposedWhileTraining(fn);
      },
    };
  }

  /** Undoing an epoch: the whole network state, captured and applied (src/state/network-state.ts). */
  private undo(): NonNullable<FitRun['undo']> {
    // A network disposed while it trained has nothing to put back.
    return { snapshot: () => this.snapshot(), restore: (state: unknown) => void (this.engine && this.restore(state as NetworkState)) };
  }

  /** Checks everything a fit needs but X's and the validation data's values (see `startFit`), changing nothing. */
  private planFit(fn: string, X: Matrix, Y: Targets, options: FitOptions | undefined) {
    const engine = this.live(fn);
    const o = checkFitOptions(fn, options, this.architecture);
    const samples = this.countRows(fn, X, Y);
    checkDatasetFits(fn, engine.layout, this.dtype, samples, o.batchSize ?? Math.min(32, samples));
    const plan = planFitData(fn, this.architecture, engine.layout.inputSize, samples, o as FitDataOptions);
    const trainRows = plan.trainRows;
    if (options?.epochs === undefined) o.epochs = defaultEpochs(trainRows, o.batchSize);
    const batchSize = Math.min(o.batchSize ?? 32, trainRows);
    checkBatchStatisticsRows(fn, engine.layout, trainRows % batchSize === 1 ? 1 : batchSize,
      trainRows % batchSize === 1 ? `the last batch of each epoch (${trainRows} training rows in batches of ${batchSize})` : `each batch (options.batchSize ${batchSize})`);
    const stratify = checkStratify(fn, options?.stratify, o.validationSplit, o.validationShuffle, this.architecture);
    const optimizer = this.fitOptimizer(fn, options?.optimizer);
    const baseRate = o.learningRate ?? optimizer.learningRate;
    return { engine, o, plan, optimizer, baseRate, rates: planRates(fn, o, baseRate, this.training.epoch), stratify };
  }

  /**
   * The optimizer a fit trains with: the one it names, else the network's own — unless the
   * network has none of its own yet (never given one by setOptimizer, never trained by fit),
   * in which case fit's default, Adam at η = 0.01: plain SGD at 0.01 stays `step`'s default
   * (the worked example), but is too slow for fit's small-data habits (XOR in a few lines).
   */
  private fitOptimizer(fn: string, given: OptimizerOptions | OptimizerOptions['type'] | undefined): OptimizerConfig {
    if (given !== undefined) return resolveOptimizer(fn, given, 'options.optimizer');
    const current = this.live(fn).optimizer();
    const own = this.optimizerChosen || this.training.steps > 0 || !sameConfig(current, DEFAULT_OPTIMIZER);
    return own ? current : FIT_DEFAULT_OPTIMIZER;
  }

  /** Where this network keeps its state (src/state/network-state.ts). */
  private holder(fn: string): StateHolder {
    return { engine: this.live(fn), random: this.random, training: this.training };
  }

  /** The whole network state (what `save()` writes), for undoing a call and handing the network to a worker. */
  private snapshot(): NetworkState {
    return captureState(this.holder('fitAsync'));
  }

  /** Puts back a `snapshot()`. */
  private restore(state: NetworkState): void {
    applyState(this.holder('fitAsync'), state);
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

  /** Checks and copies a whole dataset, and its sample weights if given, into flat arrays of the network's dtype. */
  private toArrays(fn: string, X: Matrix, Y: Targets, prefix = '', sampleWeight?: unknown): Dataset {
    const { inputSize, outputSize } = this.layout;
    const rows = this.countRows(fn, X, Y, prefix);
    const Float = arrayType(this.architecture.dtype);
    const x = new Float(rows * inputSize);
    const y = new Float(rows * outputSize);
    copyRows(fn, `${prefix}X`, X, inputSize, x);
    copyTargets(fn, `${prefix}Y`, Y, this.architecture.loss, outputSize, y);
    const w = sampleWeight === undefined ? null : datasetWeights(fn, prefix ? `${prefix}sampleWeight` : 'options.sampleWeight', sampleWeight, rows, Float);
    return { x, y, rows, w };
  }
}

function createEngine(fn: string, architecture: Architecture, backend: Backend | 'auto', threads: ThreadsOption, gpu: unknown): Promise<Engine> | Engine {
  if (backend === 'wasm') return createThreadedEngine(architecture, threads);
  if (backend === 'auto') return createAutoEngine(fn, architecture, threads, gpu);
  if (backend === 'webgpu') return createWebGpuEngine(fn, architecture, threads, gpu);
  const engine = createJsEngine(architecture);
  return threads === 1 ? engine : { ...engine, threads: 1, threadsFallbackReason: 'the js backend runs on one thread' };
}

const STEP_KEYS = keysOf<StepOptions>({ learningRate: true, sampleWeight: true });
const ONNX_KEYS = keysOf<OnnxOptions>({ dtype: true, name: true, quantize: true });
const SAMPLE_WEIGHT_KEYS = keysOf<SampleWeightOptions>({ sampleWeight: true });
const EVALUATE_KEYS = keysOf<EvaluateOptions>({ metrics: true, sampleWeight: true });
const TO_JSON_KEYS = keysOf<ToJSONOptions>({ training: true });
const LOAD_KEYS = keysOf<LoadOptions>({ backend: true, threads: true, gpu: true });

/** What a loader's `options.backend` takes: a backend, or 'auto' as `MLP.create` takes it. */
const LOAD_BACKENDS = [...BACKENDS, 'auto'] as const;

/** Where a file loads without `options.backend`: the backend it was saved from, but a network saved on the GPU loads on 'wasm' (a GPU belongs to the machine, not the model: ask for 'webgpu' to get it back). */
function loadedOn(saved: Backend | undefined): Backend {
  return saved === undefined || saved === 'webgpu' ? 'wasm' : saved;
}
const SAFETENSORS_KEYS = [...LOAD_KEYS, ...keysOf<SafetensorsArchitecture>({ activations: true, loss: true })];
const FIT_ASYNC_KEYS = [...FIT_KEYS, 'worker'];

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

/** `engine.reserve`, its errors named as `inCall` names them, without a closure per call (step stages on every call). */
function reserveRows(fn: string, engine: Engine, rows: number): void {
  try {
    engine.reserve(rows);
  } catch (error) {
    inCall(fn, () => { throw error; });
  }
}
