import type { Backend, FloatArray } from '../model/options.js';
import type { ParameterLayout } from '../model/layout.js';
import type { Divergence } from '../core/errors.js';

/** A dataset's rows in an engine: inputs (rows × inputSize), targets (rows × outputSize), and sample weights if it has them. */
export interface DatasetViews {
  x: FloatArray;
  y: FloatArray;
  w: FloatArray | undefined;
}

/** `setDataset` for any engine: `allocateDataset`, then one copy of each array into its views. */
export function fillDataset(engine: Engine, x: FloatArray, y: FloatArray, count: number, weights: FloatArray | undefined, heldOut = 0): void {
  const rows = count + heldOut;
  const views = engine.allocateDataset(count, weights !== undefined, heldOut);
  views.x.set(x.subarray(0, rows * engine.layout.inputSize));
  views.y.set(y.subarray(0, rows * engine.layout.outputSize));
  if (weights) views.w!.set(weights.subarray(0, rows));
}

/** Where the last `step` or epoch met a non-finite value; that step was not applied. */
export type StepFailure = Pick<Divergence, 'step' | 'layer' | 'phase'>;
import type { Random } from '../core/random.js';
import type { ThreadsOption } from '../threads/support.js';
import type { OptimizerConfig, OptimizerState } from '../registry/optimizers.js';

/**
 * What a backend computes. The `MLP` class validates and converts every argument before it
 * reaches an engine, so engines do math only. Views an engine returns are valid until its
 * next call that may allocate (`reserve`, `setDataset`): read them again after.
 */
