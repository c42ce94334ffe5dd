/// <reference types="@webgpu/types" />
// Training steps of a dense network on the GPU, recorded into one submission per call: for each
// batch, its rows gathered from the data set by the epoch's order, the forward GEMMs with bias and
// activation fused (softmax, or sigmoid under binary cross-entropy, as a pass of its own after a
// linear GEMM, so the loss can read z), the batch's loss, the output δ, then per layer
// ∇W = δᵀ·X (a GEMM), ∇b (a fixed-order column sum) and δ through the previous activation (a
// GEMM with the slope fused), and the optimizer's update of every tensor.

import { WasmMlpError } from '../core/errors.js';
import type { OptimizerConfig } from '../registry/optimizers.js';
import { ACTIVATE_WGSL, GPU_ACTIVATIONS, activationId, type GpuActivation } from './activations.js';
import { elementWorkgroups, uniformWords, type GpuContext } from './context.js';
import { encodeColumnSum } from './column-sum.js';
import { encodeGather } from './gather.js';
import { encodeGemm } from './gemm.js';
import { encodeBatchLoss, encodeOutputDelta, fusedLoss, GPU_LOSSES, type GpuLoss } from './losses.js';
import { createGpuOptimizerState, encodeOptimizerStep, unsupportedOnGpu, type GpuOptimizerConfig, type GpuOptimizerState } from './optimizers.js';
import { encodeSoftmax } from './softmax.js';

/** A dense network for the GPU: layer sizes (input first) and one activation per layer. */
export interface GpuDenseSpec {
  sizes: readonly number[];
  activations: readonly (GpuActivation | 'softmax')[];
  loss: GpuLoss;
  /** Huber's δ or smooth L1's β (src/options.ts lossParameter); 0 for the other losses. */
  lossParameter?: number;
  optimizer: OptimizerConfig;
}

/** The parameters in PyTorch's nn.Linear layout: weights[l] is [out×in] row-major, biases[l] [out]. */
export interface DenseParameters {
  weights: Float32Array[];
  biases: Float32Array[];
}

/** The optimizer's state per tensor, in the parameters' order (layer 0's weights, its bias, layer 1's…): each tensor's vectors in `optimizerBufferNames` order. */
export interface DenseOptimizerState {
  step: number;
  tensors: Float32Array[][];
}

/** A data set on the GPU: x[count×inputs] and y[count×outputs]. */
export interface GpuDataset {
  x: GPUBuffer;
  y: GPUBuffer;
  count: number;
}

interface GpuLayer {
  inputs: number;
  outputs: number;
  activation: GpuActivation | 'softmax';
  /** Whether z is kept apart from a: softmax's input, and the output z that binary cross-entropy reads. */
  keepsLogits: boolean;
  weights: GPUBuffer;
  bias: GPUBuffer;
  gradWeights: GPUBuffer;
  gradBias: GPUBuffer;
  /** z for a layer that `keepsLogits` (the GEMM's output before the activation pass). */
  logits: GPUBuffer;
  /** act(z), rows×outputs. */
  output: GPUBuffer;
  /** ∂L/∂z, rows×outputs. */
  delta: GPUBuffer;
  weightState: GpuOptimizerState;
  biasState: GpuOptimizerState;
}

/** What of `spec` has no WebGPU kernel yet, or null. */
export function unsupportedSpec(spec: Pick<GpuDenseSpec, 'activations' | 'loss' | 'optimizer'>): string | null {
  const last = spec.activations.length - 1;
  for (const [l, activation] of spec.activations.entries()) {
    const gpu = (GPU_ACTIVATIONS as readonly string[]).includes(activation) || (activation === 'softmax' && l === last);
    if (!gpu) return `activation '${activation}'${activation === 'softmax' ? ' on a hidden layer' : ''} (layer ${l}; WebGPU has ${[...GPU_ACTIVATIONS, 'softmax'].join(', ')})`;
  }
  if (!(GPU_LOSSES as readonly string[]).includes(spec.loss)) return `loss '${spec.loss}'`;
  if ((spec.loss === 'cross-entropy') !== (spec.activations[last] === 'softmax')) return `loss '${spec.loss}' with output activation '${spec.activations[last]}' (cross-entropy needs softmax, softmax needs cross-entropy)`;
  if (spec.loss === 'binary-cross-entropy' && spec.activations[last] !== 'sigmoid') return `loss 'binary-cross-entropy' with output activation '${spec.activations[last]}' (it needs sigmoid)`;
  return unsupportedOnGpu(spec.optimizer);
}

