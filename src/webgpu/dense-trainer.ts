/// <reference types="@webgpu/types" />
// One training step of a dense network on the GPU, recorded into a single submission: the forward
// GEMMs with bias and activation fused, softmax for a softmax output, the output δ, then per layer
// ∇W = δᵀ·X (a GEMM), ∇b (a fixed-order column sum) and δ through the previous activation (a GEMM
// with the slope fused), and the optimizer's update of every tensor. Internal: the public
// `backend: 'webgpu'` will drive it once the network state capture lands.

import { WasmMlpError } from '../core/errors.js';
import type { OptimizerConfig } from '../registry/optimizers.js';
import { GPU_ACTIVATIONS, type GpuActivation } from './activations.js';
import type { GpuContext } from './context.js';
import { encodeColumnSum } from './column-sum.js';
import { encodeGemm } from './gemm.js';
import { encodeOutputDelta, type GpuLoss } from './losses.js';
import { createGpuOptimizerState, encodeOptimizerStep, unsupportedOnGpu, type GpuOptimizerState } from './optimizers.js';
import { encodeSoftmax } from './softmax.js';

/** A dense network for the GPU: layer sizes (input first) and one activation per layer. */
export interface GpuDenseSpec {
  sizes: readonly number[];
  activations: readonly (GpuActivation | 'softmax')[];
  loss: GpuLoss;
  optimizer: OptimizerConfig;
}

/** The parameters in PyTorch's nn.Linear layout: weights[l] is [out×in] row-major, biases[l] [out]. */
export interface DenseParameters {
  weights: Float32Array[];
  biases: Float32Array[];
}

interface GpuLayer {
  inputs: number;
  outputs: number;
  activation: GpuActivation | 'softmax';
  weights: GPUBuffer;
  bias: GPUBuffer;
  gradWeights: GPUBuffer;
  gradBias: GPUBuffer;
  /** z for a softmax layer (the GEMM's output before the row-wise softmax). */
  logits: GPUBuffer;
  /** act(z), rows×outputs. */
  output: GPUBuffer;
  /** ∂L/∂z, rows×outputs. */
  delta: GPUBuffer;
  weightState: GpuOptimizerState;
  biasState: GpuOptimizerState;
}

