import type { Architecture, DType, FloatArray } from '../model/options.js';
import type { Matrix } from '../model/data.js';
import { DisposedError, ValueError, describe } from '../core/errors.js';
import { readCheckpoint } from '../io/checkpoint.js';
import { sniffModel } from '../io/sniff.js';
import type { SafetensorsArchitecture } from '../io/safetensors.js';
import { checkOptions, keysOf } from '../core/validate.js';
import type { RunningState } from '../io/running.js';
import type { Kernels } from '../wasm/engine.js';
import { createForwardEngine } from './forward-engine.js';
import { readBlocks } from '../wasm/blocks.js';
import { predictRows, predictRowsInto } from '../engine/predict.js';
import { inferenceModule } from '../wasm/inference-loader.js';
import type { RawRows } from '../preprocessing/rows.js';
import type { ForwardEngine } from '../engine/predict.js';
import { isQuantizedFile } from '../quantize/detect.js';
import type { QuantizationInfo } from '../quantize/load.js';
import { checkClassifier, classNamesOf, classesOf, type ClassLabel } from '../model/predict-classes.js';
import { isArrayBuffer, isUint8Array } from '../core/typed-arrays.js';

/** Options of `Predictor.load`: for safetensors files without wasm-mlp metadata, the architecture's missing parts. */
export type PredictorOptions = SafetensorsArchitecture;
const PREDICTOR_KEYS = keysOf<PredictorOptions>({ activations: true, loss: true });

/**
 * A trained network that only predicts: what an app ships when training happened elsewhere.
 * It runs the forward pass of the same kernels as `MLP` (a forward-only build of them), so its
 * outputs are bit-identical to `MLP.predict` with the same kernel variant. A quantized model
 * (`net.quantize()`) runs its own int8 kernels, or decoded float32 weights (see `quantization`).
 */
export class Predictor {
  private engine: ForwardEngine | null;
  /** The network's layers, activations, loss, dtype and dropout, as it was trained. */
  readonly architecture: Architecture;
  /** For a model from `net.quantize()`: its weight and activation formats and the int8 kernel in use; else null. */
  readonly quantization: QuantizationInfo | null;

  /** An input stage's raw-row predict, loaded with a network that has one (most pages load none). */
  private readonly raw: RawPredict | null;

  private constructor(engine: ForwardEngine, architecture: Architecture, quantization: QuantizationInfo | null, raw: RawPredict | null) {
    this.engine = engine;
    this.architecture = architecture;
    this.quantization = quantization;
    this.raw = raw;
  }

  /**
   * Loads a network from any model file the package writes, told apart by its first bytes: a
   * checkpoint (`net.save()`: only θ, the architecture and batch norm's running statistics are
   * used), a JSON model (`net.toJSON()`), a `wasm-mlp train` model, safetensors
   * (`net.toSafetensors()`, or PyTorch `nn.Linear` weights with `options.activations`), or a
   * quantized model (`net.quantize()`: int8 runs integer kernels, float16 is decoded to float32;
   * see `quantization`).
   * @throws FormatError (as a rejected Promise) when the bytes are damaged, or a file of another kind (ONNX, ZIP, CSV…: the message says which).
   * @throws ValueError (as a rejected Promise) when the bytes are neither a Uint8Array nor an ArrayBuffer, or for a bad option.
   */
  static async load(bytes: Uint8Array | ArrayBuffer, options: PredictorOptions = {}): Promise<Predictor> {
    const o = checkOptions('Predictor.load', 'options', options, true, PREDICTOR_KEYS) as PredictorOptions;
    if (!(isUint8Array(bytes) || isArrayBuffer(bytes))) {
      throw new ValueError(`Predictor.load: bytes must be a Uint8Array or ArrayBuffer holding a model file (a checkpoint, JSON or safetensors), got ${describe(bytes)}`);
    }
    const input = isArrayBuffer(bytes) ? new Uint8Array(bytes) : bytes;
    // A quantized model (net.quantize()) runs int8 on its own engine, or as decoded float32 θ.
    // Its reader and int8 engine are imported only for such a file, so a float32 page does not ship them.
    const quantized = isQuantizedFile(input) ? await (await import('../quantize/load.js')).loadQuantized('Predictor.load', input) : null;
    if (quantized?.engine) return new Predictor(quantized.engine, quantized.architecture, quantized.info, await rawPredict(quantized.architecture));
    const { architecture, parameters, running } = quantized ?? (await readModel(input, o));
    const engine = createForwardEngine(architecture, await forwardOnlyHost(architecture.dtype));
    engine.parameters().set(parameters);
    // Batch norm predicts with its running statistics, as PyTorch's eval mode.
    if (running) engine.runningStatistics().set(running.runningStatistics);
    return new Predictor(engine, architecture, quantized?.info ?? null, await rawPredict(architecture));
  }

