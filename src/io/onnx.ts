// ONNX export: the network as an ONNX graph (opset 13) that ONNX Runtime and other ONNX hosts
// run. Each layer is one Gemm (Y = X·Wᵀ + b with transB = 1, so W keeps nn.Linear's outputs ×
// inputs layout), its normalization in eval mode (composed of ReduceMean, Sub, Mul, Div, Sqrt and
// Add, which run in float and double; opset 13 has no LayerNormalization) and its activation,
// so the graph's output is what `predict` returns:
// probabilities after a softmax or sigmoid output layer. Encoded by ./protobuf.ts from the schema
// subset in ./onnx-schema.ts.
import type { Activation, Architecture, DType, FloatArray } from '../model/options.js';
import { parameterLayout, runningOffsets } from '../model/layout.js';
import { normalizationRecord } from '../registry/normalizations.js';
import { dtypeBytes, writeFloats } from './floats.js';
import { ONNX_SCHEMA } from './onnx-schema.js';
import { ONNX_ML_OPSET, inputStageNodes, stageInputInfo, takesText } from '../preprocessing/onnx-nodes.js';
import { preprocessingMetadata } from '../preprocessing/architecture.js';
import { activationRecord, type OnnxGraph } from '../registry/activations.js';
import { quantizedLayers } from '../quantize/quantize.js';
import { int8LinearNodes } from '../quantize/onnx.js';
import { encodeMessage } from './protobuf.js';

/** Options of `toOnnx`. */
export interface OnnxOptions {
  /**
   * Element type of the graph's weights, input and output. Default: the network's dtype, so a
   * float64 network exports as ONNX `double` (ONNX Runtime's CPU and wasm kernels compute it in
   * double) and its predictions agree with `predict` to ~1e-15; 'float32' halves the file for hosts
   * (GPU, mobile) that run only float.
   */
  dtype?: DType;
  /** The graph's name (default 'wasm-mlp'). */
  name?: string;
  /**
   * 'int8': the int8 model of `net.quantize({ weights: 'int8' })` (batch norm folded), each Linear
   * as 7-bit row quantization of its input and MatMulInteger (src/quantize/onnx.ts), in float32.
   */
  quantize?: 'int8';
}

/** ONNX opset and IR version: opset 13 is the first with Softmax over one axis, IR 7 its format (a graph with a newer operator, such as HardSwish, declares its record's opset). */
export const ONNX_OPSET = 13;
const IR_VERSION = 7;
const ELEMENT_TYPE: Record<DType, number> = { float32: 1, float64: 11 };
const INT_ATTRIBUTE = 2;

/** Standardisation the CLI applies around the network: x' = (x − mean) / std, y = y'·std + mean. */
export interface OnnxScaling { mean: readonly number[]; std: readonly number[] }

/** Extra graph parts for a model with its own preprocessing (`wasm-mlp export --format onnx`). */
export interface OnnxExtras {
  /** Standardises the raw input before the first layer. */
  input?: OnnxScaling;
  /** Maps the last layer's output back to the target's units. */
  output?: OnnxScaling;
  /** Added to the model's metadata_props (e.g. feature and class names). */
  metadata?: Record<string, string>;
}

interface Node { input: string[]; output: string[]; name: string; opType: string; attribute?: object[] }

