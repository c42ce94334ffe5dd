import type { Engine } from './engine.js';
import type { Activation, Architecture, Backend, CreateOptions, DType, FloatArray, Loss } from './options.js';
import { BACKENDS, arrayType } from './options.js';
import { DisposedError, ShapeError, ValueError, describe } from './errors.js';
import { checkChoice, checkCreateOptions, checkNumber, checkOptions } from './validate.js';
import { countRows, countTargetRows, copyRows, copyTargets, type Matrix, type Targets } from './data.js';
import { createJsEngine } from './js/engine.js';
import { createThreadedEngine } from './wasm/shared-engine.js';
import { checkThreads, type ThreadsOption } from './threads/support.js';
import { Random } from './random.js';
import { initialise } from './init.js';
import { traceBatch, type Trace } from './trace.js';
import { checkFitOptions, runFit, type FitHistory, type FitOptions } from './fit.js';
import { checkModelJSON, type ModelJSON } from './serialize.js';
import type { ParameterLayout } from './layout.js';
import { resolveOptimizer, type OptimizerConfig, type OptimizerOptions } from './optimizers.js';

/** Options of a single training step. */
export interface StepOptions {
  /** The optimizer's learning rate for this step only. Default: the optimizer's own (0.01 for the default SGD). */
  learningRate?: number;
}

/** Options of `MLP.fromJSON`. */
export interface LoadOptions {
  backend?: Backend;
  /** As in `MLP.create`. Default 1. */
  threads?: ThreadsOption;
}

/** A multilayer perceptron: dense layers trained by backpropagation, in WebAssembly or pure TypeScript. */
export class MLP {
  private engine: Engine | null;
  private readonly random: Random;
  /** Fixed architecture of this network. */
  readonly architecture: Architecture;

  private constructor(engine: Engine, architecture: Architecture, random: Random) {
    this.engine = engine;
    this.architecture = architecture;
    this.random = random;
  }

  /** Builds a network with seeded initial weights (biases zero). */
  static async create(options: CreateOptions): Promise<MLP> {
    const { architecture, backend, seed, init } = checkCreateOptions('MLP.create', options);
    const threads = checkThreads('MLP.create', options.threads);
    const random = new Random(seed);
    const net = new MLP(await createEngine(architecture, backend, threads), architecture, random);
    initialise(net.live('MLP.create').parameters(), net.layout, random, init);
    net.live('MLP.create').setDropoutRandomState(dropoutStream(seed));
    return net;
  }

  /** Rebuilds a network from `toJSON()` output (object or JSON text). */
  static async fromJSON(json: ModelJSON | string, options: LoadOptions = {}): Promise<MLP> {
    const { architecture, parameters, random, dropoutRandom } = checkModelJSON('MLP.fromJSON', json);
    const backend = options.backend === undefined ? 'wasm' : checkChoice('MLP.fromJSON', 'options.backend', options.backend, BACKENDS);
    const threads = checkThreads('MLP.fromJSON', options.threads);
    const generator = new Random();
    generator.setState(random);
    const net = new MLP(await createEngine(architecture, backend, threads), architecture, generator);
    net.live('MLP.fromJSON').parameters().set(parameters);
    if (dropoutRandom) net.live('MLP.fromJSON').setDropoutRandomState(dropoutRandom);
    return net;
  }

  get layers(): readonly number[] { return this.architecture.layers; }
  get activations(): readonly Activation[] { return this.architecture.activations; }
  get lossName(): Loss { return this.architecture.loss; }
  get dtype(): DType { return this.architecture.dtype; }
  /** Where the math runs. */
  get backend(): Backend { return this.live('backend').backend; }
  /** Length of θ. */
  get parameterCount(): number { return this.layout.parameterCount; }
  /** Where each layer's weights and bias sit in θ. */
  get layout(): ParameterLayout { return this.live('layout').layout; }
  /** True after `dispose()`. */
  get disposed(): boolean { return this.engine === null; }
  /** Threads training and inference may use (small batches use fewer; see README "Multi-core training"). */
  get threads(): number { return this.live('threads').threads ?? 1; }
  /** Why the network runs on one thread although more were asked for, or null. */
  get threadsFallbackReason(): string | null { return this.live('threadsFallbackReason').threadsFallbackReason ?? null; }

