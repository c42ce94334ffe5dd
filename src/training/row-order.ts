// validationShuffle's and stratify's held-out rows, chosen among rows already in the engine's
// dataset: the split is an order of the staged rows (the training rows first, then the held-out
// ones), applied to the dataset in place, so X is never copied outside the engine for it.
import type { FloatArray } from '../model/options.js';
import { Random } from '../core/random.js';

/** Seed of validationShuffle's selection: a constant, so the split depends on the row count only. */
const VALIDATION_SEED = 0x5eed_5a1d;

/** validationShuffle's order: the rows in a fixed pseudo-random order (row i of the split is row order[i]). */
export function shuffledOrder(rows: number): Int32Array {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  new Random(VALIDATION_SEED).shuffle(order);
  return order;
}

/**
 * Rearranges `values` (rows × width) so that row i becomes the former row order[i]: cycle by
 * cycle, through one row of scratch, so the extra memory is a row and a mark per row.
 */
export function permuteRowsInPlace(values: FloatArray, width: number, order: Int32Array): void {
  const placed = new Uint8Array(order.length);
  const saved = new (values.constructor as Float64ArrayConstructor)(width);
  for (let start = 0; start < order.length; start++) {
    if (placed[start] || order[start] === start) continue;
    saved.set(values.subarray(start * width, (start + 1) * width));
    let i = start;
    for (let from = order[i]!; from !== start; i = from, from = order[i]!) {
      values.copyWithin(i * width, from * width, (from + 1) * width);
      placed[i] = 1;
    }
    values.set(saved, i * width);
    placed[i] = 1;
  }
}
