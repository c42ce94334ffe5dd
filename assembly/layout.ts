// The byte offset of every field of every block (assembly/blocks.ts), its size, and the codes
// of activations, losses and optimizers, as exported globals named Block_field: what
// TypeScript reads to lay out and write the blocks (src/wasm/blocks.ts).

import { Network, Layer, Optimizer, Control, LAYERS_OFFSET, LAYER_BYTES, ERROR_CAPACITY } from './blocks';
import { LINEAR, RELU, LEAKY_RELU, SIGMOID, TANH, SOFTMAX, GELU, GELU_TANH, SILU, ELU, SELU, SOFTPLUS, MISH } from './activations';
import { MSE, CROSS_ENTROPY, BINARY_CROSS_ENTROPY, L1, HUBER, SMOOTH_L1 } from './losses';
import { SGD, ADAM, ADAMW, RMSPROP, ADAGRAD } from './optimizers';

export const Network_layerCount: usize = offsetof<Network>('layerCount');
export const Network_loss: usize = offsetof<Network>('loss');
export const Network_parameterCount: usize = offsetof<Network>('parameterCount');
export const Network_parameters: usize = offsetof<Network>('parameters');
export const Network_gradient: usize = offsetof<Network>('gradient');
export const Network_optimizer: usize = offsetof<Network>('optimizer');
export const Network_dropoutRandom: usize = offsetof<Network>('dropoutRandom');
export const Network_batchInputs: usize = offsetof<Network>('batchInputs');
export const Network_batchTargets: usize = offsetof<Network>('batchTargets');
export const Network_lossTerms: usize = offsetof<Network>('lossTerms');
export const Network_dataInputs: usize = offsetof<Network>('dataInputs');
export const Network_dataTargets: usize = offsetof<Network>('dataTargets');
export const Network_order: usize = offsetof<Network>('order');
export const Network_sampleCount: usize = offsetof<Network>('sampleCount');
export const Network_batchSize: usize = offsetof<Network>('batchSize');
export const Network_shuffleRandom: usize = offsetof<Network>('shuffleRandom');
export const Network_epochLosses: usize = offsetof<Network>('epochLosses');
export const Network_control: usize = offsetof<Network>('control');
export const Network_failure: usize = offsetof<Network>('failure');
export const Network_failedBatch: usize = offsetof<Network>('failedBatch');
export const Network_failedEpoch: usize = offsetof<Network>('failedEpoch');
export const Network_rows: usize = offsetof<Network>('rows');
export const Network_firstBatch: usize = offsetof<Network>('firstBatch');
export const Network_batchCount: usize = offsetof<Network>('batchCount');
export const Network_epochCount: usize = offsetof<Network>('epochCount');
export const Network_shuffle: usize = offsetof<Network>('shuffle');
export const Network_learningRate: usize = offsetof<Network>('learningRate');
export const Network_result: usize = offsetof<Network>('result');
export const Network_lossParameter: usize = offsetof<Network>('lossParameter');
export const Network_size: usize = offsetof<Network>();

export const Layer_inputs: usize = offsetof<Layer>('inputs');
export const Layer_outputs: usize = offsetof<Layer>('outputs');
export const Layer_activation: usize = offsetof<Layer>('activation');
export const Layer_weights: usize = offsetof<Layer>('weights');
export const Layer_bias: usize = offsetof<Layer>('bias');
export const Layer_gradWeights: usize = offsetof<Layer>('gradWeights');
export const Layer_gradBias: usize = offsetof<Layer>('gradBias');
export const Layer_z: usize = offsetof<Layer>('z');
export const Layer_a: usize = offsetof<Layer>('a');
export const Layer_mask: usize = offsetof<Layer>('mask');
export const Layer_dropped: usize = offsetof<Layer>('dropped');
export const Layer_dropoutRate: usize = offsetof<Layer>('dropoutRate');
export const Layer_size: usize = offsetof<Layer>();

