// One record per activation: its names (ours, PyTorch's, the one people write), the
// initialisation a layer of it gets by default, the js backend's reference function, its ONNX
// graph, the source `toFunction` embeds, and (from its kernel code) its flags. The kernel code
// itself is the kernels' own (assembly/activations.ts), read through the generated interface.
// Validation, the engines, ONNX export, `toFunction`, the CLI and the playground all derive from
// these records; docs/internals/extending.md says how to add one.

import { CODES, CONSTANTS } from '../kernels/kernel-interface.js';
import * as smooth from './smooth.js';

/**
 * Activation of a layer's outputs, by PyTorch's equivalents: `relu` nn.ReLU, `leaky-relu`
 * nn.LeakyReLU(0.01), `gelu` nn.GELU() (exact, erf), `gelu-tanh` nn.GELU(approximate='tanh'),
 * `silu` nn.SiLU, `elu` nn.ELU(alpha=1), `selu` nn.SELU, `softplus` nn.Softplus(beta=1,
 * threshold=20), `mish` nn.Mish, `hardswish` nn.Hardswish. `softmax` is for the output layer
 * only. `listActivations()` lists them with their PyTorch names.
 */
export type Activation = keyof typeof CODES.activation;

/** The nodes an activation's ONNX graph is built from (src/io/onnx.ts implements it). */
export interface OnnxGraph {
  /** Adds one node; returns its output's name (`output` when given). */
  op(opType: string, inputs: string[], attribute?: object[], output?: string): string;
  /** A scalar initializer of the graph's element type. */
  constant(value: number): string;
  /** A named 1-D initializer (per unit, broadcast over the batch). */
  vector(name: string, values: Float32Array | Float64Array): string;
  /** x · factor. */
  scale(x: string, factor: number, output?: string): string;
  /** e^min(x, 0) − 1. */
  expMinusOne(x: string): string;
  /** log(1 + eˣ), x itself above torch's threshold 20. */
  softplus(x: string, output?: string): string;
  /** erf(x), in float where the runtime has no double Erf. */
  erf(x: string): string;
  /** The graph's element type. */
  readonly dtype: 'float32' | 'float64';
}

/** An activation in ONNX: one operator, or a graph of a few built with `OnnxGraph`. */
export type OnnxActivation =
  | { readonly opType: string; readonly attribute?: readonly object[] }
  | { build(g: OnnxGraph, x: string, to: string): string };

/** Everything about one activation but its kernel (see the file's head). */
export interface ActivationRecord {
  /** PyTorch's module, as written in Python. */
  readonly torch: string;
  /** The name people write in text and menus. */
  readonly label: string;
  /** For the output layer only. */
  readonly outputOnly?: boolean;
  /**
   * A layer's default initialisation: He for ReLU-like activations (they pass about half of a
   * zero-mean input's variance), LeCun normal for SELU (its fixed point assumes it), else Glorot.
   */
  readonly init: 'he-uniform' | 'lecun-normal' | 'glorot-uniform';
  /** The js backend's act(z) and act'(z), for activations whose kernel code has the slope-from-z flag. */
  readonly reference?: { readonly value: (z: number) => number; readonly slope: (z: number) => number };
  readonly onnx: OnnxActivation;
  /** The lowest ONNX opset with every operator it uses (default 13). */
  readonly onnxOpset?: number;
  /** `toFunction`'s in-place loop over z (rows × n), assigned to ACTIVATE[name]. */
  readonly standalone: string;
}

/** PyTorch's nn.LeakyReLU default negative slope (assembly/activations.ts LEAKY_SLOPE). */
export const LEAKY_SLOPE = 0.01;
/** nn.SELU's constants. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
/** √(2/π) and the cubic coefficient of nn.GELU(approximate='tanh'). */
const GELU_TANH_BETA = 0.7978845608028654;
const GELU_TANH_KAPPA = 0.044715;

/**
 * `toFunction`'s source of an activation from the js backend's own function (src/registry/smooth.ts,
 * self-contained by design), so the exported module computes it exactly as the reference does.
 */
function smoothSource(name: string, value: (z: number) => number): string {
  const source = `ACTIVATE['${name}'] = (z) => { for (let i = 0; i < z.length; i++) z[i] = ${value.name}(z[i]); };\n${value.toString()}`;
  return source.includes('erf(') ? `${source}\n${smooth.erf.toString()}` : source;
}

