// One record per loss: its names, the output activation it is fused with, whether it suits a
// regression target, the options it takes with their defaults, and the js backend's reference
// (value and gradient, ./loss-references.ts). Validation, the loss's kernel parameter, the js
// engine, the CLI and the playground derive from them; the kernel code is the kernels' own
// (assembly/losses.ts), read through the generated interface. docs/internals/extending.md says
// how to add one.

import { CODES } from '../kernels/kernel-interface.js';
import * as reference from './loss-references.js';
import type { LossReference } from './loss-references.js';

/**
 * Training loss; each is the mean over the batch, as PyTorch's reduction='mean': `mse`
 * nn.MSELoss, `cross-entropy` nn.CrossEntropyLoss (softmax output), `binary-cross-entropy`
 * nn.BCEWithLogitsLoss (sigmoid output), `l1` nn.L1Loss, `huber` nn.HuberLoss(delta),
 * `smooth-l1` nn.SmoothL1Loss(beta).
 */
export type Loss = keyof typeof CODES.loss;

/** The keys of `lossOptions` (LossOptions in src/options.ts). */
export type LossOptionName = 'delta' | 'beta' | 'classWeights' | 'posWeight' | 'labelSmoothing';

/**
 * How a loss option is checked: a number > 0, a number in [0, 1), or an array of positive
 * numbers, one per class (the outputs of a softmax) or one per output.
 */
export type LossOptionCheck = 'positive' | 'unit-interval' | 'per-class' | 'per-output';

/** Everything about one loss but its kernel. */
export interface LossRecord {
  /** PyTorch's module. */
  readonly torch: string;
  /** The name people write in text and menus. */
  readonly label: string;
  /** The output activation it is fused with (its ∂L/∂z skips that activation's Jacobian); any output when absent. */
  readonly fusedWith?: 'softmax' | 'sigmoid';
  /** A loss for a regression target (the CLI's --loss, the playground's regression menu). */
  readonly regression: boolean;
  /** The option that is the kernel's one parameter (huber's δ, smooth-l1's β), and its default. */
  readonly parameter?: { readonly option: 'delta' | 'beta'; readonly fallback: number };
  /** The `lossOptions` keys it takes, each with its check (src/validate.ts applies it). */
  readonly options: { readonly [key in LossOptionName]?: LossOptionCheck };
  /** The js backend's value and gradient (∂L/∂z when `fusedWith`, else ∂L/∂a). */
  readonly reference: LossReference;
}

/** The records, one per kernel code: a code without a record, or a record without a code, does not compile. */
export const LOSS_RECORDS = {
  mse: { torch: 'nn.MSELoss', label: 'MSE', regression: true, options: {}, reference: reference.mse },
  'cross-entropy': { torch: 'nn.CrossEntropyLoss', label: 'cross-entropy', fusedWith: 'softmax', regression: false, options: { classWeights: 'per-class', labelSmoothing: 'unit-interval' }, reference: reference.crossEntropy },
  'binary-cross-entropy': { torch: 'nn.BCEWithLogitsLoss', label: 'binary cross-entropy', fusedWith: 'sigmoid', regression: false, options: { posWeight: 'per-output' }, reference: reference.binaryCrossEntropy },
  l1: { torch: 'nn.L1Loss', label: 'L1', regression: true, options: {}, reference: reference.l1 },
  huber: { torch: 'nn.HuberLoss', label: 'Huber', regression: true, parameter: { option: 'delta', fallback: 1 }, options: { delta: 'positive' }, reference: reference.huber },
  'smooth-l1': { torch: 'nn.SmoothL1Loss', label: 'smooth L1', regression: true, parameter: { option: 'beta', fallback: 1 }, options: { beta: 'positive' }, reference: reference.smoothL1 },
} as const satisfies Record<Loss, LossRecord>;

/** The losses, in the order of their kernel codes. */
export const LOSSES = Object.keys(CODES.loss) as readonly Loss[];

/** A loss's record. */
export function lossRecord(loss: Loss): LossRecord {
  return LOSS_RECORDS[loss];
}

/** The losses for a regression target. */
export const REGRESSION_LOSSES = LOSSES.filter((loss) => lossRecord(loss).regression);

/** A loss's names, as tools and menus list them. */
export interface LossInfo {
  readonly name: Loss;
  readonly label: string;
  readonly torch: string;
  /** The output activation it needs, if any. */
  readonly fusedWith?: 'softmax' | 'sigmoid';
  readonly regression: boolean;
}

/**
 * Every loss `MLP.create` accepts, in the registry's order.
 *
 * @throws Nothing: the list is fixed when the package loads.
 */
export function listLosses(): readonly LossInfo[] {
  return LOSSES.map((name) => {
    const { torch, label, regression, fusedWith } = lossRecord(name);
    return { name, label, torch, regression, ...(fusedWith && { fusedWith }) };
  });
}