export const Optimizer_kind: usize = offsetof<Optimizer>('kind');
export const Optimizer_nesterov: usize = offsetof<Optimizer>('nesterov');
export const Optimizer_amsgrad: usize = offsetof<Optimizer>('amsgrad');
export const Optimizer_centered: usize = offsetof<Optimizer>('centered');
export const Optimizer_momentumBuffer: usize = offsetof<Optimizer>('momentumBuffer');
export const Optimizer_m: usize = offsetof<Optimizer>('m');
export const Optimizer_v: usize = offsetof<Optimizer>('v');
export const Optimizer_vMax: usize = offsetof<Optimizer>('vMax');
export const Optimizer_squareAverage: usize = offsetof<Optimizer>('squareAverage');
export const Optimizer_gradAverage: usize = offsetof<Optimizer>('gradAverage');
export const Optimizer_sum: usize = offsetof<Optimizer>('sum');
export const Optimizer_step: usize = offsetof<Optimizer>('step');
export const Optimizer_momentum: usize = offsetof<Optimizer>('momentum');
export const Optimizer_dampening: usize = offsetof<Optimizer>('dampening');
export const Optimizer_beta1: usize = offsetof<Optimizer>('beta1');
export const Optimizer_beta2: usize = offsetof<Optimizer>('beta2');
export const Optimizer_alpha: usize = offsetof<Optimizer>('alpha');
export const Optimizer_epsilon: usize = offsetof<Optimizer>('epsilon');
export const Optimizer_weightDecay: usize = offsetof<Optimizer>('weightDecay');
export const Optimizer_learningRateDecay: usize = offsetof<Optimizer>('learningRateDecay');
export const Optimizer_clipNorm: usize = offsetof<Optimizer>('clipNorm');
export const Optimizer_clipValue: usize = offsetof<Optimizer>('clipValue');
export const Optimizer_size: usize = offsetof<Optimizer>();

export const Control_generation: usize = offsetof<Control>('generation');
export const Control_command: usize = offsetof<Control>('command');
export const Control_network: usize = offsetof<Control>('network');
export const Control_threads: usize = offsetof<Control>('threads');
export const Control_available: usize = offsetof<Control>('available');
export const Control_workPerThread: usize = offsetof<Control>('workPerThread');
export const Control_callerCanBlock: usize = offsetof<Control>('callerCanBlock');
export const Control_abort: usize = offsetof<Control>('abort');
export const Control_fault: usize = offsetof<Control>('fault');
export const Control_active: usize = offsetof<Control>('active');
export const Control_parallelCalls: usize = offsetof<Control>('parallelCalls');
export const Control_errorLength: usize = offsetof<Control>('errorLength');
export const Control_barrierCount: usize = offsetof<Control>('barrierCount');
export const Control_barrierGeneration: usize = offsetof<Control>('barrierGeneration');
export const Control_barriers: usize = offsetof<Control>('barriers');
export const Control_size: usize = offsetof<Control>();

/** Layer l's block is at network + Network_layers + l × Layer_stride. */
export const Network_layers: usize = LAYERS_OFFSET;
export const Layer_stride: usize = LAYER_BYTES;
/** A failed worker's message: its bytes follow the Control block, at most this many. */
export const Control_errorCapacity: i32 = ERROR_CAPACITY;

export const activation_linear = LINEAR;
export const activation_relu = RELU;
export const activation_leaky_relu = LEAKY_RELU;
export const activation_sigmoid = SIGMOID;
export const activation_tanh = TANH;
export const activation_softmax = SOFTMAX;
export const activation_gelu = GELU;
export const activation_gelu_tanh = GELU_TANH;
export const activation_silu = SILU;
export const activation_elu = ELU;
export const activation_selu = SELU;
export const activation_softplus = SOFTPLUS;
export const activation_mish = MISH;
export const loss_mse = MSE;
export const loss_cross_entropy = CROSS_ENTROPY;
export const loss_binary_cross_entropy = BINARY_CROSS_ENTROPY;
export const loss_l1 = L1;
export const loss_huber = HUBER;
export const loss_smooth_l1 = SMOOTH_L1;
export const optimizer_sgd = SGD;
export const optimizer_adam = ADAM;
export const optimizer_adamw = ADAMW;
export const optimizer_rmsprop = RMSPROP;
export const optimizer_adagrad = ADAGRAD;
