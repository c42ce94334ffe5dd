// Stratified validationSplit (`fit(X, Y, { validationSplit, stratify: true })`, scikit-learn's
// train_test_split(stratify=y)): each class is held out in proportion to its share of the rows,
// so a small or sorted data set validates on every class. The selection is pseudo-random but
// fixed for given targets, as validationShuffle's is, so every fit call and a resumed run
// validate on the same rows.
import { ShapeError, ValueError } from '../core/errors.js';
import type { Architecture } from '../model/options.js';
import { Random } from '../core/random.js';
import type { FloatArray } from '../model/options.js';
import { trainingRows } from './fit-data.js';

/** Seed of the per-class selection: a constant, so the split depends on the targets only. */
const STRATIFY_SEED = 0x5eed_c1a5;

/** Throws unless `stratify` can apply: with validationSplit, on a classifier (softmax, or one sigmoid output). */
export function checkStratify(fn: string, stratify: unknown, validationSplit: number | undefined, validationShuffle: boolean, arch: Architecture): boolean {
  if (stratify === undefined || stratify === false) return false;
  if (stratify !== true) throw new ValueError(`${fn}: options.stratify must be true or false, got ${typeof stratify === 'string' ? JSON.stringify(stratify) : String(stratify)}`);
  if (!(validationSplit! > 0)) throw new ValueError(`${fn}: options.stratify applies to options.validationSplit, which is not set (e.g. { validationSplit: 0.2, stratify: true })`);
  if (validationShuffle) throw new ValueError(`${fn}: give options.stratify or options.validationShuffle, not both (a stratified split is already a pseudo-random selection)`);
  const output = arch.activations[arch.activations.length - 1];
  const outputs = arch.layers[arch.layers.length - 1]!;
  if (output !== 'softmax' && !(output === 'sigmoid' && outputs === 1)) {
    throw new ValueError(`${fn}: options.stratify needs a classifier (a softmax output, or one sigmoid output); this network's output is ${outputs} × '${output}'`);
  }
  return true;
}

/** Each row's class: the largest target (one-hot or soft labels), or target ≥ 0.5 for one output. */
function classesOf(targets: FloatArray, rows: number): { classOf: Int32Array; classes: number } {
  const width = targets.length / rows;
  const classOf = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (width === 1) { classOf[r] = targets[r]! >= 0.5 ? 1 : 0; continue; }
    let best = 0;
    for (let c = 1; c < width; c++) if (targets[r * width + c]! > targets[r * width + best]!) best = c;
    classOf[r] = best;
  }
  return { classOf, classes: Math.max(width, 2) };
}

/**
 * The stratified split as an order of the rows (row i of the split is row order[i]): the
 * training rows, then as many held-out rows as the plain split would hold out
 * (rows − ⌊rows·(1 − fraction)⌋), shared among the classes in proportion to their counts
 * (largest remainder), chosen at random within each class. Both parts keep the rows' order.
 */
export function stratifiedOrder(fn: string, targets: FloatArray, rows: number, fraction: number): Int32Array {
  const trainRows = trainingRows(rows, fraction);
  const held = rows - trainRows;
  if (trainRows < 1 || held < 1) {
    throw new ShapeError(`${fn}: options.validationSplit ${fraction} of ${rows} samples leaves ${trainRows} to train on and ${held} to validate; both need at least one`);
  }
  const { classOf, classes } = classesOf(targets, rows);
  const members: number[][] = Array.from({ length: classes }, () => []);
  classOf.forEach((c, row) => members[c]!.push(row));
  // Largest remainder: floor of each class's exact share, then one more to the largest fractions.
  const exact = members.map((list) => (list.length * held) / rows);
  const quota = exact.map(Math.floor);
  const byRemainder = exact.map((e, c) => c).sort((a, b) => (exact[b]! - quota[b]!) - (exact[a]! - quota[a]!) || a - b);
  for (let k = 0, left = held - quota.reduce((s, q) => s + q, 0); k < left; k++) quota[byRemainder[k]!]!++;
  const random = new Random(STRATIFY_SEED);
  const heldOut = new Uint8Array(rows);
  members.forEach((list, c) => {
    const order = Int32Array.from(list);
    random.shuffle(order);
    for (let k = 0; k < quota[c]!; k++) heldOut[order[k]!] = 1;
  });
  const order = new Int32Array(rows);
  let next = 0;
  for (const mark of [0, 1]) for (let r = 0; r < rows; r++) if (heldOut[r] === mark) order[next++] = r;
  return order;
}