/** The ONNX model bytes of a network with parameters θ. */
export function writeOnnx(arch: Architecture, parameters: FloatArray, options: OnnxOptions, extras: OnnxExtras = {}, runningStatistics: ArrayLike<number> = []): Uint8Array {
  const int8 = options.quantize === 'int8' ? quantizedLayers('toOnnx', arch, parameters, runningStatistics, { weights: 'int8', activations: 'dynamic' }) : null;
  const dtype = int8 ? 'float32' : options.dtype ?? arch.dtype;
  const layout = parameterLayout(arch);
  const nodes: Node[] = [];
  const initializers: object[] = [];
  let current = 'input';
  if (extras.input) current = standardise(nodes, initializers, extras.input, current, dtype);
  if (arch.input) current = inputStageNodes({ nodes, initializers, tensor }, arch.input, current, dtype);
  const finalName = extras.output ? 'network.output' : 'output';
  const runningAt = runningOffsets(layout);
  const running = Float64Array.from(runningStatistics);
  layout.layers.forEach((layer, l) => {
    const last = l === layout.layers.length - 1;
    const weight = parameters.subarray(layer.weightOffset, layer.weightOffset + layer.outputs * layer.inputs);
    const bias = parameters.subarray(layer.biasOffset, layer.biasOffset + layer.outputs);
    const z = layer.activation === 'linear' && last ? finalName : `layers.${l}.z`;
    // An int8 model has its batch norms folded into the Linears (and no layer norm).
    const gemm = layer.normalization && !int8 ? `layers.${l}.h` : z;
    if (int8) int8LinearNodes(nodes, initializers, l, int8[l], current, gemm);
    else {
      initializers.push(tensor(`layers.${l}.weight`, [layer.outputs, layer.inputs], weight, dtype), tensor(`layers.${l}.bias`, [layer.outputs], bias, dtype));
      nodes.push({ input: [current, `layers.${l}.weight`, `layers.${l}.bias`], output: [gemm], name: `layers.${l}.gemm`, opType: 'Gemm', attribute: [intAttribute('transB', 1)] });
    }
    if (layer.normalization && !int8) {
      const gamma = parameters.subarray(layer.normOffset, layer.normOffset + layer.outputs);
      const beta = parameters.subarray(layer.normOffset + layer.outputs, layer.normOffset + 2 * layer.outputs);
      const ownRunning = runningAt[l] < 0 ? new Float64Array(0) : running.subarray(runningAt[l], runningAt[l] + 2 * layer.outputs);
      normalizationRecord(layer.normalization).onnx(new ActivationGraph(nodes, initializers, `layers.${l}.norm`, dtype), gemm, z, { gamma, beta, running: ownRunning });
    }
    current = layer.activation === 'linear' ? z : activationNode(nodes, initializers, layer.activation, z, last ? finalName : `layers.${l}.a`, l, dtype);
  });
  if (extras.output) unstandardise(nodes, initializers, extras.output, current, 'output', dtype);
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: onnxOpsetOf(arch.activations) }, ...(arch.input && takesText(arch.input) ? [ONNX_ML_OPSET] : [])],
    producerName: 'wasm-mlp',
    docString: `Multilayer perceptron ${arch.layers.join('-')} (${arch.activations.join(', ')}), trained with ${arch.loss} loss`,
    graph: {
      name: options.name ?? 'wasm-mlp',
      node: nodes,
      initializer: initializers,
      input: [arch.input ? stageInputInfo(arch.input, dtype) : valueInfo('input', layout.inputSize, dtype)],
      output: [valueInfo('output', layout.outputSize, dtype)],
    },
    metadataProps: Object.entries({ layers: JSON.stringify(arch.layers), activations: JSON.stringify(arch.activations), loss: arch.loss, dtype: arch.dtype, ...preprocessingMetadata(arch), ...extras.metadata }).map(([key, value]) => ({ key, value })),
  };
  return encodeMessage(ONNX_SCHEMA, 'onnx.ModelProto', model);
}

/** (x − mean) / std per column: a Sub and a Div broadcasting over the batch. */
function standardise(nodes: Node[], initializers: object[], s: OnnxScaling, from: string, dtype: DType): string {
  initializers.push(tensor('input.mean', [s.mean.length], Float64Array.from(s.mean), dtype), tensor('input.std', [s.std.length], Float64Array.from(s.std), dtype));
  nodes.push({ input: [from, 'input.mean'], output: ['input.centred'], name: 'input.sub', opType: 'Sub' });
  nodes.push({ input: ['input.centred', 'input.std'], output: ['input.standardised'], name: 'input.div', opType: 'Div' });
  return 'input.standardised';
}

/** y·std + mean per column: back to the target's units. */
function unstandardise(nodes: Node[], initializers: object[], s: OnnxScaling, from: string, to: string, dtype: DType): void {
  initializers.push(tensor('output.mean', [s.mean.length], Float64Array.from(s.mean), dtype), tensor('output.std', [s.std.length], Float64Array.from(s.std), dtype));
  nodes.push({ input: [from, 'output.std'], output: ['output.scaled'], name: 'output.mul', opType: 'Mul' });
  nodes.push({ input: ['output.scaled', 'output.mean'], output: [to], name: 'output.add', opType: 'Add' });
}

/** torch's Softplus returns z itself above this. */
const SOFTPLUS_THRESHOLD = 20;

