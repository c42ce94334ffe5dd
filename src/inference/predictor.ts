import type { Engine } from '../engine.js';
import type { Architecture, DType, FloatArray } from '../options.js';
import type { Matrix } from '../data.js';
import { DisposedError, ValueError, describe } from '../errors.js';
import { readCheckpoint } from '../io/checkpoint.js';
import { sniffModel } from '../io/sniff.js';
import { checkModelJSON } from '../serialize.js';
import { readSafetensors, type SafetensorsArchitecture } from '../io/safetensors.js';
import { checkOptions } from '../validate.js';
import type { RunningState } from '../io/running.js';
import { createWasmEngine, type Kernels } from '../wasm/engine.js';
import { readBlocks } from '../wasm/blocks.js';
import { predictRows, predictRowsInto } from '../predict.js';
import { inferenceModule } from './loader.js';
import { checkClassifier, classNamesOf, classesOf, type ClassLabel } from '../predict-classes.js';

/** Options of `Predictor.load`: for safetensors files without wasm-mlp metadata, the architecture's missing parts. */
export type PredictorOptions = SafetensorsArchitecture;

/**
 * A trained network that only predicts: what an app ships when training happened elsewhere.
 * It runs the forward pass of the same kernels as `MLP` (a forward-only build of them), so its
 * outputs are bit-identical to `MLP.predict` with the same kernel variant.
 */
export class Predictor {
  private engine: Engine | null;
  /** The network's layers, activations, loss, dtype and dropout, as it was trained. */
  readonly architecture: Architecture;

  private constructor(engine: Engine, architecture: Architecture) {
    this.engine = engine;
    this.architecture = architecture;
  }

  /**
   * Loads a network from any model file the package writes, told apart by its first bytes: a
   * checkpoint (`net.save()`: only θ, the architecture and batch norm's running statistics are
   * used), a JSON model (`net.toJSON()`), a `wasm-mlp train` model, or safetensors
   * (`net.toSafetensors()`, or PyTorch `nn.Linear` weights with `options.activations`).
   * @throws {FormatError} when the bytes are damaged, or a file of another kind (ONNX, ZIP, CSV…: the message says which).
   * @throws {ValueError} when the bytes are neither a Uint8Array nor an ArrayBuffer.
   */
  static async load(bytes: Uint8Array | ArrayBuffer, options: PredictorOptions = {}): Promise<Predictor> {
    const o = checkOptions('Predictor.load', 'options', options, true) as PredictorOptions;
    if (!(bytes instanceof Uint8Array || bytes instanceof ArrayBuffer)) {
      throw new ValueError(`Predictor.load: bytes must be a Uint8Array or ArrayBuffer holding a model file (a checkpoint, JSON or safetensors), got ${describe(bytes)}`);
    }
    const { architecture, parameters, running } = readModel(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes, o);
    const engine = await createWasmEngine(architecture, await forwardOnlyHost(architecture.dtype));
    engine.parameters().set(parameters);
    // Batch norm predicts with its running statistics, as PyTorch's eval mode.
    if (running) engine.runningStatistics().set(running.runningStatistics);
    return new Predictor(engine, architecture);
  }

  get inputSize(): number { return this.architecture.layers[0]; }
  get outputSize(): number { return this.architecture.layers[this.architecture.layers.length - 1]; }
  get dtype(): DType { return this.architecture.dtype; }
  /** True after `dispose()`. */
  get disposed(): boolean { return this.engine === null; }

  /** Outputs for each row of X, in X's form (number[][] in, number[][] out; typed array in, same type out), as `MLP.predict`. */
  predict(X: readonly (readonly number[])[]): number[][];
  predict(X: Float32Array): Float32Array;
  predict(X: Float64Array): Float64Array;
  predict(X: Matrix): number[][] | FloatArray;
  predict(X: Matrix): number[][] | FloatArray {
    return predictRows('predict', this.live('predict'), this.dtype, X);
  }

  /**
   * The class of each row, as `MLP.predictClasses`: the largest output's index, or for one
   * sigmoid output 1 when p > 0.5; names when the network has class names.
   * @throws {ValueError} when the network is not a classifier (softmax, or one sigmoid output).
   */
  predictClasses(X: Matrix): ClassLabel[] {
    const engine = this.live('predictClasses');
    checkClassifier('predictClasses', this.architecture);
    return classesOf('predictClasses', predictRows('predictClasses', engine, this.dtype, X), this.outputSize, classNamesOf(this));
  }

  /** Writes the outputs (rows × outputs) into `out`, a Float32Array or Float64Array of that length, and returns it; allocates nothing. */
  predictInto<T extends FloatArray>(X: Matrix, out: T): T {
    return predictRowsInto('predictInto', this.live('predictInto'), this.dtype, X, out);
  }

  /** Frees the network's memory; later calls throw DisposedError. Safe to call twice. */
  dispose(): void {
    this.engine?.dispose();
    this.engine = null;
  }

  private live(fn: string): Engine {
    if (!this.engine) throw new DisposedError(`${fn}: this predictor was disposed; load a new one`);
    return this.engine;
  }
}

/** The network in any model file, by its kind (src/io/sniff.ts). */
function readModel(bytes: Uint8Array, options: PredictorOptions): { architecture: Architecture; parameters: FloatArray | readonly number[]; running: RunningState | null } {
  const file = sniffModel('Predictor.load', bytes);
  if (file.kind === 'safetensors') return readSafetensors('Predictor.load', file.bytes, options);
  if (file.kind === 'model-json') return checkModelJSON('Predictor.load', file.json);
  return readCheckpoint('Predictor.load', file.kind === 'cli-model' ? file.checkpoint : file.bytes);
}

/** A memory and the forward-only kernels: the engine calls nothing else on a network that only predicts. */
async function forwardOnlyHost(dtype: DType) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = await inferenceModule(dtype);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return { memory, kernels, blocks: readBlocks(module, instance.exports), arenaStart: kernels.heapBase(), control: 0 };
}