/** What of `spec` has no WebGPU kernel yet, or null. */
function unsupported(spec: GpuDenseSpec): string | null {
  const last = spec.activations.length - 1;
  for (const [l, activation] of spec.activations.entries()) {
    const gpu = (GPU_ACTIVATIONS as readonly string[]).includes(activation) || (activation === 'softmax' && l === last);
    if (!gpu) return `activation '${activation}' on layer ${l}`;
  }
  if ((spec.loss === 'cross-entropy') !== (spec.activations[last] === 'softmax')) return `loss '${spec.loss}' with output activation '${spec.activations[last]}' (cross-entropy needs softmax, softmax needs cross-entropy)`;
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
   * Uploads `parameters` and allocates every buffer for batches of up to `batchCapacity` rows.
   * @throws {WasmMlpError} naming what is not yet supported on WebGPU, a spec whose sizes and activations disagree, a bad batchCapacity, or a parameter of the wrong length.
   */
  static create(context: GpuContext, spec: GpuDenseSpec, parameters: DenseParameters, batchCapacity: number): GpuDenseTrainer {
    if (spec.activations.length !== spec.sizes.length - 1) throw new WasmMlpError(`webgpu: ${spec.activations.length} activations for ${spec.sizes.length} layer sizes, expected ${spec.sizes.length - 1} (one per weight layer)`);
    if (!spec.sizes.every((size) => Number.isInteger(size) && size >= 1)) throw new WasmMlpError(`webgpu: layer sizes must be positive integers, got [${spec.sizes.join(', ')}]`);
    if (!(Number.isInteger(batchCapacity) && batchCapacity >= 1)) throw new WasmMlpError(`webgpu: batchCapacity must be a positive integer, got ${batchCapacity}`);
    const missing = unsupported(spec);
    if (missing) throw new WasmMlpError(`webgpu: ${missing} is not yet supported on WebGPU`);
    const layers = spec.activations.map((activation, l): GpuLayer => {
      const inputs = spec.sizes[l];
      const outputs = spec.sizes[l + 1];
      const expect = (array: Float32Array, length: number, name: string) => {
        if (array?.length !== length) throw new WasmMlpError(`webgpu: ${name}[${l}] has ${array?.length} values, expected ${length}`);
        return context.storage(array);
      };
      return {
        inputs,
        outputs,
        activation,
        weights: expect(parameters.weights[l], inputs * outputs, 'weights'),
        bias: expect(parameters.biases[l], outputs, 'biases'),
        gradWeights: context.storage(inputs * outputs),
        gradBias: context.storage(outputs),
        logits: context.storage(activation === 'softmax' ? batchCapacity * outputs : 0),
        output: context.storage(batchCapacity * outputs),
        delta: context.storage(batchCapacity * outputs),
        weightState: createGpuOptimizerState(context, spec.optimizer, inputs * outputs),
        biasState: createGpuOptimizerState(context, spec.optimizer, outputs),
      };
    });
    return new GpuDenseTrainer(context, spec, layers, batchCapacity);
  }

  /** Records the forward pass of `rows` rows of x into each layer's output. */
  private encodeForward(encoder: GPUCommandEncoder, x: GPUBuffer, rows: number): void {
    this.layers.reduce((input, layer) => {
      const softmax = layer.activation === 'softmax';
      const activation = layer.activation === 'softmax' ? 'linear' : layer.activation;
      const target = softmax ? layer.logits : layer.output;
      encodeGemm(this.context, encoder, { transposeA: false, transposeB: true, epilogue: { kind: 'bias-activation', activation } }, { a: input, b: layer.weights, c: target, operand: layer.bias }, rows, layer.outputs, layer.inputs);
      if (softmax) encodeSoftmax(this.context, encoder, layer.logits, layer.output, rows, layer.outputs);
      return layer.output;
    }, x);
  }

  /** Records one step on the batch (x[rows×inputs], y[rows×outputs], already on the GPU): forward, backward, update. */
  encodeStep(encoder: GPUCommandEncoder, x: GPUBuffer, y: GPUBuffer, rows: number, learningRate: number): void {
    if (!(rows >= 1 && rows <= this.batchCapacity)) throw new WasmMlpError(`webgpu: a batch of ${rows} rows, expected 1 to ${this.batchCapacity}`);
    const { context, layers, spec } = this;
    const [inputs, outputs] = [spec.sizes[0], spec.sizes[spec.sizes.length - 1]];
    if (x.size < rows * inputs * 4 || y.size < rows * outputs * 4) throw new WasmMlpError(`webgpu: a batch of ${rows} rows needs x of ${rows * inputs * 4} and y of ${rows * outputs * 4} bytes, got ${x.size} and ${y.size}`);
    this.encodeForward(encoder, x, rows);
    const last = layers[layers.length - 1];
    const outputActivation = last.activation === 'softmax' ? 'linear' : last.activation;
    encodeOutputDelta(context, encoder, spec.loss, outputActivation, { a: last.output, y, delta: last.delta }, rows, last.outputs);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const input = l === 0 ? x : layers[l - 1].output;
      // ∇W[out×in] = δ[rows×out]ᵀ · input[rows×in].
      encodeGemm(context, encoder, { transposeA: true, transposeB: false, epilogue: { kind: 'none' } }, { a: layer.delta, b: input, c: layer.gradWeights }, layer.outputs, layer.inputs, rows);
      encodeColumnSum(context, encoder, layer.delta, layer.gradBias, rows, layer.outputs);
      if (l > 0) {
        const previous = layers[l - 1];
        // δ_prev[rows×in] = (δ · W[out×in]) ⊙ act'(a_prev); a hidden layer is never softmax (unsupported() checks).
        const epilogue = { kind: 'activation-slope', activation: previous.activation as GpuActivation } as const;
        encodeGemm(context, encoder, { transposeA: false, transposeB: false, epilogue }, { a: layer.delta, b: layer.weights, c: previous.delta, operand: previous.output }, rows, layer.inputs, layer.outputs);
      }
    }
    const optimizer = spec.optimizer as Extract<OptimizerConfig, { type: 'sgd' | 'adam' | 'adamw' }>;
    for (const layer of layers) {
      encodeOptimizerStep(context, encoder, optimizer, layer.weightState, layer.weights, layer.gradWeights, layer.inputs * layer.outputs, learningRate);
      encodeOptimizerStep(context, encoder, optimizer, layer.biasState, layer.bias, layer.gradBias, layer.outputs, learningRate);
    }
  }

  /**
   * Trains `epochs` epochs over a data set already on the GPU (x[count×inputs], y[count×outputs]),
   * in batches of `batchSize` rows taken in order (the last one may be shorter), all recorded into
   * one submission: each batch is copied into the batch buffers on the GPU, so nothing crosses
   * back to JavaScript between steps.
   */
  trainEpochs(data: { x: GPUBuffer; y: GPUBuffer; count: number }, batchSize: number, epochs: number, learningRate: number): void {
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= this.batchCapacity)) throw new WasmMlpError(`webgpu: batchSize must be an integer from 1 to ${this.batchCapacity}, got ${batchSize}`);
    const inputs = this.spec.sizes[0];
    const outputs = this.spec.sizes[this.spec.sizes.length - 1];
    const x = this.context.storage(batchSize * inputs);
    const y = this.context.storage(batchSize * outputs);
    this.context.submit((encoder) => {
      for (let epoch = 0; epoch < epochs; epoch++) {
        for (let start = 0; start < data.count; start += batchSize) {
          const rows = Math.min(batchSize, data.count - start);
          encoder.copyBufferToBuffer(data.x, start * inputs * 4, x, 0, rows * inputs * 4);
          encoder.copyBufferToBuffer(data.y, start * outputs * 4, y, 0, rows * outputs * 4);
          this.encodeStep(encoder, x, y, rows, learningRate);
        }
      }
    });
    // Submitted work keeps what it uses; the batch buffers are not needed after it.
    x.destroy();
    y.destroy();
  }

  /** Runs `steps` steps over the same batch in one submission. */
  train(x: GPUBuffer, y: GPUBuffer, rows: number, learningRate: number, steps = 1): void {
    this.context.submit((encoder) => {
      for (let s = 0; s < steps; s++) this.encodeStep(encoder, x, y, rows, learningRate);
    });
  }

  /** The network's outputs for `rows` rows of x (on the GPU), read back. */
  async predict(x: GPUBuffer, rows: number): Promise<Float32Array> {
    this.context.submit((encoder) => this.encodeForward(encoder, x, rows));
    const last = this.layers[this.layers.length - 1];
    return this.context.read(last.output, rows * last.outputs);
  }

  /** The current parameters, read back. */
  async parameters(): Promise<DenseParameters> {
    const weights = await Promise.all(this.layers.map((layer) => this.context.read(layer.weights, layer.inputs * layer.outputs)));
    const biases = await Promise.all(this.layers.map((layer) => this.context.read(layer.bias, layer.outputs)));
    return { weights, biases };
  }
}
