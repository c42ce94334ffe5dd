// One record per normalization layer: its names and PyTorch's module, the js backend's reference,
// its ONNX nodes and the source `toFunction` embeds; from its kernel code, whether it normalizes
// over the batch (its flag). Every normalization adds γ and β to θ (init 1 and 0, after the
// layer's bias: src/model/layout.ts, src/model/init.ts); one over the batch also keeps running statistics
// (mean 0 and variance 1 at start, per unit). The kernel code itself is the kernels' own
// (assembly/normalization.ts), read through the generated interface. Validation, the engines,
// the files, ONNX export, `toFunction`, the CLI and the playground derive from these records;
// docs/internals/extending.md says how to add one.

import { CODES, CONSTANTS } from '../kernels/kernel-interface.js';
import type { OnnxGraph } from './activations.js';
import { NORM_EPSILON, batchNorm, layerNorm, type NormalizationReference } from './normalization-references.js';

/**
 * A normalization layer between a hidden layer's Linear and its activation: `layer-norm`
 * nn.LayerNorm(n) (over each row's units), `batch-norm` nn.BatchNorm1d(n) (over the batch's
 * rows, with running statistics for inference), both with eps 1e-5 and a learnt γ and β.
 */
export type Normalization = keyof typeof CODES.normalization;

/** What a normalization's ONNX nodes read: γ and β, and its running mean then variance (empty for one within a row). */
export interface NormalizationTensors {
  readonly gamma: Float32Array | Float64Array;
  readonly beta: Float32Array | Float64Array;
  readonly running: Float64Array;
}

/** Everything about one normalization but its kernels (see the file's head). */
export interface NormalizationRecord {
  readonly torch: string;
  readonly label: string;
  /** The js backend's forward, backward and (for one over the batch) running update. */
  readonly reference: NormalizationReference;
  /** Its eval-mode nodes, from the Linear's output `from` (batch × n) into `to`. */
  onnx(g: OnnxGraph, from: string, to: string, tensors: NormalizationTensors): void;
  /**
   * `toFunction`'s eval-mode code, assigned to NORMALIZE[name]: `(z, rows, n, gamma, at)` in
   * place on rows × n values, with θ[gamma…] its γ then β and running[at…] its running mean
   * then variance; `R` rounds to the network's precision.
   */
  readonly standalone: string;
}

const INT_ATTRIBUTE = 2;
const INTS_ATTRIBUTE = 7;

/** γ·(centred·inv) + β into `to`: the last nodes of every normalization, in predict's order. */
function scaleAndShift(g: OnnxGraph, centred: string, inv: string, to: string, { gamma, beta }: NormalizationTensors): void {
  g.op('Add', [g.op('Mul', [g.op('Mul', [centred, inv]), g.vector('weight', Float64Array.from(gamma))]), g.vector('bias', Float64Array.from(beta))], undefined, to);
}

/**
 * The records, one per kernel code: a code without a record, or a record without a code, does not compile.
 * Nothing on the inference entry's path reads them (it needs only `overBatch`, from the codes), so its bundle drops them.
 */
export const NORMALIZATION_RECORDS = {
  'layer-norm': {
    torch: 'nn.LayerNorm', label: 'layer norm', reference: layerNorm,
    // ((h − mean)·1/√(var + eps))·γ + β over each row.
    onnx(g, from, to, tensors) {
      const axes = [{ name: 'axes', type: INTS_ATTRIBUTE, ints: [1] }, { name: 'keepdims', type: INT_ATTRIBUTE, i: 1 }];
      const centred = g.op('Sub', [from, g.op('ReduceMean', [from], axes)]);
      const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], axes);
      scaleAndShift(g, centred, g.op('Div', [g.constant(1), g.op('Sqrt', [g.op('Add', [variance, g.constant(NORM_EPSILON)])])]), to, tensors);
    },
    // The sums rounded to float32 for a float32 network, as the kernels compute them: a spread
    // that overflows the variance there (|z − mean| ≳ 1.8e19) gives β here too.
    standalone: `NORMALIZE['layer-norm'] = (z, rows, n, gamma) => {
  const beta = gamma + n;
  for (let i = 0; i < rows; i++) {
    const o = i * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum = R(sum + R(z[o + j]));
    const mean = R(sum / n);
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const d = R(R(z[o + j]) - mean);
      squares = R(squares + R(d * d));
    }
    const inv = R(1 / R(Math.sqrt(R(R(squares / n) + R(${NORM_EPSILON})))));
    for (let j = 0; j < n; j++) z[o + j] = R(R(R(R(z[o + j]) - mean) * inv) * theta[gamma + j]) + theta[beta + j];
  }
};`,
  },
  'batch-norm': {
    torch: 'nn.BatchNorm1d', label: 'batch norm', reference: batchNorm,
    // ((h − running mean)·1/√(running var + eps))·γ + β.
    onnx(g, from, to, tensors) {
      const n = tensors.gamma.length;
      const centred = g.op('Sub', [from, g.vector('running_mean', tensors.running.subarray(0, n))]);
      const inv = g.vector('inv_std', Float64Array.from(tensors.running.subarray(n, 2 * n), (v) => 1 / Math.sqrt(v + NORM_EPSILON)));
      scaleAndShift(g, centred, inv, to, tensors);
    },
    standalone: `NORMALIZE['batch-norm'] = (z, rows, n, gamma, at) => {
  const beta = gamma + n;
  for (let i = 0; i < rows; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) {
      const inv = 1 / Math.sqrt(running[at + n + j] + ${NORM_EPSILON});
      z[o + j] = (z[o + j] - running[at + j]) * inv * theta[gamma + j] + theta[beta + j];
    }
  }
};`,
  },
} satisfies Record<Normalization, NormalizationRecord>;

/** The normalizations, in the order of their kernel codes. */
export const NORMALIZATIONS = Object.keys(CODES.normalization) as readonly Normalization[];

/** A normalization's record. */
export function normalizationRecord(normalization: Normalization): NormalizationRecord {
  return NORMALIZATION_RECORDS[normalization];
}

/**
 * True for a normalization over the batch's rows (batch norm), the kernel code's flag: it keeps
 * running statistics (saved with the network), needs 2 training rows or more, and folds into its
 * Linear in inference. Otherwise it normalizes within each row.
 */
export function overBatch(normalization: Normalization | null): boolean {
  return normalization !== null && (CODES.normalization[normalization] & CONSTANTS.NORMALIZATION_OVER_BATCH) !== 0;
}

/** A normalization's names, as tools and menus list them. */
export interface NormalizationInfo {
  readonly name: Normalization;
  readonly label: string;
  readonly torch: string;
  /** It keeps running statistics for inference (saved with the network). */
  readonly runningStatistics: boolean;
}

/**
 * Every normalization `MLP.create` accepts, in the registry's order.
 *
 * @throws Nothing: the list is fixed when the package loads.
 */
export function listNormalizations(): readonly NormalizationInfo[] {
  return NORMALIZATIONS.map((name) => ({ name, label: NORMALIZATION_RECORDS[name].label, torch: NORMALIZATION_RECORDS[name].torch, runningStatistics: overBatch(name) }));
}
