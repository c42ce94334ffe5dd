import type { InputSpec, InputStage } from '../preprocessing/stage.js';
import type { Activation } from '../registry/activations.js';

export type { Activation } from '../registry/activations.js';
export { ACTIVATIONS } from '../registry/activations.js';
import type { Loss } from '../registry/losses.js';
import { lossRecord } from '../registry/losses.js';
import type { Normalization } from '../registry/normalizations.js';

export type { Loss } from '../registry/losses.js';
export { LOSSES } from '../registry/losses.js';
export type { Normalization } from '../registry/normalizations.js';
export { NORMALIZATIONS } from '../registry/normalizations.js';

/** Parameters of a loss. */
export interface LossOptions {
  /** `huber`'s δ: quadratic within ±δ, linear beyond (nn.HuberLoss's delta). Default 1. */
  delta?: number;
  /** `smooth-l1`'s β: quadratic within ±β, linear beyond (nn.SmoothL1Loss's beta). Default 1. */
  beta?: number;
  /**
   * `cross-entropy`: one positive weight per class, as nn.CrossEntropyLoss(weight=…). A batch of
   * one-hot targets averages over the sum of its rows' class weights, as torch with class
   * indices; a soft (non-one-hot) target row counts 1, as torch with probability targets.
   */
  classWeights?: readonly number[];
  /** `binary-cross-entropy`: one positive weight per output for its positive targets, as nn.BCEWithLogitsLoss(pos_weight=…). */
  posWeight?: readonly number[];
  /** `cross-entropy`: ε in [0, 1); targets become (1 − ε)·y + ε/classes, as nn.CrossEntropyLoss(label_smoothing=…). Default 0. */
  labelSmoothing?: number;
}
/** Element type of parameters and data inside the network. */
export type DType = 'float32' | 'float64';
/** Where the math runs: WebAssembly kernels, or the readable pure-TypeScript reference. */
export type Backend = 'wasm' | 'js' | 'webgpu';
/** Weight initialisation; biases always start at zero. */
export type Init = 'he-normal' | 'he-uniform' | 'glorot-normal' | 'glorot-uniform' | 'lecun-normal' | 'lecun-uniform';

export type { FloatArray } from '../core/typed-arrays.js';

export const DTYPES: readonly DType[] = ['float32', 'float64'];
export const BACKENDS: readonly Backend[] = ['wasm', 'js', 'webgpu'];
export const INITS: readonly Init[] = ['he-normal', 'he-uniform', 'glorot-normal', 'glorot-uniform', 'lecun-normal', 'lecun-uniform'];

/** Options of `MLP.create`. */
export interface CreateOptions {
  /** Layer sizes: inputs, hidden sizes…, outputs. At least two entries. */
  layers: readonly number[];
  /** One activation per weight layer (layers.length − 1 of them). */
  activations: readonly Activation[];
  /** Loss minimised by training. Default 'mse'. */
  loss?: Loss;
  /** The loss's parameters: `delta` for 'huber', `beta` for 'smooth-l1'. */
  lossOptions?: LossOptions;
  /** Default 'float32'. */
  dtype?: DType;
  /**
   * Where the math runs: 'wasm' (default), 'js' (the plain TypeScript reference), or 'webgpu'
   * (training and inference on the GPU, float32; a WebGPU network trains with `fitAsync` and
   * predicts with `predictAsync`; see the guide "WebGPU"), or 'auto': 'webgpu' where a short
   * calibration on first use (cached per adapter and network shape) measured it faster than
   * 'wasm', else 'wasm' (`net.backendFallbackReason` says why).
   */
  backend?: Backend | 'auto';
  /**
   * backend 'webgpu': the GPU to use, as a GPU (`navigator.gpu`, or in Node the `webgpu`
   * package's `create([])`), a GPUAdapter, or a GPUDevice the application already uses.
   * Default: `navigator.gpu`. Networks given the same object share one device.
   */
  gpu?: object;
  /**
   * Seed of the generator behind initialisation, shuffling and dropout (an integer 0 … 2³² − 1).
   * Default: a fresh one drawn from `crypto.getRandomValues`, so two networks start apart;
   * `net.seed` says which, so `MLP.create({ …, seed: net.seed })` repeats the run.
   */
  seed?: number;
  /** Weight initialisation. Default: each activation's own (its record's): 'he-uniform' before ReLU-like activations (relu, leaky-relu, gelu, gelu-tanh, silu, elu, softplus, mish, hardswish), 'lecun-normal' before selu, else 'glorot-uniform'. */
  init?: Init;
  /** Threads for training and inference (wasm backend): a count or 'auto' (every core). Default 1. */
  threads?: number | 'auto';
  /**
   * Inverted dropout on hidden layers' outputs while training (`step`, `fit`), never in
   * `predict`/`loss`/`gradient`: one rate in [0, 1) for every hidden layer, or one per hidden
   * layer (layers.length − 2 of them). Default 0 (off).
   */
  dropout?: number | readonly number[];
  /**
   * A normalization per hidden layer (layers.length − 2 entries, `null` for none), applied
   * Linear → normalization → activation. Default none.
   */
  normalization?: readonly (Normalization | null)[];
  /**
   * The network's input stage (`adaptInput`'s result): raw rows of numbers and text go in, each
   * column standardized, min-max scaled, one-hot or ordinal encoded before the first layer;
   * layers[0] is its `width`. See docs "Preprocessing". Default none: rows go in as they are.
   */
  input?: InputStage | InputSpec;
  /** Class names, one per softmax output (or two for one sigmoid output): fit takes them as labels. Default none. */
  classNames?: readonly string[];
}

/** A network's fixed architecture, after validation. */
export interface Architecture {
  readonly layers: readonly number[];
  readonly activations: readonly Activation[];
  readonly loss: Loss;
  /** The loss's parameters as given (only those of its loss; absent when none was given). */
  readonly lossOptions?: Readonly<LossOptions>;
  readonly dtype: DType;
  /** Dropout rate of each hidden layer's output (layers.length − 2 entries; 0 = none). */
  readonly dropout: readonly number[];
  /** Normalization of each hidden layer (layers.length − 2 entries; null = none). */
  readonly normalization: readonly (Normalization | null)[];
  /** The input stage applied to raw rows before the first layer (absent: none). */
  readonly input?: InputStage;
  /** The classifier's class names (absent: none). */
  readonly classNames?: readonly string[];
}

/** The typed-array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float64' ? Float64Array : Float32Array;
}

/** The one number a loss's kernel takes (its record's parameter: huber's δ or smooth-l1's β, default 1), else 0. */
export function lossParameter(arch: Architecture): number {
  const parameter = lossRecord(arch.loss).parameter;
  return parameter ? arch.lossOptions?.[parameter.option] ?? parameter.fallback : 0;
}