export interface Engine {
  readonly backend: Backend;
  readonly layout: ParameterLayout;
  /** θ, live. */
  parameters(): FloatArray;
  /** ∇θ of the last `backward`, live. */
  gradient(): FloatArray;
  /** Ensures buffers for batches of up to `rows` samples. */
  reserve(rows: number): void;
  /** Staging buffer for `rows` input rows (rows × inputSize). */
  inputBuffer(rows: number): FloatArray;
  /** Staging buffer for `rows` target rows (rows × outputSize). */
  targetBuffer(rows: number): FloatArray;
  /** Staging buffer for `rows` sample weights, one per row: read while sample weighting is on. */
  weightBuffer(rows: number): FloatArray;
  /**
   * Whether `loss`, `backward` and `step` weight the staged rows by `weightBuffer`, and the
   * dataset calls by the dataset's weights. Off until switched on.
   */
  setSampleWeighting(on: boolean): void;
  /** Σ of the loss's row weights of the staged batch (src/js/weighting.ts lossWeight): `rows` when nothing is weighted. */
  lossWeight(rows: number): number;
  /** Σ of the batches' loss weights behind the last `trainBatches` total. */
  batchesWeight(): number;
  /** The last layer's activations for `rows` samples (the network's outputs after `forward`). */
  outputBuffer(rows: number): FloatArray;
  /** Index of the first NaN or ±Infinity in the staged input of `rows` samples, or −1. */
  inputNonFinite(rows: number): number;
  /** Index of the first NaN or ±Infinity in `values`, a view of this engine's memory (`allocateDataset`'s), or −1. */
  firstNonFiniteIn(values: FloatArray): number;
  /**
   * Forward pass of the staged input, filling every layer's z and a. Batch normalization
   * uses the running statistics, or with `batchStatistics` (the training calls' mode) the
   * batch's own, without updating the running ones.
   */
  forward(rows: number, batchStatistics?: boolean): void;
  /** Mean loss of the last forward pass against the staged targets. */
  loss(rows: number): number;
  /** After `forward` with batch statistics: returns the loss, fills the gradient, and leaves each layer's δ = ∂L/∂z in its z buffer. */
  backward(rows: number): number;
  /**
   * One training step in one call: forward with dropout active, backward, gradient clipping,
   * then the optimizer's update at rate η, and the batch normalizations' running statistics.
   * Returns the loss before the update. A non-finite loss or update is not applied, and
   * changes no running statistic (see `failure`).
   */
  step(rows: number, learningRate: number): number;
  /** Installs a (validated) optimizer with fresh state: zeroed buffers, step 0. The old one stays if this throws. */
  setOptimizer(config: OptimizerConfig): void;
  /** The optimizer in use; plain SGD (DEFAULT_OPTIMIZER) until one is set. */
  optimizer(): OptimizerConfig;
  /** Clears the optimizer's state (buffers to their initial value, step count 0), keeping its configuration. */
  resetOptimizer(): void;
  /** A copy of the optimizer's configuration, step count and state vectors, for checkpoints. */
  optimizerState(): OptimizerState;
  /** Restores `optimizerState()` output (same config type and buffer shapes); training then continues bit-identically. */
  setOptimizerState(state: OptimizerState): void;
  /** The dropout masks' generator: four xoshiro128** words, for checkpoints. */
  dropoutRandomState(): number[];
  /** Restores `dropoutRandomState()` output. */
  setDropoutRandomState(state: readonly number[]): void;
  /**
   * Batch normalization's running statistics, live: for each batch-norm layer in order, its
   * running mean then its running variance (`outputs` values each). Empty without batch-norm.
   */
  runningStatistics(): FloatArray;
  /** Training steps that updated the running statistics (nn.BatchNorm1d's num_batches_tracked). */
  batchesTracked(): number;
  /** Sets `batchesTracked` (checkpoints); the statistics themselves are written through `runningStatistics()`. */
  setBatchesTracked(count: number): void;
  /** Layer l's z, the activation's input (or δ after `backward`), for `rows` samples. */
  preActivation(layer: number, rows: number): FloatArray;
  /** Layer l's activations for `rows` samples. */
  activation(layer: number, rows: number): FloatArray;
  /**
   * Lays out a dataset in the engine for `trainEpochs` and `trainBatches`: `count` training rows
   * followed by `heldOut` rows that training never reads (validation rows, evaluated in place),
   * with one sample weight per row if `weighted` (read while sample weighting is on). Returns
   * views of all `count + heldOut` rows for the caller to fill: the data goes into the engine
   * once, with no copy in between. The views are valid until the next call that may allocate.
   */
  allocateDataset(count: number, weighted: boolean, heldOut?: number): DatasetViews;
  /** `allocateDataset`, filled with copies of x, y (and weights), each of `count + heldOut` rows. */
  setDataset(x: FloatArray, y: FloatArray, count: number, weights?: FloatArray, heldOut?: number): void;
  /** The dataset in the engine (live views of all its rows), or null. */
  datasetContents(): (DatasetViews & { count: number; heldOut: number }) | null;
  /** The sample order `trainBatches` follows: write a permutation of 0…count−1 into it. */
  datasetOrder(): Int32Array;
  /**
   * `epochs` epochs, each over 0…count−1 shuffled by `random` (when `shuffle`) exactly as
   * `random.shuffle` would, appending each epoch's mean loss to `losses`: the same result as
   * a loop of `trainBatches` over whole epochs, without crossing into the engine per epoch. Stops at a
   * failing step: `losses` then holds the epochs completed before it.
   */
  trainEpochs(epochs: number, batchSize: number, learningRate: number, shuffle: boolean, random: Random, losses: number[]): void;
  /** Batches first…first+count−1 of such an epoch, in one call; returns Σ (batch loss × batch weight), see `batchesWeight`. */
  trainBatches(first: number, count: number, batchSize: number, learningRate: number): number;
  /** After `step`, `trainBatches` or `trainEpochs`: where the step that was not applied met a non-finite value, or null. */
  failure(): StepFailure | null;
  /** Releases the dataset copy. */
  clearDataset(): void;
  /** Bytes of memory the engine holds now: its whole WebAssembly memory, or its typed arrays. */
  byteLength(): number;
  /** Releases everything; the engine must not be used again. */
  dispose(): void;
  /** Threads its training calls may use (absent: one). */
  readonly threads?: number;
  /** Why it uses one thread although more were asked for (absent: none). */
  readonly threadsFallbackReason?: string | null;
  /** backend 'auto': why the network is not on WebGPU, or null when it is (absent: another backend was asked for). */
  readonly backendFallbackReason?: string | null;
  /** What was asked for: 'auto' starts the workers only at the first call worth them (absent: `threads`). */
  readonly threadsRequested?: ThreadsOption;
}