  /** Values per row the network's first layer takes (with an input stage: its encoded width). */
  get inputSize(): number { return this.architecture.layers[0]; }
  /** The class name of each output, or null for a network without them. */
  get classNames(): readonly string[] | null { return this.architecture.classNames ? [...this.architecture.classNames] : null; }
  /** Values per output row: the network's last layer size. */
  get outputSize(): number { return this.architecture.layers[this.architecture.layers.length - 1]; }
  /** The element type of the parameters and of the outputs `predict` returns for `number[][]` input. */
  get dtype(): DType { return this.architecture.dtype; }
  /** True after `dispose()`. */
  get disposed(): boolean { return this.engine === null; }

  /**
   * Outputs for each row of X, in X's form (number[][] in, number[][] out; typed array in, same
   * type out), as `MLP.predict`; raw rows (numbers and text) for a network with an input stage.
   * @throws ShapeError when a row of X has the wrong width.
   * @throws ValueError when X holds a non-finite value (or, with an input stage, an unknown category).
   * @throws DisposedError after `dispose()`.
   */
  predict(X: readonly (readonly number[])[]): number[][];
  predict(X: Float32Array): Float32Array;
  predict(X: Float64Array): Float64Array;
  predict(X: Matrix | RawRows): number[][] | FloatArray;
  predict(X: Matrix | RawRows): number[][] | FloatArray {
    const engine = this.live('predict');
    const input = this.architecture.input;
    if (input) return this.raw!.predictRaw('predict', engine, this.dtype, input, X) as number[][] | FloatArray;
    return predictRows('predict', engine, this.dtype, X as Matrix);
  }

  /**
   * The class of each row, as `MLP.predictClasses`: the largest output's index, or for one
   * sigmoid output 1 when p > 0.5; names when the network has class names.
   * @throws ValueError when the network is not a classifier (softmax, or one sigmoid output), or as `predict` does.
   * @throws ShapeError as `predict` does.
   * @throws DisposedError after `dispose()`.
   */
  predictClasses(X: Matrix | RawRows): ClassLabel[] {
    this.live('predictClasses');
    checkClassifier('predictClasses', this.architecture);
    const input = this.architecture.input;
    const outputs = input ? this.raw!.predictRaw('predictClasses', this.engine!, this.dtype, input, X) : predictRows('predictClasses', this.engine!, this.dtype, X as Matrix);
    return classesOf('predictClasses', outputs as number[][] | FloatArray, this.outputSize, classNamesOf(this));
  }

  /**
   * Writes the outputs (rows × outputs) into `out`, a Float32Array or Float64Array of that length, and returns it; allocates nothing.
   * @throws ShapeError when a row of X has the wrong width or `out` the wrong length.
   * @throws ValueError when X holds a non-finite value or `out` is not a Float32Array or Float64Array.
   * @throws DisposedError after `dispose()`.
   */
  predictInto<T extends FloatArray>(X: Matrix | RawRows, out: T): T {
    const engine = this.live('predictInto');
    const input = this.architecture.input;
    if (input) return this.raw!.predictRawInto('predictInto', engine, this.dtype, input, X, out);
    return predictRowsInto('predictInto', engine, this.dtype, X as Matrix, out);
  }

  /**
   * Frees the network's memory; later calls throw DisposedError. Safe to call twice.
   * @throws Nothing: it is safe to call twice.
   */
  dispose(): void {
    this.engine?.dispose();
    this.engine = null;
  }

  private live(fn: string): ForwardEngine {
    if (!this.engine) throw new DisposedError(`${fn}: this predictor was disposed; load a new one`);
    return this.engine;
  }
}

/**
 * The network in any model file, by its kind (src/io/sniff.ts). The checkpoint reader, for the
 * common file, comes with the page; the safetensors and JSON readers are imported for a file of their kind.
 */
async function readModel(bytes: Uint8Array, options: PredictorOptions): Promise<{ architecture: Architecture; parameters: FloatArray | readonly number[]; running: RunningState | null }> {
  const file = sniffModel('Predictor.load', bytes);
  if (file.kind === 'safetensors') return (await import('./readers.js')).readSafetensors('Predictor.load', file.bytes, options);
  if (file.kind === 'model-json') return (await import('./readers.js')).checkModelJSON('Predictor.load', file.json);
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

type RawPredict = typeof import('../engine/predict-raw.js');

/** The raw-row predict of a network with an input stage, imported for it alone; null without one. */
async function rawPredict(architecture: Architecture): Promise<RawPredict | null> {
  return architecture.input ? import('../engine/predict-raw.js') : null;
}