/** A dense network's parameters, gradients, optimizer state and activations on one GPU device. */
export class GpuDenseTrainer {
  private constructor(
    private readonly context: GpuContext,
    private readonly spec: GpuDenseSpec,
    private readonly layers: GpuLayer[],
    /** The most rows a batch may have (the activation buffers' height). */
    readonly batchCapacity: number,
  ) {}

  /**
   * Uploads `parameters` (and the optimizer's state, else it starts fresh) and allocates every
   * buffer for batches of up to `batchCapacity` rows.
   * @throws {WasmMlpError} naming what is not yet supported on WebGPU, a spec whose sizes and activations disagree, a bad batchCapacity, or a parameter of the wrong length.
   */
  static create(context: GpuContext, spec: GpuDenseSpec, parameters: DenseParameters, batchCapacity: number, state?: DenseOptimizerState): GpuDenseTrainer {
    if (spec.activations.length !== spec.sizes.length - 1) throw new WasmMlpError(`webgpu: ${spec.activations.length} activations for ${spec.sizes.length} layer sizes, expected ${spec.sizes.length - 1} (one per weight layer)`);
    if (!spec.sizes.every((size) => Number.isInteger(size) && size >= 1)) throw new WasmMlpError(`webgpu: layer sizes must be positive integers, got [${spec.sizes.join(', ')}]`);
    if (!(Number.isInteger(batchCapacity) && batchCapacity >= 1)) throw new WasmMlpError(`webgpu: batchCapacity must be a positive integer, got ${batchCapacity}`);
    const missing = unsupportedSpec(spec);
    if (missing) throw new WasmMlpError(`webgpu: ${missing} is not yet supported on WebGPU`);
    const last = spec.activations.length - 1;
    const layers = spec.activations.map((activation, l): GpuLayer => {
      const inputs = spec.sizes[l];
      const outputs = spec.sizes[l + 1];
      const keepsLogits = activation === 'softmax' || (l === last && fusedLoss(spec.loss));
      const expect = (array: Float32Array, length: number, name: string) => {
        if (array?.length !== length) throw new WasmMlpError(`webgpu: ${name}[${l}] has ${array?.length} values, expected ${length}`);
        return context.storage(array);
      };
      return {
        inputs,
        outputs,
        activation,
        keepsLogits,
        weights: expect(parameters.weights[l], inputs * outputs, 'weights'),
        bias: expect(parameters.biases[l], outputs, 'biases'),
        gradWeights: context.storage(inputs * outputs),
        gradBias: context.storage(outputs),
        logits: context.storage(keepsLogits ? batchCapacity * outputs : 0),
        output: context.storage(batchCapacity * outputs),
        delta: context.storage(batchCapacity * outputs),
        weightState: createGpuOptimizerState(context, spec.optimizer, inputs * outputs, state?.tensors[2 * l], state?.step),
        biasState: createGpuOptimizerState(context, spec.optimizer, outputs, state?.tensors[2 * l + 1], state?.step),
      };
    });
    return new GpuDenseTrainer(context, spec, layers, batchCapacity);
  }

  /** Overwrites θ and the optimizer's state (same shapes as `create` took) in the buffers the trainer has. */
  load(parameters: DenseParameters, state: DenseOptimizerState): void {
    this.layers.forEach((layer, l) => {
      this.context.write(layer.weights, parameters.weights[l]);
      this.context.write(layer.bias, parameters.biases[l]);
      for (const [t, tensor] of [layer.weightState, layer.biasState].entries()) {
        tensor.step = state.step;
        tensor.buffers.forEach((buffer, k) => this.context.write(buffer, state.tensors[2 * l + t][k]));
      }
    });
  }

  /** Every buffer the trainer holds. */
  buffers(): GPUBuffer[] {
    return this.layers.flatMap((layer) => [
      layer.weights, layer.bias, layer.gradWeights, layer.gradBias, layer.logits, layer.output, layer.delta,
      ...layer.weightState.buffers, ...layer.weightState.placeholders, ...layer.biasState.buffers, ...layer.biasState.placeholders,
    ]);
  }

  /** Frees the GPU memory; the trainer must not be used again. */
  destroy(): void {
    for (const buffer of this.buffers()) buffer.destroy();
  }