/** A record whose reference, standalone source and (by default) ONNX graph come from its js function pair. */
function smoothRecord(name: string, fns: { value: (z: number) => number; slope: (z: number) => number }, rest: Omit<ActivationRecord, 'reference' | 'standalone'>): ActivationRecord {
  return { ...rest, reference: fns, standalone: smoothSource(name, fns.value) };
}

const INT_ATTRIBUTE = 2;

/**
 * The records, one per kernel code: a code without a record, or a record without a code, does not compile.
 * Each `smoothRecord` call is marked pure, so a bundle that needs only the names (`ACTIVATIONS`:
 * the inference entry's checks) drops the records, their ONNX graphs and `toFunction` sources, and src/registry/smooth.ts.
 */
export const ACTIVATION_RECORDS = {
  linear: { torch: 'nn.Identity', label: 'linear', init: 'glorot-uniform', onnx: { opType: 'Identity' }, standalone: 'ACTIVATE.linear = () => {};' },
  relu: {
    torch: 'nn.ReLU', label: 'ReLU', init: 'he-uniform', onnx: { opType: 'Relu' },
    standalone: 'ACTIVATE.relu = (z) => { for (let i = 0; i < z.length; i++) if (!(z[i] > 0)) z[i] = 0; };',
  },
  'leaky-relu': {
    torch: 'nn.LeakyReLU', label: 'leaky ReLU', init: 'he-uniform',
    // max(x, 0.01·x) is LeakyRelu (the slope is below 1), and ONNX Runtime's LeakyRelu is float only.
    onnx: { build: (g, x, to) => g.op('Max', [x, g.scale(x, LEAKY_SLOPE)], undefined, to) },
    standalone: `ACTIVATE['leaky-relu'] = (z) => { for (let i = 0; i < z.length; i++) if (!(z[i] > 0)) z[i] *= ${LEAKY_SLOPE}; };`,
  },
  sigmoid: {
    torch: 'nn.Sigmoid', label: 'sigmoid', init: 'glorot-uniform', onnx: { opType: 'Sigmoid' },
    standalone: 'ACTIVATE.sigmoid = (z) => { for (let i = 0; i < z.length; i++) { const v = z[i]; z[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)); } };',
  },
  tanh: {
    torch: 'nn.Tanh', label: 'tanh', init: 'glorot-uniform', onnx: { opType: 'Tanh' },
    standalone: 'ACTIVATE.tanh = (z) => { for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]); };',
  },
  softmax: {
    torch: 'nn.Softmax(dim=1)', label: 'softmax', init: 'glorot-uniform', outputOnly: true,
    // One distribution per row (axis 1 of batch × outputs), as predict normalises each sample.
    onnx: { opType: 'Softmax', attribute: [{ name: 'axis', type: INT_ATTRIBUTE, i: -1 }] },
    standalone: `ACTIVATE.softmax = (z, rows, n) => {
  for (let i = 0; i < rows; i++) {
    const row = z.subarray(i * n, (i + 1) * n);
    let max = row[0];
    for (let j = 1; j < n; j++) max = Math.max(max, row[j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (row[j] = Math.exp(row[j] - max));
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) row[j] *= inv;
  }
};`,
  },
  gelu: /* @__PURE__ */ smoothRecord('gelu', { value: smooth.gelu, slope: smooth.geluSlope }, {
    torch: 'nn.GELU()', label: 'GELU', init: 'he-uniform',
    // x/2 · (1 + erf(x/√2))
    onnx: { build: (g, x, to) => g.op('Mul', [g.scale(x, 0.5), g.op('Add', [g.erf(g.scale(x, Math.SQRT1_2)), g.constant(1)])], undefined, to) },
  }),
  'gelu-tanh': /* @__PURE__ */ smoothRecord('gelu-tanh', { value: smooth.geluTanh, slope: smooth.geluTanhSlope }, {
    torch: "nn.GELU(approximate='tanh')", label: 'GELU (tanh)', init: 'he-uniform',
    onnx: {
      build(g, x, to) {
        const cube = g.op('Mul', [x, g.op('Mul', [x, x])]);
        const inner = g.scale(g.op('Add', [x, g.scale(cube, GELU_TANH_KAPPA)]), GELU_TANH_BETA);
        return g.op('Mul', [g.scale(x, 0.5), g.op('Add', [g.op('Tanh', [inner]), g.constant(1)])], undefined, to);
      },
    },
  }),
  silu: /* @__PURE__ */ smoothRecord('silu', { value: smooth.silu, slope: smooth.siluSlope }, {
    torch: 'nn.SiLU', label: 'SiLU', init: 'he-uniform',
    // x / (1 + e⁻ˣ), as the kernels compute it. (x · Sigmoid(x) would be fused by ONNX Runtime
    // into QuickGelu, which it runs in float only.)
    onnx: { build: (g, x, to) => g.op('Div', [x, g.op('Add', [g.op('Exp', [g.op('Neg', [x])]), g.constant(1)])], undefined, to) },
  }),
  elu: /* @__PURE__ */ smoothRecord('elu', { value: smooth.elu, slope: smooth.eluSlope }, {
    torch: 'nn.ELU', label: 'ELU', init: 'he-uniform',
    onnx: { build: (g, x, to) => g.op('Add', [g.op('Max', [x, g.constant(0)]), g.expMinusOne(x)], undefined, to) },
  }),
  selu: /* @__PURE__ */ smoothRecord('selu', { value: smooth.selu, slope: smooth.seluSlope }, {
    torch: 'nn.SELU', label: 'SELU', init: 'lecun-normal',
    onnx: { build: (g, x, to) => g.scale(g.op('Add', [g.op('Max', [x, g.constant(0)]), g.scale(g.expMinusOne(x), SELU_ALPHA)]), SELU_SCALE, to) },
  }),
  softplus: /* @__PURE__ */ smoothRecord('softplus', { value: smooth.softplus, slope: smooth.softplusSlope }, {
    torch: 'nn.Softplus', label: 'softplus', init: 'he-uniform',
    onnx: { build: (g, x, to) => g.softplus(x, to) },
  }),
  mish: /* @__PURE__ */ smoothRecord('mish', { value: smooth.mish, slope: smooth.mishSlope }, {
    torch: 'nn.Mish', label: 'Mish', init: 'he-uniform',
    onnx: { build: (g, x, to) => g.op('Mul', [x, g.op('Tanh', [g.softplus(x)])], undefined, to) },
  }),
  hardswish: /* @__PURE__ */ smoothRecord('hardswish', { value: smooth.hardswish, slope: smooth.hardswishSlope }, {
    torch: 'nn.Hardswish', label: 'hardswish', init: 'he-uniform',
    // ONNX's HardSwish (opset 14) in float; ONNX Runtime has no double kernel for it (it lowers it to
    // HardSigmoid, float only), so a double graph is x·min(max(x + 3, 0), 6)/6, the kernels' operations.
    onnx: {
      build(g, x, to) {
        if (g.dtype === 'float32') return g.op('HardSwish', [x], undefined, to);
        const clamped = g.op('Min', [g.op('Max', [g.op('Add', [x, g.constant(3)]), g.constant(0)]), g.constant(6)]);
        return g.op('Div', [g.op('Mul', [x, clamped]), g.constant(6)], undefined, to);
      },
    },
    onnxOpset: 14,
  }),
} satisfies Record<Activation, ActivationRecord>;

