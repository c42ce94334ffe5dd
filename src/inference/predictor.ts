import type { Engine } from '../engine.js';
import type { Architecture, DType, FloatArray } from '../options.js';
import type { Matrix } from '../data.js';
import { DisposedError, ValueError, describe } from '../errors.js';
import { CHECKPOINT_MAGIC, readCheckpoint } from '../io/checkpoint.js';
import { readSafetensors, type SafetensorsArchitecture } from '../io/safetensors.js';
import { checkOptions, keysOf } from '../validate.js';
import type { RunningState } from '../io/running.js';
import { createWasmEngine, type Kernels } from '../wasm/engine.js';
import { readBlocks } from '../wasm/blocks.js';
import { predictRows, predictRowsInto } from '../predict.js';
import { inferenceModule } from './loader.js';
import { isArrayBuffer, isUint8Array } from '../typed-arrays.js';

/** Options of `Predictor.load`: for safetensors files without wasm-mlp metadata, the architecture's missing parts. */
export type PredictorOptions = SafetensorsArchitecture;
const PREDICTOR_KEYS = keysOf<PredictorOptions>({ activations: true, loss: true });

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
   * Loads a network from what `net.save()` writes (a checkpoint: only θ and the architecture
   * and batch norm's running statistics are used) or from safetensors bytes (`net.toSafetensors()`,
   * or PyTorch `nn.Linear` weights with `options.activations`).
   */
  static async load(bytes: Uint8Array | ArrayBuffer, options: PredictorOptions = {}): Promise<Predictor> {
    const o = checkOptions('Predictor.load', 'options', options, true, PREDICTOR_KEYS) as PredictorOptions;
    if (!(isUint8Array(bytes) || isArrayBuffer(bytes))) {
      throw new ValueError(`Predictor.load: bytes must be a Uint8Array or ArrayBuffer holding a checkpoint (net.save()) or safetensors file, got ${describe(bytes)}`);
    }
    const { architecture, parameters, running } = readModel(isArrayBuffer(bytes) ? new Uint8Array(bytes) : bytes, o);
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
  predict(X: Matrix): number[][] | FloatArray {
    return predictRows('predict', this.live('predict'), this.dtype, X);
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

/** A checkpoint is recognised by its magic; anything else is read as safetensors. */
function readModel(bytes: Uint8Array, options: PredictorOptions): { architecture: Architecture; parameters: FloatArray; running: RunningState | null } {
  const magic = new TextDecoder().decode(bytes.subarray(0, CHECKPOINT_MAGIC.length));
  return magic === CHECKPOINT_MAGIC ? readCheckpoint('Predictor.load', bytes) : readSafetensors('Predictor.load', bytes, options);
}

/** A memory and the forward-only kernels: the engine calls nothing else on a network that only predicts. */
async function forwardOnlyHost(dtype: DType) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const module = await inferenceModule(dtype);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  return { memory, kernels, blocks: readBlocks(module, instance.exports), arenaStart: kernels.heapBase(), control: 0 };
}