  /** Records the forward pass of `rows` rows of x into each layer's output. */
  private encodeForward(encoder: GPUCommandEncoder, x: GPUBuffer, rows: number): void {
    this.layers.reduce((input, layer) => {
      const activation = layer.keepsLogits ? 'linear' : (layer.activation as GpuActivation);
      const target = layer.keepsLogits ? layer.logits : layer.output;
      encodeGemm(this.context, encoder, { transposeA: false, transposeB: true, epilogue: { kind: 'bias-activation', activation } }, { a: input, b: layer.weights, c: target, operand: layer.bias }, rows, layer.outputs, layer.inputs);
      if (layer.activation === 'softmax') encodeSoftmax(this.context, encoder, layer.logits, layer.output, rows, layer.outputs);
      else if (layer.keepsLogits) {
        const dims = this.context.uniform(uniformWords([{ u32: rows * layer.outputs }, { u32: activationId(layer.activation) }]));
        this.context.dispatch(encoder, ACTIVATE_WGSL, [dims, layer.logits, layer.output], elementWorkgroups(rows * layer.outputs));
      }
      return layer.output;
    }, x);
  }

  /**
   * Records one step on the batch (x[rows×inputs], y[rows×outputs], already on the GPU): forward,
   * the batch's loss into losses[lossIndex] when `losses` is given, backward, update.
   */
  encodeStep(encoder: GPUCommandEncoder, x: GPUBuffer, y: GPUBuffer, rows: number, learningRate: number, losses?: GPUBuffer, lossIndex = 0): void {
    if (!(rows >= 1 && rows <= this.batchCapacity)) throw new WasmMlpError(`webgpu: a batch of ${rows} rows, expected 1 to ${this.batchCapacity}`);
    const { context, layers, spec } = this;
    const [inputs, outputs] = [spec.sizes[0], spec.sizes[spec.sizes.length - 1]];
    if (x.size < rows * inputs * 4 || y.size < rows * outputs * 4) throw new WasmMlpError(`webgpu: a batch of ${rows} rows needs x of ${rows * inputs * 4} and y of ${rows * outputs * 4} bytes, got ${x.size} and ${y.size}`);
    this.encodeForward(encoder, x, rows);
    const last = layers[layers.length - 1];
    const parameter = spec.lossParameter ?? 0;
    if (losses) encodeBatchLoss(context, encoder, spec.loss, { z: last.keepsLogits ? last.logits : last.output, a: last.output, y, losses }, rows, last.outputs, lossIndex, parameter);
    const outputActivation = last.activation === 'softmax' ? 'linear' : last.activation;
    encodeOutputDelta(context, encoder, spec.loss, outputActivation, { a: last.output, y, delta: last.delta }, rows, last.outputs, parameter);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const input = l === 0 ? x : layers[l - 1].output;
      // ∇W[out×in] = δ[rows×out]ᵀ · input[rows×in].
      encodeGemm(context, encoder, { transposeA: true, transposeB: false, epilogue: { kind: 'none' } }, { a: layer.delta, b: input, c: layer.gradWeights }, layer.outputs, layer.inputs, rows);
      encodeColumnSum(context, encoder, layer.delta, layer.gradBias, rows, layer.outputs);
      if (l > 0) {
        const previous = layers[l - 1];
        // δ_prev[rows×in] = (δ · W[out×in]) ⊙ act'(a_prev); a hidden layer is never softmax (unsupportedSpec checks).
        const epilogue = { kind: 'activation-slope', activation: previous.activation as GpuActivation } as const;
        encodeGemm(context, encoder, { transposeA: false, transposeB: false, epilogue }, { a: layer.delta, b: layer.weights, c: previous.delta, operand: previous.output }, rows, layer.inputs, layer.outputs);
      }
    }
    const optimizer = spec.optimizer as GpuOptimizerConfig;
    for (const layer of layers) {
      encodeOptimizerStep(context, encoder, optimizer, layer.weightState, layer.weights, layer.gradWeights, layer.inputs * layer.outputs, learningRate);
      encodeOptimizerStep(context, encoder, optimizer, layer.biasState, layer.bias, layer.gradBias, layer.outputs, learningRate);
    }
  }

  /**
   * Records batches first…first+count−1 of an epoch over `data` (batch b holds the rows
   * order[b·batchSize…], the last batch may be shorter), each batch's loss into losses[b − first],
   * all in one submission: the rows are gathered on the GPU, so nothing crosses back to
   * JavaScript between steps.
   */
  trainBatches(data: GpuDataset, order: GPUBuffer, first: number, count: number, batchSize: number, learningRate: number, losses: GPUBuffer): void {
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= this.batchCapacity)) throw new WasmMlpError(`webgpu: batchSize must be an integer from 1 to ${this.batchCapacity}, got ${batchSize}`);
    const inputs = this.spec.sizes[0];
    const outputs = this.spec.sizes[this.spec.sizes.length - 1];
    const x = this.context.storage(batchSize * inputs);
    const y = this.context.storage(batchSize * outputs);
    this.context.submit((encoder) => {
      for (let b = first; b < first + count; b++) {
        const start = b * batchSize;
        const rows = Math.min(batchSize, data.count - start);
        encodeGather(this.context, encoder, data.x, order, x, start, rows, inputs);
        encodeGather(this.context, encoder, data.y, order, y, start, rows, outputs);
        this.encodeStep(encoder, x, y, rows, learningRate, losses, b - first);
      }
    });
    // Submitted work keeps what it uses; the batch buffers are not needed after it.
    x.destroy();
    y.destroy();
  }

  /**
   * Trains `epochs` epochs over a data set already on the GPU, in batches of `batchSize` rows
   * taken in order, all recorded into one submission.
   */
  trainEpochs(data: GpuDataset, batchSize: number, epochs: number, learningRate: number): void {
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= this.batchCapacity)) throw new WasmMlpError(`webgpu: batchSize must be an integer from 1 to ${this.batchCapacity}, got ${batchSize}`);
    const order = this.context.indices(Uint32Array.from({ length: data.count }, (_, i) => i));
    const batches = Math.ceil(data.count / batchSize);
    const losses = this.context.storage(batches);
    for (let epoch = 0; epoch < epochs; epoch++) this.trainBatches(data, order, 0, batches, batchSize, learningRate, losses);
    order.destroy();
    losses.destroy();
  }

  /** Runs `steps` steps over the same batch in one submission. */
  train(x: GPUBuffer, y: GPUBuffer, rows: number, learningRate: number, steps = 1): void {
    this.context.submit((encoder) => {
      for (let s = 0; s < steps; s++) this.encodeStep(encoder, x, y, rows, learningRate);
    });
  }

  /** The network's outputs for `rows` rows of x (on the GPU; rows ≤ batchCapacity), read back. */
  async predict(x: GPUBuffer, rows: number): Promise<Float32Array> {
    this.context.submit((encoder) => this.encodeForward(encoder, x, rows));
    const last = this.layers[this.layers.length - 1];
    return this.context.read(last.output, rows * last.outputs);
  }

  /** The current parameters, read back. */
  async parameters(): Promise<DenseParameters> {
    return (await this.readState(false)).parameters;
  }

  /**
   * The parameters and (with `optimizer`) the optimizer's state, with `extra` buffers (a batch's
   * losses) read in the same mapping, after all submitted work.
   */
  async readState(optimizer: boolean, extra: readonly { buffer: GPUBuffer; length: number }[] = []): Promise<{ parameters: DenseParameters; optimizer: DenseOptimizerState; extra: Float32Array[] }> {
    const tensors = this.layers.flatMap((layer) => [
      { buffer: layer.weights, length: layer.inputs * layer.outputs, state: layer.weightState },
      { buffer: layer.bias, length: layer.outputs, state: layer.biasState },
    ]);
    const parts = [...extra, ...tensors.flatMap((t) => [t, ...(optimizer ? t.state.buffers.map((buffer) => ({ buffer, length: t.length })) : [])])];
    const read = await this.context.readMany(parts);
    let at = extra.length;
    const values = tensors.map((t) => {
      const value = read[at++];
      const state = optimizer ? t.state.buffers.map(() => read[at++]) : [];
      return { value, state };
    });
    return {
      parameters: { weights: values.filter((_, k) => k % 2 === 0).map((v) => v.value), biases: values.filter((_, k) => k % 2 === 1).map((v) => v.value) },
      optimizer: { step: this.layers[0].weightState.step, tensors: values.map((v) => v.state) },
      extra: read.slice(0, extra.length),
    };
  }
}