/** The activations, in the order of their kernel codes. */
export const ACTIVATIONS = Object.keys(CODES.activation) as readonly Activation[];

/** True for the activations whose derivative is taken from z (`storeSlopes`), not from a = act(z): the kernel code's flag. */
export function slopeFromZ(activation: Activation): boolean {
  return (CODES.activation[activation] & CONSTANTS.ACTIVATION_SLOPE_FROM_Z) !== 0;
}

/** An activation's record. */
export function activationRecord(activation: Activation): ActivationRecord {
  return ACTIVATION_RECORDS[activation];
}

/** An activation's names and where it may go, as tools and menus list them. */
export interface ActivationInfo {
  readonly name: Activation;
  /** The name people write in text ("leaky ReLU"). */
  readonly label: string;
  /** PyTorch's module ("nn.LeakyReLU"). */
  readonly torch: string;
  /** False for activations of the output layer only (softmax). */
  readonly hidden: boolean;
}

/**
 * Every activation `MLP.create` accepts, with its names, in the registry's order.
 *
 * @throws Nothing: the list is fixed when the package loads.
 */
export function listActivations(): readonly ActivationInfo[] {
  return ACTIVATIONS.map((name) => {
    const record: ActivationRecord = ACTIVATION_RECORDS[name];
    return { name, label: record.label, torch: record.torch, hidden: !record.outputOnly };
  });
}