/**
 * Builds the nodes of one activation: each call adds one node and returns its output's name.
 * Every activation is written with opset-13 operators that ONNX Runtime runs in float and in
 * double (Exp, Log, Tanh, Sigmoid, Min, Max, Where…), composed where ONNX has no operator or
 * ONNX Runtime none in double (Elu, Selu, Softplus, Erf have float kernels only).
 */
class ActivationGraph implements OnnxGraph {
  private count = 0;
  constructor(private readonly nodes: Node[], private readonly initializers: object[], private readonly prefix: string, readonly dtype: DType) {}

  op(opType: string, inputs: string[], attribute?: object[], output?: string): string {
    const name = `${this.prefix}.${opType.toLowerCase()}${this.count++}`;
    const to = output ?? name;
    this.nodes.push({ input: inputs, output: [to], name, opType, ...(attribute && { attribute }) });
    return to;
  }

  constant(value: number): string {
    const name = `${this.prefix}.c${this.count++}`;
    this.initializers.push(tensor(name, [], new Float64Array([value]), this.dtype));
    return name;
  }

  /** A named 1-D initializer (per unit, broadcast over the batch). */
  vector(name: string, values: FloatArray): string {
    const full = `${this.prefix}.${name}`;
    this.initializers.push(tensor(full, [values.length], values, this.dtype));
    return full;
  }

  scale(x: string, factor: number, output?: string): string { return this.op('Mul', [x, this.constant(factor)], undefined, output); }

  /** e^min(x, 0) − 1: ELU's negative part, 0 for x ≥ 0. */
  expMinusOne(x: string): string {
    return this.op('Sub', [this.op('Exp', [this.op('Min', [x, this.constant(0)])]), this.constant(1)]);
  }

  /** log(1 + eˣ), and x itself above torch's threshold (the overflowing branch is discarded). */
  softplus(x: string, output?: string): string {
    const smooth = this.op('Log', [this.op('Add', [this.op('Exp', [x]), this.constant(1)])]);
    return this.op('Where', [this.op('Greater', [x, this.constant(SOFTPLUS_THRESHOLD)]), x, smooth], undefined, output);
  }

  /** erf(x); ONNX Runtime has Erf in float only, so a double graph rounds its argument to float for it. */
  erf(x: string): string {
    if (this.dtype === 'float32') return this.op('Erf', [x]);
    const toFloat = this.op('Cast', [x], [intAttribute('to', ELEMENT_TYPE.float32)]);
    return this.op('Cast', [this.op('Erf', [toFloat])], [intAttribute('to', ELEMENT_TYPE.float64)]);
  }
}

/** Appends the node(s) computing `activation` of `from` into `to` (its record's ONNX graph); returns `to`. */
function activationNode(nodes: Node[], initializers: object[], activation: Exclude<Activation, 'linear'>, from: string, to: string, l: number, dtype: DType): string {
  const name = `layers.${l}.${activation}`;
  const onnx = activationRecord(activation).onnx;
  if ('opType' in onnx) {
    nodes.push({ input: [from], output: [to], name, opType: onnx.opType, ...(onnx.attribute && { attribute: [...onnx.attribute] }) });
    return to;
  }
  return onnx.build(new ActivationGraph(nodes, initializers, name, dtype), from, to);
}

/** The opset a network's graph needs: 13, or more where an activation's operators are newer. */
export function onnxOpsetOf(activations: readonly Activation[]): number {
  return Math.max(ONNX_OPSET, ...activations.map((a) => activationRecord(a).onnxOpset ?? ONNX_OPSET));
}

function intAttribute(name: string, value: number) {
  return { name, type: INT_ATTRIBUTE, i: value };
}

/** An initializer: little-endian raw bytes, the compact form every ONNX reader accepts. */
function tensor(name: string, dims: number[], values: FloatArray, dtype: DType) {
  const rawData = new Uint8Array(values.length * dtypeBytes(dtype));
  writeFloats(rawData, 0, values, dtype);
  return { name, dims, dataType: ELEMENT_TYPE[dtype], rawData };
}

/** A batch × width tensor whose batch size is free ('batch'). */
function valueInfo(name: string, width: number, dtype: DType) {
  return { name, type: { tensorType: { elemType: ELEMENT_TYPE[dtype], shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } } };
}