  /** Replaces θ: per layer, the weight matrix row-major (outputs × inputs), then the bias. */
  setParameters(theta: ArrayLike<number>): void {
    const engine = this.live('setParameters');
    const count = engine.layout.parameterCount;
    if (!isNumberArray(theta)) throw new ValueError(`setParameters: theta must be an array or typed array of ${count} numbers, got ${describe(theta)}`);
    if (theta.length !== count) throw new ShapeError(`setParameters: theta has ${theta.length} values, expected ${count} (the network's parameter count)`);
    for (let i = 0; i < count; i++) {
      const v = theta[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError(`setParameters: theta[${i}] must be a finite number, got ${describe(v)}`);
    }
    engine.parameters().set(theta);
  }

  /** A copy of θ, in the network's dtype. */
  getParameters(): FloatArray {
    return this.live('getParameters').parameters().slice();
  }

  /** Outputs for each row of X, in X's form (number[][] in, number[][] out; typed array in, same type out). */
  predict(X: Matrix): number[][] | FloatArray {
    const engine = this.live('predict');
    const rows = this.stage('predict', X, null);
    engine.forward(rows);
    const out = engine.activation(engine.layout.layers.length - 1, rows);
    const width = engine.layout.outputSize;
    if (X instanceof Float32Array || X instanceof Float64Array) return new (X.constructor as typeof Float64Array)(out);
    return Array.from({ length: rows }, (_, i) => Array.from(out.subarray(i * width, (i + 1) * width)));
  }

  /** Mean loss of the network on (X, Y). Changes nothing. */
  loss(X: Matrix, Y: Targets): number {
    const engine = this.live('loss');
    const rows = this.stage('loss', X, Y);
    engine.forward(rows);
    return engine.loss(rows);
  }

  /** ∇θ L on (X, Y): the exact gradient of the mean loss, in θ's order. Changes nothing. */
  gradient(X: Matrix, Y: Targets): FloatArray {
    const engine = this.live('gradient');
    const rows = this.stage('gradient', X, Y);
    engine.forward(rows);
    engine.backward(rows);
    return engine.gradient().slice();
  }

  /**
   * One step of the network's optimizer on L(X, Y) (plain SGD θ ← θ − η·∇θ unless
   * `setOptimizer` chose another), with dropout active. Returns the loss before the step.
   */
  step(X: Matrix, Y: Targets, options?: StepOptions): number {
    const engine = this.live('step');
    const learningRate = readLearningRate('step', options) ?? engine.optimizer().learningRate;
    const rows = this.stage('step', X, Y);
    return engine.step(rows, learningRate);
  }

  /**
   * Chooses the optimizer `step` and `fit` use, as torch.optim computes it, with fresh state.
   * Omitted options take PyTorch's defaults; `clipNorm`/`clipValue` clip ∇θ before each update.
   */
  setOptimizer(options: OptimizerOptions): void {
    const engine = this.live('setOptimizer');
    engine.setOptimizer(resolveOptimizer('setOptimizer', options, 'options'));
  }

  /** The optimizer in use with every option resolved (plain SGD, η = 0.01, until one is set). */
  get optimizer(): OptimizerConfig {
    return { ...this.live('optimizer').optimizer() };
  }

  /** Clears the optimizer's state (moments, step count) and keeps its configuration. */
  resetOptimizer(): void {
    this.live('resetOptimizer').resetOptimizer();
  }

  /** Every intermediate value of the forward and backward pass, per sample and for the batch. Changes nothing. */
  trace(X: Matrix, Y: Targets): Trace {
    const engine = this.live('trace');
    const rows = this.stage('trace', X, Y);
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

  /** Mini-batch SGD over (X, Y). The data is copied into the engine once; each epoch is one engine call. */
  fit(X: Matrix, Y: Targets, options?: FitOptions): FitHistory {
    const engine = this.live('fit');
    const checked = checkFitOptions('fit', options);
    const { x, y, rows } = this.toArrays('fit', X, Y);
    return runFit(engine, this.random, x, y, rows, checked);
  }

  /** The network as plain JSON data; `MLP.fromJSON` restores it bit-exactly. */
  toJSON(): ModelJSON {
    const engine = this.live('toJSON');
    const { layers, activations, loss, dtype, dropout } = this.architecture;
    return { format: 'wasm-mlp', version: 1, layers: [...layers], activations: [...activations], loss, dtype, dropout: [...dropout], parameters: Array.from(engine.parameters()), random: this.random.getState(), dropoutRandom: engine.dropoutRandomState() };
  }

  /** Frees the network's memory. Any later call throws DisposedError. Safe to call twice. */
  dispose(): void {
    this.engine?.dispose();
    this.engine = null;
  }

  private live(fn: string): Engine {
    if (!this.engine) throw new DisposedError(`${fn}: this network was disposed; create or load a new one`);
    return this.engine;
  }

  /** Checks X (and Y, unless null), then copies them into the engine's batch buffers. Nothing else changes. */
  private stage(fn: string, X: Matrix, Y: Targets | null): number {
    const engine = this.live(fn);
    const { inputSize, outputSize } = engine.layout;
    const rows = Y === null ? countRows(fn, 'X', X, inputSize, "the network's input size") : this.countRows(fn, X, Y);
    engine.reserve(rows);
    copyRows(fn, 'X', X, inputSize, engine.inputBuffer(rows));
    if (Y !== null) copyTargets(fn, 'Y', Y, this.architecture.loss, outputSize, engine.targetBuffer(rows));
    return rows;
  }

  /** Rows of X, after checking that Y has as many. */
  private countRows(fn: string, X: Matrix, Y: Targets): number {
    const { inputSize, outputSize } = this.layout;
    const rows = countRows(fn, 'X', X, inputSize, "the network's input size");
    const targetRows = countTargetRows(fn, 'Y', Y, this.architecture.loss, outputSize);
    if (targetRows !== rows) throw new ShapeError(`${fn}: Y has ${targetRows} rows, expected ${rows} (one per row of X)`);
    return rows;
  }

  /** Checks and converts a whole dataset to flat arrays of the network's dtype. */
  private toArrays(fn: string, X: Matrix, Y: Targets): { x: FloatArray; y: FloatArray; rows: number } {
    const { inputSize, outputSize } = this.layout;
    const rows = this.countRows(fn, X, Y);
    const Float = arrayType(this.architecture.dtype);
    const x = new Float(rows * inputSize);
    const y = new Float(rows * outputSize);
    copyRows(fn, 'X', X, inputSize, x);
    copyTargets(fn, 'Y', Y, this.architecture.loss, outputSize, y);
    return { x, y, rows };
  }
}

function createEngine(architecture: Architecture, backend: Backend, threads: ThreadsOption): Promise<Engine> | Engine {
  if (backend === 'wasm') return createThreadedEngine(architecture, threads);
  const engine = createJsEngine(architecture);
  return threads === 1 ? engine : { ...engine, threads: 1, threadsFallbackReason: 'the js backend runs on one thread' };
}

function readLearningRate(fn: string, options: StepOptions | undefined): number | undefined {
  const o = checkOptions(fn, 'options', options, true) as StepOptions;
  return o.learningRate === undefined ? undefined : checkNumber(fn, 'options.learningRate', o.learningRate, { min: 0 });
}

/** The dropout generator's start: its own stream, so dropout never shifts initialisation or shuffling. */
function dropoutStream(seed: number): number[] {
  return new Random(seed).getState().map((word) => (word ^ 0x9e3779b9) >>> 0);
}

function isNumberArray(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}
