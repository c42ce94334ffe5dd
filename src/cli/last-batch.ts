// The CLI chooses the batching, so it also answers for a batch that batch norm cannot train on:
// a last batch of one row (its variance over the batch is 0/0; PyTorch raises "Expected more
// than 1 value per channel when training"). Like PyTorch's DataLoader(drop_last=True), but only
// for that one row, each epoch leaves it out, and the user is told before training, in their numbers.
import { UsageError } from './args.js';
import { overBatch, type Normalization } from '../registry/normalizations.js';

/** Rows trained per epoch, and the note to print before training (null: every row is trained). */
export interface EpochRows {
  rows: number;
  note: string | null;
}

/** Whether any hidden layer normalizes over a batch's rows. */
export function usesBatchNorm(normalization: readonly (Normalization | null)[]): boolean {
  return normalization.some(overBatch);
}

/**
 * The rows each epoch trains on: all `trainRows`, or all but the last when batch norm would
 * meet a last batch of one row. Throws a UsageError when batch norm has fewer than 2 rows at all.
 */
export function epochRows(trainRows: number, batchSize: number, batchNorm: boolean, shuffled: boolean): EpochRows {
  if (!batchNorm || trainRows % batchSize !== 1) return { rows: trainRows, note: null };
  if (trainRows < 2) throw new UsageError(`--normalization batch-norm normalizes over a batch's rows and needs at least 2 training rows, got ${trainRows}`);
  const which = shuffled ? 'a different row each epoch, as the order is shuffled' : 'the same row each epoch';
  return {
    rows: trainRows - 1,
    note: `${trainRows} training rows in batches of ${batchSize} leave a last batch of 1 row, which batch norm cannot train on; each epoch leaves it out (${which}), as PyTorch's drop_last would. Choose another --batch-size to train on every row.`,
  };
}
