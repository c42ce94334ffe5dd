/**
 * Activation of a layer's outputs, by PyTorch's equivalents: `relu` nn.ReLU, `leaky-relu`
 * nn.LeakyReLU(0.01), `gelu` nn.GELU() (exact, erf), `gelu-tanh` nn.GELU(approximate='tanh'),
 * `silu` nn.SiLU, `elu` nn.ELU(alpha=1), `selu` nn.SELU, `softplus` nn.Softplus(beta=1,
 * threshold=20), `mish` nn.Mish. `softmax` is for the output layer only.
 */
export type Activation =
  | 'linear' | 'relu' | 'leaky-relu' | 'sigmoid' | 'tanh' | 'softmax'
  | 'gelu' | 'gelu-tanh' | 'silu' | 'elu' | 'selu' | 'softplus' | 'mish';
/**
 * Training loss; each is the mean over the batch, as PyTorch's reduction='mean': `mse`
 * nn.MSELoss, `cross-entropy` nn.CrossEntropyLoss (softmax output), `binary-cross-entropy`
 * nn.BCEWithLogitsLoss (sigmoid output), `l1` nn.L1Loss, `huber` nn.HuberLoss(delta),
 * `smooth-l1` nn.SmoothL1Loss(beta).
 */
export type Loss = 'mse' | 'cross-entropy' | 'binary-cross-entropy' | 'l1' | 'huber' | 'smooth-l1';

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
/**
 * A normalization layer between a hidden layer's Linear and its activation: `layer-norm`
 * nn.LayerNorm(n) (over each row's units), `batch-norm` nn.BatchNorm1d(n) (over the batch's
 * rows, with running statistics for inference), both with eps 1e-5 and a learnt γ and β.
 */
export type Normalization = 'layer-norm' | 'batch-norm';
/** Element type of parameters and data inside the network. */
export type DType = 'float32' | 'float64';
/** Where the math runs: WebAssembly kernels, or the readable pure-TypeScript reference. */
export type Backend = 'wasm' | 'js';
/** Weight initialisation; biases always start at zero. */
export type Init = 'he-normal' | 'he-uniform' | 'glorot-normal' | 'glorot-uniform' | 'lecun-normal' | 'lecun-uniform';

/** A flat array of the network's dtype. */
export type FloatArray = Float32Array | Float64Array;

/** Codes shared with the AssemblyScript kernels (assembly/activations.ts, assembly/losses.ts). */
export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish'];
export const LOSSES: readonly Loss[] = ['mse', 'cross-entropy', 'binary-cross-entropy', 'l1', 'huber', 'smooth-l1'];
export const NORMALIZATIONS: readonly Normalization[] = ['layer-norm', 'batch-norm'];
export const DTYPES: readonly DType[] = ['float32', 'float64'];
export const BACKENDS: readonly Backend[] = ['wasm', 'js'];
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
  /** Default 'wasm'. */
  backend?: Backend;
  /**
   * Seed of the generator behind initialisation, shuffling and dropout (an integer 0 … 2³² − 1).
   * Default: a fresh one drawn from `crypto.getRandomValues`, so two networks start apart;
   * `net.seed` says which, so `MLP.create({ …, seed: net.seed })` repeats the run.
   */
  seed?: number;
  /** Weight initialisation. Default: 'he-uniform' before ReLU-like activations (relu, leaky-relu, gelu, gelu-tanh, silu, elu, softplus, mish), 'lecun-normal' before selu, else 'glorot-uniform'. */
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
}

/** The typed-array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float64' ? Float64Array : Float32Array;
}

/** The one number a loss's kernel takes: huber's δ or smooth-l1's β (default 1), else 0. */
export function lossParameter(arch: Architecture): number {
  if (arch.loss === 'huber') return arch.lossOptions?.delta ?? 1;
  if (arch.loss === 'smooth-l1') return arch.lossOptions?.beta ?? 1;
  return 0;
}
