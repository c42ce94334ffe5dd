// Every block of memory that the TypeScript side writes and the kernels read, defined once.
// The kernels read fields through changetype<Block>(pointer); TypeScript reads each field's
// byte offset from the module's exports (assembly/layout.ts) when it loads a module, so no
// offset is ever written a second time in another language.

/** One network: every pointer and count a call needs, so exports take (network, a few counts). */
@unmanaged export class Network {
  layerCount: i32;
  /** Loss code (assembly/losses.ts). */
  loss: i32;
  parameterCount: i32;
  /** θ and ∇θ: every layer's weights and biases back to back. */
  parameters: usize;
  gradient: usize;
  /** The optimizer block in use. */
  optimizer: usize;
  /** xoshiro128** state (4 u32) of the dropout masks. */
  dropoutRandom: usize;
  /** Staging rows of one batch: the input every call reads and the targets. */
  batchInputs: usize;
  batchTargets: usize;
  /** What each output element of the batch adds to the loss (laid out as the targets). */
  lossTerms: usize;
  /** A dataset copied in once for whole-epoch calls (0 when there is none). */
  dataInputs: usize;
  dataTargets: usize;
  /** Sample order of an epoch (i32 per sample). */
  order: usize;
  sampleCount: i32;
  batchSize: i32;
  /** xoshiro128** state of the shuffle between epochs. */
  shuffleRandom: usize;
  /** One f64 mean loss per epoch of a trainEpochs call. */
  epochLosses: usize;
  /** The threads' control block; 0 when the network runs on one thread. */
  control: usize;
  /** Divergence guard: why the last step was refused (0 none, 1 loss, 2 update), and where. */
  failure: i32;
  failedBatch: i32;
  failedEpoch: i32;
  /** Arguments of the running call, read by every thread. */
  rows: i32;
  firstBatch: i32;
  batchCount: i32;
  epochCount: i32;
  shuffle: i32;
  learningRate: f64;
  /** The call's result (loss or sum of losses), written by thread 0. */
  result: f64;
  /** The loss's parameter: huber's δ or smooth-l1's β. */
  lossParameter: f64;
  /** Training steps that updated batch normalization's running statistics (num_batches_tracked). */
  batchesTracked: f64;
  /** The running call's forward pass normalizes batch-norm layers with the batch's statistics (1) or the running ones (0). */
  batchStatistics: i32;
  /**
   * The loss's weighting (assembly/weighting.ts), 0 where none: one sample weight per batch row
   * and per dataset row, one weight per class (cross-entropy), one positive weight per output
   * (binary cross-entropy), and cross-entropy's label smoothing.
   */
  batchWeights: usize;
  dataWeights: usize;
  classWeights: usize;
  posWeights: usize;
  labelSmoothing: f64;
  /** The loss weight behind `result` (assembly/weighting.ts lossWeight): a step's batch's, or the sum over trainBatches' batches. */
  resultWeight: f64;
}

/** One dense layer; a network's layers follow its Network block. */
@unmanaged export class Layer {
  inputs: i32;
  outputs: i32;
  /** Activation code (assembly/activations.ts). */
  activation: i32;
  weights: usize;
  bias: usize;
  gradWeights: usize;
  gradBias: usize;
  /** Pre-activations z of the batch; backward overwrites them with δ = ∂L/∂z. */
  z: usize;
  /** Activations a = act(z). */
  a: usize;
  /** Dropout's multipliers and a ⊙ mask (0 without dropout). */
  mask: usize;
  dropped: usize;
  dropoutRate: f64;
  /** Normalization code between the Linear and the activation (assembly/normalization.ts); 0: none. */
  normalization: i32;
  /** The normalization's γ and β in θ, and their gradients. */
  gamma: usize;
  beta: usize;
  gradGamma: usize;
  gradBeta: usize;
  /** The Linear's output h of the batch (δh after backward), and its normalization x̂. */
  h: usize;
  xhat: usize;
  /** Layer norm: 1/σ of each row; batch norm: the batch's mean, 1/σ and unbiased variance of each unit (3 vectors). */
  statistics: usize;
  /** Batch norm's running mean and variance (used outside training). */
  runningMean: usize;
  runningVar: usize;
}

/**
 * An optimizer: its kind, every hyperparameter any kind has (by torch.optim's names), and its
 * state vectors, each as long as θ (0 where the kind or its options keep none).
 */
