// One record per normalization layer: its names and PyTorch's module. Validation, the CLI and the
// playground derive from them; the kernel code is the kernels' own (assembly/normalization.ts),
// read through the generated interface. docs/internals/extending.md says how to add one.

import { CODES } from '../kernels/kernel-interface.js';

/**
 * A normalization layer between a hidden layer's Linear and its activation: `layer-norm`
 * nn.LayerNorm(n) (over each row's units), `batch-norm` nn.BatchNorm1d(n) (over the batch's
 * rows, with running statistics for inference), both with eps 1e-5 and a learnt γ and β.
 */
export type Normalization = keyof typeof CODES.normalization;

/** Everything about one normalization but its kernels and js reference (src/js/normalization.ts). */
export interface NormalizationRecord {
  readonly torch: string;
  readonly label: string;
  /** It keeps running statistics for inference (saved with the network). */
  readonly runningStatistics: boolean;
}

/** The records, one per kernel code. */
export const NORMALIZATION_RECORDS = {
  'layer-norm': { torch: 'nn.LayerNorm', label: 'layer norm', runningStatistics: false },
  'batch-norm': { torch: 'nn.BatchNorm1d', label: 'batch norm', runningStatistics: true },
} as const satisfies Record<Normalization, NormalizationRecord>;

/** The normalizations, in the order of their kernel codes. */
export const NORMALIZATIONS = Object.keys(CODES.normalization) as readonly Normalization[];

/** A normalization's names, as tools and menus list them. */
export interface NormalizationInfo {
  readonly name: Normalization;
  readonly label: string;
  readonly torch: string;
}

/**
 * Every normalization `MLP.create` accepts, in the registry's order.
 *
 * @throws Nothing: the list is fixed when the package loads.
 */
export function listNormalizations(): readonly NormalizationInfo[] {
  return NORMALIZATIONS.map((name) => ({ name, label: NORMALIZATION_RECORDS[name].label, torch: NORMALIZATION_RECORDS[name].torch }));
}