@unmanaged export class Optimizer {
  kind: i32;
  nesterov: i32;
  amsgrad: i32;
  centered: i32;
  /** NAdam: decay θ by η·weightDecay rather than add weightDecay·θ to the gradient. */
  decoupledWeightDecay: i32;
  momentumBuffer: usize;
  m: usize;
  v: usize;
  vMax: usize;
  squareAverage: usize;
  gradAverage: usize;
  sum: usize;
  /** Updates taken (torch's state['step']). */
  step: f64;
  momentum: f64;
  dampening: f64;
  beta1: f64;
  beta2: f64;
  alpha: f64;
  epsilon: f64;
  weightDecay: f64;
  learningRateDecay: f64;
  /** NAdam's ψ: μ_t = β₁·(1 − ½·0.96^(t·ψ)). */
  momentumDecay: f64;
  /**
   * NAdam's running product Π μ_1…μ_k, kept in the slot of k's parity beside k + 1 (0: empty): a
   * step reads the previous step's slot while the thread updating θ[0] fills the other.
   */
  evenProduct: f64;
  evenProductSteps: f64;
  oddProduct: f64;
  oddProductSteps: f64;
  /** Gradient clipping before the update; 0 = off. */
  clipNorm: f64;
  clipValue: f64;
}

/**
 * How the threads of one network coordinate. Words written by different threads at high rates
 * (the barrier's) sit on cache lines of their own, hence the padding.
 */
@unmanaged export class Control {
  /** Bumped by the caller for every command; workers sleep on it. */
  generation: i32;
  command: i32;
  /** The network the command runs on. */
  network: usize;
  /** Threads taking part in the current command, the caller's included. */
  threads: i32;
  /** Threads that can take part now: the pool's workers + the caller (1 while no pool runs). */
  available: i32;
  /** Below this many multiply-adds per thread (batch rows × parameters) a call uses fewer threads; 0: always all. */
  workPerThread: i32;
  /** The caller may block while it waits (false on a browser's main thread). */
  callerCanBlock: i32;
  /** Non-zero once a thread has failed. */
  abort: i32;
  /** Worker runs posted and not yet finished: after an abort the caller waits for 0. */
  active: i32;
  /** Commands that ran on more than one thread. */
  parallelCalls: i32;
  /** A failed worker's message (written by its JavaScript): byte length; the text follows the block. */
  errorLength: i32;
  /** The thread count the balance table's cuts are for (assembly/balance.ts); 0: none yet, shares are equal. */
  balancedThreads: i32; private line0a: i32; private line0c: i32; private line0b: i64;
  barrierCount: i32;
  /** Flags the threads of a gathering barrier raise (OR); the last to arrive collects them. */
  flagsArriving: i32; private line1b: i64; private line1c: i64; private line1d: i64;
  private line1e: i64; private line1f: i64; private line1g: i64; private line1h: i64;
  barrierGeneration: i32;
  /** The flags the last barrier collected, and barriers passed since the pool started. */
  flagsGathered: i32; barriers: i32; private line2b: i32; private line2c: i64; private line2d: i64;
  private line2e: i64; private line2f: i64; private line2g: i64; private line2h: i64;
}

/** Bytes of a failed worker's message kept after the Control block. */
// @generate constant Control_errorCapacity
export const ERROR_CAPACITY: i32 = 1020;
/** Most threads a network may use (src/threads/support.ts checks it, from the generated interface). */
// @generate constant MAX_THREADS
export const MAX_THREADS: i32 = 256;
/** The balance table after the message (assembly/balance.ts): each thread's cut and busy time, f64. */
// @generate constant Control_balanceOffset
export const BALANCE_OFFSET: usize = (<usize>ERROR_CAPACITY + 7) & ~7;
export const BALANCE_BYTES: i32 = (2 * MAX_THREADS + 1) * 8;
/** Bytes after the Control block that are the threads' own: the message, then the balance table. */
// @generate constant Control_tailBytes
export const CONTROL_TAIL_BYTES: i32 = <i32>BALANCE_OFFSET + BALANCE_BYTES;

/** Where layer l's block starts. */
@inline export function layerAt(network: usize, l: i32): Layer {
  return changetype<Layer>(network + LAYERS_OFFSET + <usize>l * LAYER_BYTES);
}

// Layer blocks start 8-byte aligned, for their f64 field (constant expressions, so they fold).
// Layer l's block is at network + Network_layers + l × Layer_stride.
// @generate constant Network_layers
export const LAYERS_OFFSET: usize = (offsetof<Network>() + 7) & ~7;
// @generate constant Layer_stride
export const LAYER_BYTES: usize = (offsetof<Layer>() + 7) & ~7;
